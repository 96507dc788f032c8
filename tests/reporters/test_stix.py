"""--format stix (issue 10 item 3): a STIX 2.1 bundle that stix2 parses back without custom content and that
stix2-validator passes in strict mode, the same for the same message, on the samples and phishing-pot-dev."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
import stix2
from click.testing import CliRunner
from stix2validator import ValidationOptions, validate_string
from support.messages import SAMPLES, SHARED, run

import mailcheck.reporters
from mailcheck.commands.group import cli
from mailcheck.reporters.indicators import Kind
from mailcheck.reporters.stix import IDENTITY_ID, render, stix_value

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
POT = SHARED / "corpora" / "phishing-pot-dev" / "email"


def _bundle(raw: bytes) -> tuple[str, dict[str, Any]]:
    text = render(run(raw, now=NOW), raw)
    return text, json.loads(text)


def _objects(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [obj for obj in bundle["objects"] if obj["type"] == kind]


def _valid(text: str) -> None:
    stix2.parse(text, allow_custom=False)  # raises on anything the library does not know
    results = validate_string(text, ValidationOptions(strict=True))
    assert results.is_valid, [str(e) for e in results.errors]
    assert not results.warnings


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.eml")))
def test_every_sample_gives_a_valid_bundle(name: str) -> None:
    text, bundle = _bundle((SAMPLES / name).read_bytes())
    _valid(text)
    assert bundle["type"] == "bundle" and len(_objects(bundle, "report")) == 1
    assert len(_objects(bundle, "email-message")) == 1
    assert text.isascii()  # non-ASCII is escaped: nothing of the message reaches a terminal raw


def test_the_attachment_is_a_file_with_its_hash_and_a_forged_indicator() -> None:
    raw = (SAMPLES / "disguised-invoice.eml").read_bytes()
    _, bundle = _bundle(raw)
    digest = "022b2c17e65baa9ad77d3b1ffc95a760fde09e55080aaf73126e8651a320d6d8"
    (file,) = _objects(bundle, "file")
    assert file["name"] == "Invoice_4471.pdf" and file["hashes"] == {"SHA-256": digest}
    assert file["id"] == stix2.v21.File(name="Invoice_4471.pdf", hashes={"SHA-256": digest}).id  # the spec's UUIDv5
    (indicator,) = _objects(bundle, "indicator")
    assert indicator["pattern"] == f"[file:hashes.'SHA-256' = '{digest}']"
    assert "disguised" in indicator["description"] and indicator["created_by_ref"] == IDENTITY_ID
    (note,) = _objects(bundle, "note")
    assert note["abstract"] == "attachment[0] is forged" and note["object_refs"] == [file["id"]]
    (message,) = _objects(bundle, "email-message")
    assert message["is_multipart"] is True and message["content_type"] == "multipart/mixed"
    assert message["subject"] == "Invoice 4471 is overdue" and message["date"] == "2026-11-19T08:41:50Z"
    sender = next(o for o in _objects(bundle, "email-addr") if o["id"] == message["from_ref"])
    assert sender["value"] == "billing@accounts.example.net"
    (report,) = _objects(bundle, "report")
    assert report["description"].startswith("Verdict forged.")
    assert set(report["object_refs"]) == {o["id"] for o in bundle["objects"]} - {IDENTITY_ID, report["id"]}


def test_forged_fields_without_an_observable_get_a_note_on_the_message() -> None:
    _, bundle = _bundle((SAMPLES / "flabbia.eml").read_bytes())
    (message,) = _objects(bundle, "email-message")
    notes = {n["abstract"]: n for n in _objects(bundle, "note")}
    assert set(notes) == {"date is forged", "received[2] is forged"}
    assert all(n["object_refs"] == [message["id"]] for n in notes.values())
    assert "-0060" in notes["date is forged"]["content"]
    assert not _objects(bundle, "indicator")  # a date is no observable to block
    assert len(message["received_lines"]) == 3


def test_timestamps_are_the_analysis_clock_and_the_same_message_gives_the_same_bundle() -> None:
    raw = (SAMPLES / "phishing.eml").read_bytes()
    first, bundle = _bundle(raw)
    assert first == _bundle(raw)[0]
    stamps = {o[k] for o in bundle["objects"] if o["id"] != IDENTITY_ID for k in ("created", "modified") if k in o}
    assert stamps == {"2026-12-01T09:30:00.000Z"}
    patterns = {i["pattern"] for i in _objects(bundle, "indicator")}
    assert patterns == {"[url:value = 'http://198.51.100.7/paypal/signin.php?id=1&s=2']",
                        "[email-addr:value = 'service@mailer.example.net']"}


def test_quotes_and_backslashes_in_a_forged_link_are_escaped_in_the_pattern() -> None:
    raw = (SAMPLES / "phishing.eml").read_bytes().replace(b"paypal/sig=\nnin.php", b"paypal/sign'in\\x.php")
    text, bundle = _bundle(raw)
    _valid(text)
    (url,) = [u for u in _objects(bundle, "url") if "198.51.100.7" in u["value"]]
    assert url["value"] == "http://198.51.100.7/paypal/sign'in%5Cx.php?id=1&s=2"  # a URI has no backslash
    assert f"[url:value = '{url['value'].replace(chr(39), chr(92) + chr(39))}']" in {
        i["pattern"] for i in _objects(bundle, "indicator")}


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (Kind.URL, "https://[2001:db8::1]/a b[1]\\\"é", "https://[2001:db8::1]/a%20b%5B1%5D%5C%22%C3%A9"),
    (Kind.URL, "https://[u]@x.example/?a=#b#&c=%E", "https://%5Bu%5D@x.example/?a=#b%23&c=%25E"),
    (Kind.URL, "https://x.example/?to=%EMAIL%&ok=%41", "https://x.example/?to=%25EMAIL%25&ok=%41"),
    (Kind.URL, "http:\\\\evil.example\\x", "http:%5C%5Cevil.example%5Cx"),
    (Kind.DOMAIN, "a_b.example.com", None), (Kind.DOMAIN, "x.-com", None), (Kind.DOMAIN, "пример.рф", "пример.рф"),
    (Kind.EMAIL, "\U0001d5ff@telekom.example", None), (Kind.EMAIL, "a.b+c@example.com", "a.b+c@example.com"),
])
def test_values_stix_cannot_carry_as_written(kind: Kind, value: str, expected: str | None) -> None:
    assert stix_value(kind, value) == expected


def test_a_phishing_pot_message_gives_a_valid_bundle() -> None:
    path = POT / "sample-1249.eml"
    if not path.exists():
        pytest.skip("../shared/corpora/phishing-pot-dev absent: the real phishing corpus is not available")
    text, bundle = _bundle(path.read_bytes())
    _valid(text)
    assert [o["value"] for o in _objects(bundle, "ipv6-addr")] == ["2a01:111:f400:7eaf::82a"]
    assert _objects(bundle, "file")[0]["name"] == "Show 18.pdf"


def test_the_command_writes_the_bundle() -> None:
    result = CliRunner().invoke(cli, ["--offline", "--now", "2026-12-01T00:00:00Z", "--format", "stix",
                                      str(SAMPLES / "brand-impersonation.eml")])
    assert result.exit_code == 1, result.output
    _valid(result.output)
    domains = {o["value"] for o in _objects(json.loads(result.output), "domain-name")}
    assert "c0ntoso.example" in domains


def test_without_stix2_the_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "stix2.v21", None)  # importing it now raises ImportError
    monkeypatch.delitem(sys.modules, "mailcheck.reporters.stix")
    monkeypatch.delattr(mailcheck.reporters, "stix")
    result = CliRunner().invoke(cli, ["--offline", "--format", "stix", str(SAMPLES / "clean.eml")])
    assert result.exit_code == 2
    assert "pip install 'mailcheck[stix]'" in result.output
