"""The received-chain and client checks: labels and evidence per hop, and the entry client's address."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.received_chains import ESSAY_AS_PRINTED, ESSAY_HOPS, facts_for, message_with

from mailcheck.checks import client, received
from mailcheck.context import Context, Facts, MtaEvidence
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.message import parse
from mailcheck.pipeline import analyze
from mailcheck.trust import build_chain, trusted_receipt_time

SHARED = Path(__file__).resolve().parents[3] / "shared"

ENTRY = ("from sender.example.net (sender.example.net [203.0.113.9]) by mx.example.org (Postfix) with ESMTP "
         "id A1; "
         "Wed, 18 Nov 2026 12:00:00 +0000")


def stranger(date: str = "Wed, 18 Nov 2026 11:59:58 +0000", address: str = "192.0.2.33") -> str:
    return (f"from laptop (dsl.example.net [{address}]) by sender.example.net (Postfix) with ESMTP id C3; "
            f"{date}")


def hop_findings(*hops: str, **ctx_args: object) -> tuple[list[Finding], Facts]:
    facts, ctx = facts_for(*hops, **ctx_args)
    return list(received.run(facts, ctx)), facts


def test_trusted_hop_is_validated_and_stranger_unverifiable() -> None:
    findings, _ = hop_findings(ENTRY, stranger())
    assert [f.name for f in findings] == ["received[0]", "received[1]"]
    top, below = findings
    assert top.label is Label.VALIDATED and top.basis is Basis.CHECKED
    assert top.evidence[0].startswith("written by your servers: trusted because")
    assert top.value == ENTRY
    assert below.label is Label.UNVERIFIABLE and below.basis is Basis.UNCHECKABLE
    assert below.evidence[0] == "written before the message reached your servers; nothing contradicts it"
    assert all(f.check == "received-chain" for f in findings)


def test_a_hop_dated_after_your_receipt_is_forged_and_states_the_allowance() -> None:
    findings, _ = hop_findings(ENTRY, stranger("Wed, 18 Nov 2026 12:30:00 +0000"))
    below = findings[1]
    assert below.label is Label.FORGED and below.basis is Basis.CHECKED
    text = " ".join(below.evidence)
    assert "+30 min after received[0]" in text and "600 s" in text
    assert [f.label for f in findings] == [Label.VALIDATED, Label.FORGED]


def test_skew_within_the_allowance_is_not_forged() -> None:
    findings, _ = hop_findings(ENTRY, stranger("Wed, 18 Nov 2026 12:09:00 +0000"))
    assert findings[1].label is Label.UNVERIFIABLE
    findings, _ = hop_findings(ENTRY, stranger("Wed, 18 Nov 2026 12:09:00 +0000"), skew_seconds=300)
    assert findings[1].label is Label.FORGED
    assert any("300 s" in e for e in findings[1].evidence)


def test_a_whole_hour_ahead_reads_as_a_wrong_time_zone() -> None:
    # sa easy_ham: senders whose clock shows the right time with the wrong zone, exactly hours ahead
    findings, _ = hop_findings(ENTRY, stranger("Wed, 18 Nov 2026 13:02:00 +0000"))
    assert findings[1].label is Label.UNVERIFIABLE
    assert any("wrong time zone" in e for e in findings[1].evidence)


def test_negative_delay_between_strangers_is_mentioned_not_forged() -> None:
    older = "from a.example.net ([192.0.2.40]) by laptop with SMTP id Z9; Wed, 18 Nov 2026 11:58:00 +0000"
    findings, facts = hop_findings(ENTRY, stranger("Wed, 18 Nov 2026 11:30:00 +0000"), older)
    assert facts.hops[2].delay_seconds == -1680.0
    assert findings[2].label is Label.UNVERIFIABLE
    assert any("-28 min" in e and "negative delay" in e for e in findings[2].evidence)


@pytest.mark.parametrize(("address", "why"), [
    ("0.0.0.0", "unspecified"),
    ("255.255.255.255", "broadcast"),
    ("224.0.0.1", "multicast"),
    ("IPv6:ff02::1", "multicast"),
    ("240.1.2.3", "reserved"),
])
def test_an_address_no_connection_comes_from_is_forged(address: str, why: str) -> None:
    findings, _ = hop_findings(ENTRY, stranger(address=address))
    assert findings[1].label is Label.FORGED
    assert any(why in e for e in findings[1].evidence)


@pytest.mark.parametrize("address", ["10.9.8.7", "192.168.0.4", "127.0.0.1", "fd00::1"])
def test_private_addresses_on_the_senders_side_are_not_forged(address: str) -> None:
    findings, _ = hop_findings(ENTRY, stranger(address=address))
    assert findings[1].label is Label.UNVERIFIABLE


def test_essay_garbage_hop_is_forged() -> None:
    findings, facts = hop_findings(*ESSAY_HOPS)
    labels = [f.label for f in findings]
    assert labels == [Label.VALIDATED, Label.VALIDATED, Label.FORGED]
    evidence = " ".join(findings[2].evidence)
    assert "-0060" in evidence and "U8M0B9" in evidence
    assert facts.boundary.entry_index == 1


def test_essay_as_printed_is_forged_too() -> None:
    findings, _ = hop_findings(*ESSAY_AS_PRINTED)
    # the second line names a client but lost its address: trust ends there, no entry hop
    assert [f.label for f in findings] == [Label.VALIDATED, Label.VALIDATED, Label.FORGED]


def test_result_carries_the_receipt_time() -> None:
    findings, facts = hop_findings(ENTRY, stranger())
    receipt = trusted_receipt_time(facts)
    assert receipt is not None and receipt.isoformat() == "2026-11-18T12:00:00+00:00"
    assert facts.boundary.entry_index == 0 and Label.FORGED not in [f.label for f in findings]


def test_no_received_lines_give_no_hop_findings() -> None:
    findings, facts = hop_findings()
    assert findings == []
    assert trusted_receipt_time(facts) is None


# --- client -------------------------------------------------------------------------------------------


def client_finding(*hops: str, **ctx_args: object) -> Finding:
    facts, ctx = facts_for(*hops, **ctx_args)
    (finding,) = client.run(facts, ctx)
    assert finding.name == "client-ip" and finding.check == "client"
    return finding


def test_entry_client_ip_is_validated_by_tcp() -> None:
    finding = client_finding(ENTRY, stranger())
    assert finding.label is Label.VALIDATED and finding.value == "203.0.113.9"
    assert finding.evidence == ("recorded by mx.example.org at the TCP level in received[0]: the client "
                                "really "
                                "was at this address (TCP handshake)",)


def test_mta_environment_is_the_better_evidence() -> None:
    finding = client_finding(ENTRY, mta=MtaEvidence(client_address="192.0.2.200"))
    assert finding.label is Label.VALIDATED and finding.value == "192.0.2.200"
    assert "CLIENT_ADDRESS" in finding.evidence[0]


def test_no_received_lines_leave_the_client_unverifiable() -> None:
    finding = client_finding()
    assert finding.label is Label.UNVERIFIABLE and finding.basis is Basis.UNCHECKABLE
    assert finding.value == "" and "no Received lines" in finding.evidence[0]


def test_authenticated_submission_has_no_untrusted_client() -> None:
    finding = client_finding("from [192.168.1.2] (dsl.example.net [198.51.100.20]) by mail.example.org "
                             "(Postfix) "
                             "with ESMTPSA id F6; Wed, 18 Nov 2026 12:00:00 +0000")
    assert finding.label is Label.UNVERIFIABLE
    assert finding.value == "198.51.100.20"
    assert "authenticated" in finding.evidence[0] and "no entry hop" in finding.evidence[0]


def test_analyze_reports_every_hop_and_the_client() -> None:
    raw = b"".join(f"Received: {h}\n".encode() for h in ESSAY_HOPS) + b"From: a@example.com\n\nbody\n"
    report = analyze(raw, Context())
    names = [f.name for f in report.fields]
    assert {"client-ip", "received[0]", "received[1]", "received[2]"} <= set(names)
    assert report.boundary.entry_index == 1
    assert next(f for f in report.fields if f.name == "received[2]").label is Label.FORGED


def test_folded_header_value_is_the_trimmed_raw_header() -> None:
    message = message_with("from a.example.net ([192.0.2.7])\n\tby mx.example.org with ESMTP id Q1;\n"
                           "\tWed, 18 Nov 2026 12:00:00 +0000")
    hops, boundary = build_chain(message, Context())
    facts = Facts(message, hops, boundary)
    (finding,) = received.run(facts, Context())
    assert finding.value == ("from a.example.net ([192.0.2.7])\tby mx.example.org with ESMTP id Q1;\t"
                             "Wed, 18 Nov 2026 12:00:00 +0000")


@pytest.mark.skipif(not (SHARED / "corpora" / "spamassassin-publiccorpus").is_dir(),
                    reason="../shared/corpora is not present (only a full checkout has it)")
def test_few_ham_messages_get_a_forged_hop() -> None:
    folder = SHARED / "corpora" / "spamassassin-publiccorpus" / "easy_ham"
    ctx = Context()
    total = forged = 0
    for path in sorted(folder.iterdir()):
        message = parse(path.read_bytes())
        hops, boundary = build_chain(message, ctx)
        facts = Facts(message, hops, boundary)
        total += 1
        forged += any(f.label is Label.FORGED for f in received.run(facts, ctx))
    assert total > 2000
    # measured: 0.96 % (24 of 2501) — honest senders whose clocks ran over 10 minutes ahead in 2002
    assert forged / total < 0.02


def test_a_hop_claiming_the_entry_server_with_another_client_cannot_connect() -> None:
    from support.messages import build, field, run

    forged_line = ("Received: from 198.51.100.23 (HELO relay.example.net) by mx.example.org with ESMTP id X1;\n"
                   " Wed, 18 Nov 2026 11:59:00 +0000\n")
    hop = field(run(build(forged_line + "From: a@example.com\n")), "received[1]")
    assert hop.label is Label.FORGED
    assert any("the chain cannot connect" in e and "203.0.113.9" in e for e in hop.evidence)
    honest = forged_line.replace("mx.example.org", "relay.example.net")
    assert field(run(build(honest + "From: a@example.com\n")), "received[1]").label is Label.UNVERIFIABLE
