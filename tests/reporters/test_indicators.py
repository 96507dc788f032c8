"""The indicators of a report (issue 10 item 3): read from the samples and from phishing-pot-dev, with the
SHA-256 computed here from the message's own bytes, a Safe Links link seen through, and long links cut."""

from __future__ import annotations

import hashlib
from email import message_from_bytes, policy
from urllib.parse import quote

import pytest
from support.messages import SAMPLES, SHARED, run

from mailcheck.model import Label, Report
from mailcheck.reporters.indicators import Indicator, Kind, host_kind, indicators, mailbox

POT = SHARED / "corpora" / "phishing-pot-dev" / "email"


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _find(report: Report, kind: Kind, value: str) -> Indicator:
    found = [i for i in indicators(report) if i.type is kind and i.value == value]
    assert len(found) == 1, [(i.type.value, i.value) for i in indicators(report)]
    return found[0]


def _attachment_hashes(raw: bytes) -> dict[str, str]:
    """The SHA-256 of every attached file, from the stdlib's own MIME parse (not mailcheck's)."""
    hashes = {}
    for part in message_from_bytes(raw, policy=policy.default).walk():
        name, data = part.get_filename(), part.get_payload(decode=True)
        if name and isinstance(data, bytes):
            hashes[name] = hashlib.sha256(data).hexdigest()
    return hashes


def test_an_attachment_gives_its_name_and_the_hash_of_its_bytes() -> None:
    raw = _sample("disguised-invoice.eml")
    report = run(raw)
    digest = _attachment_hashes(raw)["Invoice_4471.pdf"]
    by_hash = _find(report, Kind.SHA256, digest)
    assert by_hash.fields == ("attachment[0]",) and by_hash.label is Label.FORGED
    assert _find(report, Kind.FILE_NAME, "Invoice_4471.pdf").fields == ("attachment[0]",)


def test_the_sender_ip_the_addresses_and_their_domains() -> None:
    report = run(_sample("phishing.eml"))
    client = _find(report, Kind.IPV4, "198.51.100.44")
    assert client.fields == ("client-ip", "received[0]") and client.label is Label.VALIDATED
    sender = _find(report, Kind.EMAIL, "service@mailer.example.net")
    assert sender.fields == ("from", "from-brand") and sender.label is Label.FORGED  # the brand's name over it
    assert "envelope-sender" in _find(report, Kind.EMAIL, "bounce@mailer.example.net").fields
    domain = _find(report, Kind.DOMAIN, "mailer.example.net")
    assert {"envelope-sender", "from", "from-domain", "client-helo"} <= set(domain.fields)


def test_links_give_their_url_and_host_and_a_forged_link_stays_forged() -> None:
    report = run(_sample("phishing.eml"))
    link = _find(report, Kind.URL, "http://198.51.100.7/paypal/signin.php?id=1&s=2")
    assert link.fields == ("url[1]",) and link.label is Label.FORGED
    assert _find(report, Kind.IPV4, "198.51.100.7").label is Label.FORGED
    assert _find(report, Kind.URL, "https://www.paypal.com/signin").label is Label.UNVERIFIABLE


def test_the_same_value_from_several_fields_is_one_indicator_with_every_field() -> None:
    report = run(_sample("brand-impersonation.eml"))
    link = _find(report, Kind.URL, "https://c0ntoso.example/sso/review")
    assert link.fields == ("url[0]", "url[1]")
    host = _find(report, Kind.DOMAIN, "c0ntoso.example")
    assert host.fields[0] == "lookalike-domain[0]" and {"url[0]", "url[1]"} <= set(host.fields)
    assert host.label is Label.FORGED  # the strongest label of its fields
    assert len({(i.type, i.value) for i in indicators(report)}) == len(indicators(report))


def test_a_rewritten_link_gives_its_original_target_never_the_gateway() -> None:
    target = "https://evil.example.net/login?next=a&b=c"
    wrapped = (f"https://eur03.safelinks.protection.outlook.com/?url={quote(target, safe='')}"
               "&data=05%7C02%7C0%7C0&sdata=QUJD%3D&reserved=0")
    raw = _sample("clean.eml").replace(b"https://wiki.example.com/meetings/2026-11-10", wrapped.encode())
    report = run(raw)
    link = _find(report, Kind.URL, target)
    assert link.fields == ("url[0]",) and "Microsoft Safe Links" in link.note
    assert _find(report, Kind.DOMAIN, "evil.example.net").fields == ("url[0]",)
    assert not [i for i in indicators(report) if "safelinks" in i.value]


def test_a_link_cut_in_the_report_gives_its_host_not_a_false_url() -> None:
    long_link = "https://files.example.net/" + "a" * 400
    raw = _sample("clean.eml").replace(b"https://wiki.example.com/meetings/2026-11-10", long_link.encode())
    report = run(raw)
    assert not [i for i in indicators(report) if i.type is Kind.URL and "files.example.net" in i.value]
    assert _find(report, Kind.DOMAIN, "files.example.net").fields == ("url[0]",)


def test_the_same_report_gives_the_same_list() -> None:
    raw = _sample("brand-impersonation.eml")
    assert indicators(run(raw)) == indicators(run(raw))


@pytest.mark.parametrize(("text", "expected"), [
    ("203.0.113.5", (Kind.IPV4, "203.0.113.5")),
    ("2001:DB8::1", (Kind.IPV6, "2001:db8::1")),
    ("Mail.Example.COM.", (Kind.DOMAIN, "mail.example.com")),
    ("cudo", None), ("(none recorded)", None), ("[192.0.2.1]", None), ("1.2.3", None), ("", None),
])
def test_host_kind(text: str, expected: tuple[Kind, str] | None) -> None:
    assert host_kind(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("<a@example.com>", "a@example.com"), ("Name <b@example.com>", "b@example.com"), ("c@example.com", "c@example.com"),
    ("", None), ("(no envelope sender)", None), ("<>", None), ("x@cudo", None),
])
def test_mailbox(text: str, expected: str | None) -> None:
    assert mailbox(text) == expected


def test_a_phishing_pot_message_with_an_ipv6_client_and_a_pdf() -> None:
    path = POT / "sample-1249.eml"
    if not path.exists():
        pytest.skip("../shared/corpora/phishing-pot-dev absent: the real phishing corpus is not available")
    raw = path.read_bytes()
    report = run(raw)
    assert _find(report, Kind.IPV6, "2a01:111:f400:7eaf::82a").label is Label.VALIDATED
    assert _find(report, Kind.SHA256, _attachment_hashes(raw)["Show 18.pdf"]).fields == ("attachment[0]",)
    assert _find(report, Kind.EMAIL, "zenobia_kleve@outlook.com").fields == ("from",)
