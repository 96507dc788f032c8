"""Every sample in samples/ shows what samples/README.md says it shows."""

from __future__ import annotations

from support.messages import SAMPLES, field, run

from mailcheck.model import Basis, Label


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_flabbia_the_essays_spam() -> None:
    report = run(sample("flabbia.eml"))
    assert report.verdict is Label.FORGED
    garbage = field(report, "received[2]")
    assert garbage.label is Label.FORGED
    assert field(report, "received[1]").label is Label.VALIDATED
    assert field(report, "date").label is Label.FORGED
    assert any("-0060" in e for e in field(report, "date").evidence)
    for name in ("header:X-Spam[0]", "header:X-Antivirus[0]", "header:X-Antivirus-Status[0]"):
        finding = field(report, name)
        assert finding.label is Label.UNVERIFIABLE
        assert "before your servers received it" in finding.evidence[0]
    display = field(report, "from-display-name")
    assert display.value == "Bill Gates" and display.label is Label.UNVERIFIABLE
    assert display.basis is Basis.UNCHECKABLE
    assert field(report, "client-ip").value == "203.0.113.77"
    assert field(report, "body-claims").basis is Basis.UNCHECKABLE


def test_clean_message_has_nothing_forged() -> None:
    report = run(sample("clean.eml"))
    assert [f.name for f in report.fields if f.label is Label.FORGED] == []
    assert report.boundary.entry_index == 1
    assert field(report, "client-ip").value == "192.0.2.25"
    assert field(report, "header:Authentication-Results[0]").label is Label.VALIDATED


def test_phishing_link_text_and_target_differ() -> None:
    report = run(sample("phishing.eml"))
    forged = [f for f in report.fields if f.name.startswith("url[") and f.label is Label.FORGED]
    assert forged and "198.51.100.7" in forged[0].value
    assert report.verdict is Label.FORGED


def test_planted_authentication_results() -> None:
    report = run(sample("planted-authres.eml"))
    assert field(report, "header:Authentication-Results[0]").label is Label.FORGED
    assert field(report, "header:X-Spam-Status[0]").label is Label.UNVERIFIABLE


def test_outlook_msg_is_read_and_says_what_it_cannot_show() -> None:
    report = run(sample("outlook-phish.msg"))
    assert report.errors[0].startswith("read from an Outlook .msg")
    assert field(report, "received[0]").label is Label.VALIDATED
    assert field(report, "url[1]").label is Label.FORGED
    attachment = field(report, "attachment[0]")
    assert attachment.value == "Restore_Access.html" and any("password" in e for e in attachment.evidence)
    dkim = field(report, "dkim[0]")
    assert dkim.label is Label.UNVERIFIABLE and any("body hash cannot be checked" in e for e in dkim.evidence)
    assert report.verdict is Label.FORGED
