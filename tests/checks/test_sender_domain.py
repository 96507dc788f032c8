"""Where the envelope sender is read (mailcheck/envelope.py) and the "sender-domain" check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.dns_facts import context, facts_for, message_bytes
from support.dns_server import DnsServer, Mode, ZoneDict

from mailcheck.checks import sender_domain
from mailcheck.context import Context, MtaEvidence
from mailcheck.lookup.contract import DnsAnswer, DnsStatus, LocalDns, OfflineDns, StaticDns
from mailcheck.lookup.record import ReplayDns
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Basis, Finding, Label, StepStatus
from mailcheck.parse.envelope import FROM_MBOX, FROM_MTA, FROM_RETURN_PATH, FROM_X_ENVELOPE, envelope_sender
from mailcheck.parse.message import parse

# -- envelope_sender --------------------------------------------------------------------------

RECEIVED = "Received: from a.example by b.example; Mon, 6 Jan 2025 10:00:00 +0000"


@pytest.mark.parametrize(("raw", "expected"), [
    (f"Return-Path: <a@example.com>\n{RECEIVED}\n", ("a@example.com", FROM_RETURN_PATH)),
    (f"Return-Path: <>\n{RECEIVED}\n", ("", FROM_RETURN_PATH)),
    ("Return-Path: <@relay.example:a@example.com>\n", ("a@example.com", FROM_RETURN_PATH)),
    # Below a Received line anybody could have written it (DESIGN §3): not used.
    (f"{RECEIVED}\nReturn-Path: <forged@example.com>\n", (None, None)),
    (f"From a@example.com  Mon Jan  6 10:00:00 2025\n{RECEIVED}\nReturn-Path: <x@example.com>\n",
     ("a@example.com", FROM_MBOX)),
    (f"From MAILER-DAEMON  Mon Jan  6 10:00:00 2025\n{RECEIVED}\n", ("", FROM_MBOX)),
    (f"{RECEIVED}\nX-Envelope-From: <b@example.net>\n", ("b@example.net", FROM_X_ENVELOPE)),
])
def test_envelope_sender_sources(raw: str, expected: tuple[str | None, str | None]) -> None:
    address, source = envelope_sender(parse((raw + "\nbody\n").encode()))
    assert address == expected[0]
    if expected[1] is None:
        assert source.startswith("no envelope sender recorded")
    else:
        assert source == expected[1]


def test_the_mta_wins() -> None:
    message = parse(b"Return-Path: <a@example.com>\n\nbody\n")
    mta = MtaEvidence("192.0.2.1", "h.example", "b@example.net")
    assert envelope_sender(message, mta) == ("b@example.net", FROM_MTA)
    assert envelope_sender(message, MtaEvidence("192.0.2.1", "h.example", "")) == ("", FROM_MTA)
    assert envelope_sender(message, MtaEvidence("192.0.2.1", "h.example", None))[1] == FROM_RETURN_PATH


# -- the check --------------------------------------------------------------------------------

ZONE = {
    ("mx.example", "MX"): ["10 mail.mx.example"],
    ("aonly.example", "A"): ["192.0.2.1"],
    ("v6only.example", "AAAA"): ["2001:db8::1"],
    ("nullmx.example", "MX"): ["0 ."],
    ("nullmx.example", "A"): ["192.0.2.2"],
    ("host.nomail.example", "TXT"): ["something"],  # nomail.example exists, with no MX/A/AAAA
}


def run(raw: bytes, ctx: Context) -> dict[str, Finding]:
    facts = facts_for(raw)
    findings = {f.name: f for f in sender_domain.run(facts, ctx)}
    assert facts.steps["Sender domain exists"].name == "Sender domain exists"
    return findings


def message(envelope: str | None, *from_: str) -> bytes:
    headers = [f"Return-Path: <{envelope}>"] if envelope is not None else []
    headers.append(RECEIVED)
    headers.extend(f"From: {a}" for a in from_)
    return message_bytes(*headers)


@pytest.mark.parametrize(("domain", "label", "basis", "first_evidence"), [
    ("mx.example", Label.VALIDATED, Basis.CHECKED,
     "the domain exists and receives mail: MX mx.example: 10 mail.mx.example"),
    ("aonly.example", Label.VALIDATED, Basis.CHECKED, "the domain exists: A aonly.example: 192.0.2.1"),
    ("v6only.example", Label.VALIDATED, Basis.CHECKED, "the domain exists: AAAA v6only.example: 2001:db8::1"),
    ("gone.example", Label.FORGED, Basis.CHECKED, "the domain gone.example does not exist (NXDOMAIN)"),
    ("nomail.example", Label.UNVERIFIABLE, Basis.UNDECIDED,
     "the name nomail.example exists in DNS but has no MX, A or AAAA record: no mail can reach it"),
    ("nullmx.example", Label.FORGED, Basis.CHECKED,
     "DNS MX nullmx.example: 0 .: a null MX (RFC 7505), the domain's owner declares it accepts no mail"),
])
def test_envelope_sender_domain(domain: str, label: Label, basis: Basis, first_evidence: str) -> None:
    found = run(message(f"a@{domain}"), context(StaticDns(ZONE)))["envelope-sender-domain"]
    assert (found.value, found.label, found.basis) == (domain, label, basis)
    assert found.evidence[0] == first_evidence
    assert found.evidence[-1] == f"envelope sender <a@{domain}> read from Return-Path above every Received line"


def test_null_mx_in_from_is_not_forged() -> None:
    # A domain may send without receiving; authorship is DMARC's to decide (see the module docstring).
    found = run(message("a@mx.example", "b@nullmx.example"), context(StaticDns(ZONE)))["from-domain"]
    assert (found.label, found.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "replies to this From address cannot be delivered" in found.evidence[1]


@pytest.mark.parametrize("status", [DnsStatus.TIMEOUT, DnsStatus.SERVFAIL, DnsStatus.REFUSED, DnsStatus.BUDGET])
def test_dns_failures_are_never_forged(status: DnsStatus) -> None:
    found = run(message("a@mx.example"), context(StaticDns(ZONE, fail={"mx.example": status})))
    field = found["envelope-sender-domain"]
    assert (field.label, field.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert f"DNS MX mx.example: {status.value.upper()}" in field.evidence


def test_mx_failure_but_address_record_still_proves_existence() -> None:
    dns = StaticDns({("aonly.example", "A"): ["192.0.2.1"]})

    class MxTimesOut(LocalDns):
        def query(self, name: str, rdtype: str) -> DnsAnswer:
            answer = dns.query(name, rdtype)
            return answer if rdtype != "MX" else DnsAnswer(answer.name, "MX", DnsStatus.TIMEOUT)

    found = run(message("a@aonly.example"), context(MxTimesOut()))["envelope-sender-domain"]
    assert found.label is Label.VALIDATED
    assert found.evidence[1] == "the MX lookup failed: MX aonly.example: TIMEOUT"


def test_offline_is_not_run() -> None:
    facts = facts_for(message("a@mx.example", "b@mx.example"))
    findings = {f.name: f for f in sender_domain.run(facts, context(OfflineDns()))}
    for name in ("envelope-sender-domain", "from-domain"):
        assert (findings[name].label, findings[name].basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)
        assert "not run (offline)" in findings[name].evidence[0]
    assert facts.steps["Sender domain exists"].status is StepStatus.NOT_RUN


def test_no_domain_to_check() -> None:
    found = run(message_bytes("Return-Path: <>", RECEIVED, "From: a@[192.0.2.1]"), context(StaticDns(ZONE)))
    assert (found["envelope-sender-domain"].value, found["envelope-sender-domain"].basis) == ("<>", Basis.UNCHECKABLE)
    assert found["from-domain"].basis is Basis.UNCHECKABLE
    assert "address literal" in found["from-domain"].evidence[0]
    nothing = run(message_bytes(RECEIVED, "Subject: x"), context(StaticDns(ZONE)))
    assert nothing["envelope-sender-domain"].evidence[0].startswith("no envelope sender recorded")
    assert nothing["from-domain"].label is Label.UNVERIFIABLE


def test_several_from_domains_are_numbered_and_step_says_what_ran() -> None:
    facts = facts_for(message("a@mx.example", "a@mx.example, b@gone.example, c@MX.example"))
    findings = {f.name: f for f in sender_domain.run(facts, context(StaticDns(ZONE)))}
    assert [(n, f.value, f.label) for n, f in findings.items() if n.startswith("from-domain")] == [
        ("from-domain[0]", "mx.example", Label.VALIDATED), ("from-domain[1]", "gone.example", Label.FORGED)]
    step = facts.steps["Sender domain exists"]
    assert step.status is StepStatus.RAN
    assert step.outcome == ("envelope sender mx.example: exists (MX); From mx.example: exists (MX); "
                            "From gone.example: does not exist")


def test_a_replay_without_the_answer_is_not_run(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"format": "mailcheck-dns-record", "version": 1}\n', encoding="utf-8")
    found = run(message("a@mx.example"), context(ReplayDns(empty)))["envelope-sender-domain"]
    assert (found.label, found.basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)
    assert "not in replay file" in found.evidence[0]


# -- through the real resolver ----------------------------------------------------------------

SERVER_ZONE: ZoneDict = {
    "mx.example": {"MX": ["10 mail.mx.example"]},
    "deep.sub.exists.example": {"A": ["192.0.2.9"]},
    "nullmx.example": {"MX": ["0 ."]},
}


@pytest.mark.parametrize(("domain", "label", "basis"), [
    ("mx.example", Label.VALIDATED, Basis.CHECKED),
    ("gone.example", Label.FORGED, Basis.CHECKED),
    ("sub.exists.example", Label.UNVERIFIABLE, Basis.UNDECIDED),  # an empty non-terminal: exists, no mail
    ("nullmx.example", Label.FORGED, Basis.CHECKED),
])
def test_through_the_real_resolver(dns_server: Callable[..., DnsServer], domain: str, label: Label,
                                   basis: Basis) -> None:
    server = dns_server(SERVER_ZONE)
    dns = Resolver([server.address], timeout=0.5, budget=None)
    found = run(message(f"a@{domain}"), context(dns))["envelope-sender-domain"]
    assert (found.label, found.basis) == (label, basis)


def test_servfail_through_the_real_resolver(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(SERVER_ZONE, mode=Mode.SERVFAIL)
    found = run(message("a@gone.example"), context(Resolver([server.address], timeout=0.5, budget=None)))
    field = found["envelope-sender-domain"]
    assert (field.label, field.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert any("SERVFAIL" in line for line in field.evidence)
