"""Outlook .msg input: recognised by content, rebuilt as RFC 5322, body hashes never forged, damage one error."""

from __future__ import annotations

import email
import email.policy
import sys
from email.message import EmailMessage

import pytest
from support.messages import SHARED, field, run
from support.outlook_files import SAMPLE_HEADERS, build_msg, sample_msg
from support.signing import message, rsa_key, sign

from mailcheck.auth.dkim_result import DkimOutcome
from mailcheck.context import Context
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Label
from mailcheck.parse.outlook_msg import READ_FROM_MSG, MsgError, rebuild
from mailcheck.parse.recognise_input import OUTLOOK_MSG, as_mail_input, is_outlook_msg
from mailcheck.pipeline import analyze

PHISHING = SHARED / "corpora" / "phishing-pot-dev" / "email"


def parsed(raw: bytes) -> EmailMessage:
    result = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(result, EmailMessage)
    return result


def test_a_msg_is_recognised_by_its_content_not_its_name() -> None:
    data = sample_msg()
    assert is_outlook_msg(data)
    assert not is_outlook_msg(data[:8] + bytes(600))  # an OLE2 file without MAPI property streams
    assert not is_outlook_msg(b"From: a@example.com\r\n\r\n")


def test_transport_headers_become_the_header_block_and_the_body_is_rebuilt_as_mime() -> None:
    rebuilt = rebuild(sample_msg())
    assert rebuilt.notes[0] == READ_FROM_MSG
    assert any("multipart/alternative" in note and "replaced" in note for note in rebuilt.notes)
    head, _, _ = rebuilt.raw.partition(b"\r\n\r\n")
    # Every field Outlook kept is there, in order, as it was; only the MIME fields are the rebuilt body's.
    original = SAMPLE_HEADERS.encode().split(b"Content-Type:")[0]
    assert head.startswith(original)
    mail = parsed(rebuilt.raw)
    assert mail.get_content_type() == "multipart/mixed"
    kinds = [part.get_content_type() for part in mail.walk()]
    assert kinds == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/html"]
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename() == "Restore_Access.html"
    assert b'type="password"' in attachment.get_payload(decode=True)


def test_the_report_of_a_msg_says_what_it_cannot_show() -> None:
    report = run(sample_msg())
    assert report.errors[0] == READ_FROM_MSG
    assert field(report, "received[0]").label is Label.VALIDATED  # the header block works as in an .eml
    assert field(report, "url[1]").label is Label.FORGED  # the HTML body's link: text paypal, target an IP
    assert field(report, "attachment[0]").value == "Restore_Access.html"
    assert any("the body hash cannot be checked" in line for line in field(report, "dkim[0]").evidence)


def test_a_dkim_signature_over_a_rebuilt_body_is_unverifiable_never_forged_or_validated() -> None:
    key = rsa_key()
    signed = sign(message(), key)
    head, _, body = signed.partition(b"\r\n\r\n")
    # The same body, as Outlook keeps it: the rebuilt MIME body is not the bytes that were signed.
    data = build_msg(head.decode() + "\r\n\r\n", "Test message", body.decode())
    dns = StaticDns({("sel._domainkey.example.com", "TXT"): [key.record()]})
    report = analyze(data, Context(dns=dns))
    dkim = field(report, "dkim[0]")
    assert dkim.label is Label.UNVERIFIABLE
    assert dkim.evidence[-2].startswith("the body hash cannot be checked")
    assert "the signature over the signed header fields verifies" in dkim.evidence[-1]
    assert report.verdict is not Label.FORGED
    # The .eml it came from still verifies: the relabelling is the .msg's alone.
    assert field(analyze(signed, Context(dns=dns)), "dkim[0]").label is Label.VALIDATED


def test_outcome_for_a_rebuilt_body_is_in_the_table() -> None:
    from mailcheck.auth.dkim_result import OUTCOME_LABELS

    assert OUTCOME_LABELS[DkimOutcome.BODY_NOT_ORIGINAL][0] is Label.UNVERIFIABLE


def test_a_msg_without_transport_headers_is_rebuilt_from_its_properties() -> None:
    rebuilt = rebuild(build_msg(None, "Draft", "not sent yet"))
    assert b"Subject: Draft" in rebuilt.raw and b"Received:" not in rebuilt.raw
    assert any("no transport headers" in note for note in rebuilt.notes)


def test_an_attached_outlook_item_becomes_a_message_rfc822_part() -> None:
    data = build_msg("From: analyst@example.org\r\nSubject: FW: suspicious\r\n\r\n", "FW: suspicious",
                     "see attached", embedded=(SAMPLE_HEADERS, "Your account has been limited", "inner text"))
    mail = parsed(rebuild(data).raw)
    inner = [part for part in mail.walk() if part.get_content_type() == "message/rfc822"]
    assert len(inner) == 1
    assert b"From: \"PayPal Service\" <service@paypal.example>" in inner[0].as_bytes()


def test_non_ascii_names_and_headers_are_encoded_not_raw() -> None:
    data = build_msg("From: a@example.com\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\n", "café", "text",
                     attachments=[("fäktura.pdf", "application/pdf", b"%PDF-1.4")])
    mail = parsed(rebuild(data).raw)
    assert next(mail.iter_attachments()).get_filename() == "fäktura.pdf"


@pytest.mark.parametrize("cut", [600, 1600, 3000, 5000])
def test_a_damaged_msg_is_one_clear_error(cut: int) -> None:
    data = sample_msg()[:cut]
    with pytest.raises(MsgError, match=r"Outlook \.msg"):
        rebuild(data)
    # analyze() itself never refuses input: the reason is in the report's errors.
    if is_outlook_msg(data):
        mail = as_mail_input(data)
        assert mail.kind != OUTLOOK_MSG and "cannot be read" in mail.notes[0]


def test_without_extract_msg_a_msg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "extract_msg", None)  # import extract_msg now raises ImportError
    with pytest.raises(MsgError, match=r"pip install 'mailcheck\[outlook\]'"):
        rebuild(sample_msg())


@pytest.mark.skipif(not PHISHING.is_dir(), reason="needs ../shared/corpora/phishing-pot-dev")
def test_a_real_phish_saved_as_msg_reports_its_header_fields_as_the_eml_does() -> None:
    # Real messages are read at test time and never copied into the repository (CC BY-NC 4.0).
    for path in sorted(PHISHING.glob("sample-1*.eml"))[:8]:
        raw, name = path.read_bytes(), path.name
        head, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            continue
        data = build_msg(head.decode("utf-8", "replace") + "\r\n\r\n", "", body.decode("utf-8", "replace"))
        now = run(raw, now=None)
        from_msg = run(data, now=None)
        assert from_msg.errors[0] == READ_FROM_MSG
        labels = {f.name: f.label for f in now.fields if f.name.startswith(("received[", "from", "date", "client-"))}
        assert labels == {f.name: f.label for f in from_msg.fields if f.name in labels}, name
        assert not [f for f in from_msg.fields if f.check in ("dkim", "arc") and f.label is not Label.UNVERIFIABLE]


def test_the_checked_in_sample_is_what_the_generator_writes() -> None:
    from support.messages import SAMPLES

    assert (SAMPLES / "outlook-phish.msg").read_bytes() == sample_msg()


REAL_MSG = SHARED / "corpora" / "mail-parser-tests" / "tests" / "mails" / "mail_outlook_1"


@pytest.mark.skipif(not REAL_MSG.is_file(), reason="needs ../shared/corpora/mail-parser-tests")
def test_a_real_outlook_msg_from_the_corpus() -> None:
    # A newsletter saved by Outlook (SpamScope/mail-parser's test data, Apache-2.0): its transport headers
    # hold ten Received lines; the HTML shows five images by Content-ID.
    data = REAL_MSG.read_bytes()
    assert is_outlook_msg(data)
    report = run(data)
    assert report.errors[0] == READ_FROM_MSG
    assert len([f for f in report.fields if f.name.startswith("received[")]) == 10
    assert field(report, "client-ip").value == "195.189.93.103"
    assert field(report, "subject").value.startswith("Newsletter Prüfung")
    images = [f for f in report.fields if f.name.startswith("attachment[")]
    assert len(images) == 5 and all("Content-Disposition inline" in f.evidence[0] for f in images)
    assert any(f.name.startswith("url[") and "text/html" in f.evidence[0] for f in report.fields)
