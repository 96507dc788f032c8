"""The probe check (sender-server, sender-callout) against real SMTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from support.smtp_servers import KNOWN_USER, AiosmtpdServer, ScriptedServer

from mailcheck.checks import probe
from mailcheck.context import Context, Facts, MtaEvidence
from mailcheck.lookup.contract import DnsClient, DnsStatus, OfflineDns, StaticDns
from mailcheck.model import Basis, Boundary, Finding, Label, StepStatus
from mailcheck.parse.message import parse
from mailcheck.probe.result import ProbeResult
from mailcheck.probe.vocabulary import CalloutAnswer, Outcome

ZONE: dict[tuple[str, str], list[str]] = {
    ("sender.test", "MX"): ["10 mx.sender.test"],
    ("mx.sender.test", "A"): ["127.0.0.1"],
    ("other.test", "MX"): ["10 mx.other.test"],
    ("mx.other.test", "A"): ["127.0.0.1"],
}


def message(sender: str = KNOWN_USER, how: str = "return-path") -> bytes:
    envelope = {
        "return-path": f"Return-Path: <{sender}>\n",
        "mbox": f"From {sender} Wed Nov 18 12:00:00 2026\n",
        "x-envelope-from": f"X-Envelope-From: <{sender}>\n",
        "none": "",
    }[how]
    return (envelope + "From: Alice <alice@sender.test>\nSubject: hi\n\nHello.\n").encode()


def context(port: int, probes: Iterable[str] = ("responsive",), dns: DnsClient | None = None,
            **extra: object) -> Context:
    settings: dict[str, object] = {
        "dns": dns or StaticDns(ZONE), "probes": frozenset(probes), "helo": "probe.mailcheck.test",
        "smtp_port": port, "probe_timeout": 1.0, "probe_private": True,
    }
    settings.update(extra)
    return Context(**settings)  # type: ignore[arg-type]


def check(raw: bytes, ctx: Context) -> tuple[dict[str, Finding], Facts]:
    facts = Facts(parse(raw), (), Boundary(0, None, "no Received lines in this test"))
    findings = {f.name: f for f in probe.run(facts, ctx)}
    assert set(findings) == {"sender-server", "sender-callout"}
    return findings, facts


def evidence(finding: Finding) -> str:
    return " | ".join(finding.evidence)


# -- the label tables cover the whole vocabulary ------------------------------------------------------


def test_every_connection_outcome_has_a_row() -> None:
    assert set(probe.SERVER_TABLE) == set(Outcome)


def test_every_callout_answer_has_a_row_and_only_no_such_user_is_forged() -> None:
    assert set(probe.CALLOUT_TABLE) == set(CalloutAnswer)
    forged = {a for a, (label, _, _) in probe.CALLOUT_TABLE.items() if label is Label.FORGED}
    assert forged == {CalloutAnswer.NO_SUCH_USER}
    assert all(label is not Label.VALIDATED for label, _, _ in probe.CALLOUT_TABLE.values())


# -- opt-in ------------------------------------------------------------------------------------------


def test_not_asked_means_not_run_and_no_connection(smtp_accept_all: AiosmtpdServer) -> None:
    findings, facts = check(message(), context(smtp_accept_all.port, probes=()))
    for finding in findings.values():
        assert (finding.label, finding.basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)
        assert "opt-in" in evidence(finding)
    assert findings["sender-callout"].value == KNOWN_USER
    assert smtp_accept_all.recorder.conversations == []
    assert facts.steps == {}  # the continuum's own "not run (opt-in)" line stays


def test_offline_probes_nothing(smtp_accept_all: AiosmtpdServer) -> None:
    findings, _ = check(message(), context(smtp_accept_all.port, probes=("callout",), dns=OfflineDns()))
    assert findings["sender-server"].basis is Basis.NOT_RUN
    assert "offline" in evidence(findings["sender-server"])
    assert smtp_accept_all.recorder.conversations == []


# -- sender server responsive -------------------------------------------------------------------------


def test_responsive_server_is_evidence_not_validation(smtp_accept_all: AiosmtpdServer) -> None:
    findings, facts = check(message(), context(smtp_accept_all.port))
    server = findings["sender-server"]
    assert (server.label, server.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert server.value == f"mx.sender.test (127.0.0.1:{smtp_accept_all.port})"
    text = evidence(server)
    assert "MX sender.test: 10 mx.sender.test" in text
    assert "answered, after" in text and ": 220 mx.sender.test" in text
    assert "our EHLO got 250" in text
    assert "does not show the message came from that domain" in text
    callout = findings["sender-callout"]
    assert callout.basis is Basis.NOT_RUN and "--probe callout" in evidence(callout)
    step = facts.steps["Sender server responsive"]
    assert step.status is StepStatus.RAN and step.outcome.startswith("mx.sender.test (127.0.0.1:")
    assert "Sender callout" not in facts.steps
    assert smtp_accept_all.recorder.verbs == ["EHLO", "QUIT"]
    result = facts.results.probe
    assert isinstance(result, ProbeResult)
    assert result.probe is not None and result.probe.answered is not None
    assert result.domain == "sender.test" and result.callout is None and not result.reused


@pytest.mark.parametrize(("server", "expected"), [
    ("smtp_banner_554", "refuses to talk to us (5xx greeting)"),
    ("smtp_hang", "sent no greeting in time"),
    ("smtp_close", "closed the connection without a greeting"),
])
def test_unresponsive_servers_are_told_apart(server: str, expected: str, request: pytest.FixtureRequest) -> None:
    running: ScriptedServer = request.getfixturevalue(server)
    findings, facts = check(message(), context(running.port, probe_timeout=0.3))
    finding = findings["sender-server"]
    assert (finding.label, finding.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert expected in evidence(finding)
    assert facts.steps["Sender server responsive"].status is StepStatus.RAN


def test_refused_connection(closed_port: int) -> None:
    findings, _ = check(message(), context(closed_port))
    finding = findings["sender-server"]
    assert finding.label is Label.UNVERIFIABLE and finding.value == "sender.test"
    assert "refused the connection" in evidence(finding)
    assert "does not make the sender forged" in evidence(finding)


def test_next_mx_is_tried_when_the_first_fails(smtp_accept_all: AiosmtpdServer) -> None:
    # The preferred host is on ::1, where nothing listens (refused, or unreachable without IPv6).
    zone = {("sender.test", "MX"): ["5 down.sender.test", "10 mx.sender.test"],
            ("down.sender.test", "AAAA"): ["::1"], ("mx.sender.test", "A"): ["127.0.0.1"]}
    findings, facts = check(message(), context(smtp_accept_all.port, dns=StaticDns(zone)))
    result = facts.results.probe
    assert result is not None and result.probe is not None
    assert [s.host for s in result.probe.sessions] == ["down.sender.test", "mx.sender.test"]
    assert result.probe.sessions[0].outcome in (Outcome.REFUSED, Outcome.UNREACHABLE)
    assert findings["sender-server"].value.startswith("mx.sender.test")
    assert "down.sender.test ([::1]:" in evidence(findings["sender-server"])


def test_private_addresses_are_not_probed_unless_allowed(smtp_accept_all: AiosmtpdServer) -> None:
    findings, _ = check(message(), context(smtp_accept_all.port, probe_private=False))
    text = evidence(findings["sender-server"])
    assert "127.0.0.1): not a public address, not probed" in text
    assert "no address of the mail hosts could be probed" in text
    assert smtp_accept_all.recorder.conversations == []


def test_null_mx_and_missing_domain_have_no_server_to_probe() -> None:
    null = StaticDns({("sender.test", "MX"): ["0 ."]})
    findings, _ = check(message(), context(1, dns=null))
    assert "null MX (RFC 7505)" in evidence(findings["sender-server"])
    findings, _ = check(message(), context(1, dns=StaticDns({})))
    assert "no mail server to probe" in evidence(findings["sender-server"])
    assert findings["sender-server"].label is Label.UNVERIFIABLE


def test_dns_failure_is_undecided() -> None:
    failing = StaticDns({}, fail={"sender.test": DnsStatus.TIMEOUT})
    findings, _ = check(message(), context(1, dns=failing))
    finding = findings["sender-server"]
    assert (finding.label, finding.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "MX sender.test: TIMEOUT" in evidence(finding)


# -- where the envelope sender comes from ----------------------------------------------------------------


@pytest.mark.parametrize("how", ["return-path", "mbox", "x-envelope-from"])
def test_envelope_sender_sources(how: str, smtp_accept_all: AiosmtpdServer) -> None:
    findings, _ = check(message(how=how), context(smtp_accept_all.port, probes=("callout",)))
    assert findings["sender-callout"].value == KNOWN_USER
    assert len(smtp_accept_all.recorder.conversations) == 1


def test_mta_sender_wins(smtp_reject_unknown: AiosmtpdServer) -> None:
    ctx = context(smtp_reject_unknown.port, probes=("callout",), mta=MtaEvidence(sender="bob@other.test"))
    findings, _ = check(message(), ctx)
    assert findings["sender-callout"].value == "bob@other.test"


def test_return_path_below_received_is_not_the_envelope_sender(smtp_accept_all: AiosmtpdServer) -> None:
    raw = (b"Received: from a.test (a.test [192.0.2.1]) by mx.example.org; Wed, 18 Nov 2026 12:00:00 +0000\n"
           + message())
    findings, _ = check(raw, context(smtp_accept_all.port))
    assert "no envelope sender" in evidence(findings["sender-server"])
    assert smtp_accept_all.recorder.conversations == []


def test_null_sender_has_nothing_to_probe(smtp_accept_all: AiosmtpdServer) -> None:
    raw = b"Return-Path: <>\nFrom: MAILER-DAEMON@sender.test\n\nbounce\n"
    findings, facts = check(raw, context(smtp_accept_all.port, probes=("callout",)))
    assert findings["sender-callout"].value == "<>"
    assert "a bounce has no domain to probe" in evidence(findings["sender-callout"])
    assert facts.steps["Sender callout"].status is StepStatus.NOT_RUN
    assert smtp_accept_all.recorder.conversations == []


# -- sender callout ------------------------------------------------------------------------------------


def test_callout_existing_address_is_not_validation(smtp_reject_unknown: AiosmtpdServer) -> None:
    findings, facts = check(message(), context(smtp_reject_unknown.port, probes=("callout",)))
    callout = findings["sender-callout"]
    assert (callout.label, callout.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    text = evidence(callout)
    assert "MAIL FROM:<> got 250" in text
    assert "(a made-up address) got 550 5.1.1" in text
    assert f"RCPT TO:<{KNOWN_USER}> got 250" in text
    assert "the address exists at its domain's server" in text and "no DATA was sent" in text
    assert facts.steps["Sender callout"].status is StepStatus.RAN
    assert facts.results.probe is not None
    assert facts.results.probe.callout is CalloutAnswer.EXISTS
    assert "DATA" not in smtp_reject_unknown.recorder.verbs
    assert len(smtp_reject_unknown.recorder.conversations) == 1  # responsive and callout share it


def test_callout_rejected_sender_is_forged(smtp_reject_unknown: AiosmtpdServer) -> None:
    findings, facts = check(message("mallory@sender.test"), context(smtp_reject_unknown.port, probes=("callout",)))
    callout = findings["sender-callout"]
    assert (callout.label, callout.basis) == (Label.FORGED, Basis.CHECKED)
    assert "the sender's own domain says this address does not exist" in evidence(callout)
    assert facts.results.probe is not None
    assert facts.results.probe.callout is CalloutAnswer.NO_SUCH_USER
    assert findings["sender-server"].label is Label.UNVERIFIABLE
    assert "DATA" not in smtp_reject_unknown.recorder.verbs


@pytest.mark.parametrize(("server", "expected"), [
    ("smtp_accept_all", "accepts every address, even a made-up one: the callout result is meaningless"),
    ("smtp_tempfail", "deferred the question (4xx"),
    ("smtp_policy_reject", "without saying it does not exist"),
])
def test_callout_answers_that_decide_nothing(server: str, expected: str, request: pytest.FixtureRequest) -> None:
    running: AiosmtpdServer = request.getfixturevalue(server)
    findings, _ = check(message("mallory@sender.test"), context(running.port, probes=("callout",)))
    callout = findings["sender-callout"]
    assert (callout.label, callout.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert expected in evidence(callout)
    assert "DATA" not in running.recorder.verbs


def test_callout_to_a_server_that_refuses_us(smtp_banner_554: ScriptedServer) -> None:
    findings, facts = check(message(), context(smtp_banner_554.port, probes=("callout",)))
    callout = findings["sender-callout"]
    assert (callout.label, callout.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "took a conversation" in evidence(callout)
    assert facts.steps["Sender callout"].status is StepStatus.NOT_RUN
    assert smtp_banner_554.recorder.verbs == ["QUIT"]


def test_unsafe_address_is_not_put_into_a_command(smtp_accept_all: AiosmtpdServer) -> None:
    findings, _ = check(message("a%0d%0aDATA|x!y#z'*@sender.test", how="mbox"),
                        context(smtp_accept_all.port, probes=("callout",)))
    # That one is a harmless dot-atom; a quoted local part is not.
    assert findings["sender-callout"].basis is Basis.UNDECIDED
    raw = b'Return-Path: <"a\\"b c"@sender.test>\nFrom: x@sender.test\n\nhi\n'
    findings, _ = check(raw, context(smtp_accept_all.port, probes=("callout",)))
    assert findings["sender-callout"].basis is Basis.NOT_RUN
    assert "will not put into an SMTP command" in evidence(findings["sender-callout"])
    commands = [c for conv in smtp_accept_all.recorder.conversations for c in conv.commands]
    assert not any('"' in c for c in commands)


# -- politeness: one conversation per domain per run, and a limit ----------------------------------------


def test_second_message_from_the_domain_makes_no_new_connection(smtp_reject_unknown: AiosmtpdServer) -> None:
    ctx = context(smtp_reject_unknown.port, probes=("callout",))
    first, _ = check(message(), ctx)
    second, facts = check(message(), ctx)
    assert len(smtp_reject_unknown.recorder.conversations) == 1
    assert second["sender-callout"].label is first["sender-callout"].label
    assert "no new connection was made" in evidence(second["sender-server"])
    assert "no new connection was made" in evidence(second["sender-callout"])
    assert facts.results.probe is not None
    assert facts.results.probe.reused


def test_another_address_at_the_same_domain_is_not_asked_about(smtp_reject_unknown: AiosmtpdServer) -> None:
    ctx = context(smtp_reject_unknown.port, probes=("callout",))
    check(message(), ctx)
    second, _ = check(message("mallory@sender.test"), ctx)
    callout = second["sender-callout"]
    assert (callout.label, callout.basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)
    assert "one conversation per domain per run" in evidence(callout)
    assert len(smtp_reject_unknown.recorder.conversations) == 1


def test_accepts_all_holds_for_every_address_of_the_domain(smtp_accept_all: AiosmtpdServer) -> None:
    ctx = context(smtp_accept_all.port, probes=("callout",))
    check(message(), ctx)
    second, _ = check(message("mallory@sender.test"), ctx)
    assert "callout result is meaningless" in evidence(second["sender-callout"])
    assert "asking about another address" in evidence(second["sender-callout"])
    assert len(smtp_accept_all.recorder.conversations) == 1


def test_probe_limit(smtp_accept_all: AiosmtpdServer) -> None:
    ctx = context(smtp_accept_all.port, probe_limit=1)
    check(message(), ctx)
    findings, facts = check(message("bob@other.test"), ctx)
    finding = findings["sender-server"]
    assert (finding.label, finding.basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)
    assert "probe limit reached (1 domains per run)" in evidence(finding)
    assert facts.steps["Sender server responsive"].status is StepStatus.NOT_RUN
    assert len(smtp_accept_all.recorder.conversations) == 1


def test_each_run_has_its_own_cache(smtp_accept_all: AiosmtpdServer) -> None:
    check(message(), context(smtp_accept_all.port))
    check(message(), context(smtp_accept_all.port))
    assert len(smtp_accept_all.recorder.conversations) == 2


def test_helo_name_is_ours_and_checked(smtp_accept_all: AiosmtpdServer) -> None:
    check(message(), context(smtp_accept_all.port, helo="[127.0.0.1]"))
    assert smtp_accept_all.recorder.conversations[0].commands[0] == "EHLO [127.0.0.1]"
    findings, _ = check(message(), context(smtp_accept_all.port, helo="bad name\r\nDATA"))
    assert "is neither a host name nor an address literal" in evidence(findings["sender-server"])
    assert len(smtp_accept_all.recorder.conversations) == 1


def test_at_most_three_connection_attempts_per_domain(closed_port: int) -> None:
    zone = {("sender.test", "MX"): [f"{n} mx{n}.sender.test" for n in range(1, 5)]}
    zone.update({(f"mx{n}.sender.test", "A"): ["127.0.0.1"] for n in range(1, 5)})
    findings, facts = check(message(), context(closed_port, dns=StaticDns(zone)))
    result = facts.results.probe
    assert result is not None and result.probe is not None
    assert [s.host for s in result.probe.sessions] == ["mx1.sender.test", "mx2.sender.test", "mx3.sender.test"]
    assert "mx4.sender.test (127.0.0.1): over 3 connection attempts, not tried" in evidence(findings["sender-server"])


@pytest.mark.parametrize("sender", ["bob", "bob@", "bob@[192.0.2.1]", "bob@a..b.test", "bob@-x-.test"])
def test_no_probe_without_a_host_name(sender: str, smtp_accept_all: AiosmtpdServer) -> None:
    findings, _ = check(message(sender, how="x-envelope-from"), context(smtp_accept_all.port))
    finding = findings["sender-server"]
    assert (finding.label, finding.basis) == (Label.UNVERIFIABLE, Basis.UNCHECKABLE)
    assert "not a host name that can be probed" in evidence(finding)
    assert smtp_accept_all.recorder.conversations == []
