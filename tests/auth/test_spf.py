"""SPF: the pyspf vocabulary table, the DNS hook, and the "spf" check's typed result."""

from __future__ import annotations

import inspect
import re

import pytest
from support.dns_facts import context, facts_for, message_bytes

from mailcheck.auth.spf import SPF_RESULTS, SpfResult, _pyspf, check_helo, check_mail_from, evaluate
from mailcheck.checks import spf as spf_check
from mailcheck.context import Context, MtaEvidence
from mailcheck.lookup.contract import DnsStatus, OfflineDns, StaticDns
from mailcheck.model import Basis, ContinuumStep, Label, StepStatus

IP = "192.0.2.10"
ZONE = {
    ("example.com", "TXT"): ["v=spf1 ip4:192.0.2.0/24 -all"],
    ("soft.example", "TXT"): ["v=spf1 ~all"],
    ("neutral.example", "TXT"): ["v=spf1 ?all"],
    ("broken.example", "TXT"): ["v=spf1 ip4:192.0.2.300 -all"],
    ("strict.example", "TXT"): ["v=spf1 -all exp=why.strict.example"],
    ("why.strict.example", "TXT"): ["%{i} is not one of %{d}'s mail servers"],
    ("nospf.example", "MX"): ["10 mx.nospf.example"],
    ("mail.example.com", "TXT"): ["v=spf1 a -all"],
    ("mail.example.com", "A"): [IP],
    ("mx.example.net", "A"): ["198.51.100.1"],
    ("mxrec.example", "TXT"): ["v=spf1 mx -all"],
    ("mxrec.example", "MX"): ["0 .", "10 mail.example.com"],
    ("void.example", "TXT"): ["v=spf1 a:n1.void.example a:n2.void.example a:n3.void.example ?all"],
}


def pyspf_vocabulary() -> set[str]:
    """Every result word pyspf can produce: its RESULTS table (values and word keys), its
    EXPLANATIONS keys, and every literal result its query.check()/check1() return."""
    spf = _pyspf()
    words = set(spf.RESULTS.values()) | {k for k in spf.RESULTS if k.isalpha()} | set(spf.EXPLANATIONS)
    source = inspect.getsource(spf.query.check) + inspect.getsource(spf.query.check1)
    words |= set(re.findall(r"return \('(\w+)'", source))
    legacy = inspect.getsource(spf.check)
    words |= set(re.findall(r"res = '(\w+)'", legacy))
    return words


def test_every_pyspf_result_has_a_row() -> None:
    vocabulary = pyspf_vocabulary()
    assert {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "ambiguous"} <= vocabulary
    assert vocabulary - set(SPF_RESULTS) == set()


def test_only_pass_validates_and_only_fail_is_forged() -> None:
    for word, row in SPF_RESULTS.items():
        if word == "pass":
            assert (row.label, row.basis) == (Label.VALIDATED, Basis.CHECKED)
        elif word == "fail":
            assert (row.label, row.basis) == (Label.FORGED, Basis.CHECKED)
        else:
            assert (row.label, row.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED), word


@pytest.mark.parametrize(("sender", "result", "label"), [
    ("a@example.com", "pass", Label.VALIDATED),
    ("a@strict.example", "fail", Label.FORGED),
    ("a@soft.example", "softfail", Label.UNVERIFIABLE),
    ("a@neutral.example", "neutral", Label.UNVERIFIABLE),
    ("a@nospf.example", "none", Label.UNVERIFIABLE),
    ("a@nonexistent.example", "none", Label.UNVERIFIABLE),
    ("a@broken.example", "permerror", Label.UNVERIFIABLE),
    ("a@mxrec.example", "pass", Label.VALIDATED),  # a null MX among MX records adds no address
    ("a@void.example", "permerror", Label.UNVERIFIABLE),  # RFC 7208 §4.6.4: more than 2 void lookups
])
def test_results_through_the_hook(sender: str, result: str, label: Label) -> None:
    outcome = check_mail_from(StaticDns(ZONE), IP, sender, "mail.example.com")
    assert (outcome.result, outcome.label, outcome.identity) == (result, label, "mailfrom")
    assert outcome.domain == sender.split("@")[1]


def test_fail_carries_the_domains_explanation_and_dns_facts() -> None:
    outcome = check_mail_from(StaticDns(ZONE), IP, "a@strict.example", "mail.example.com")
    evidence = outcome.evidence()
    assert evidence[0].startswith("SPF fail for strict.example (mailfrom identity a@strict.example, client 192.0.2.10)")
    assert "explanation: 192.0.2.10 is not one of strict.example's mail servers" in evidence
    assert "DNS TXT strict.example: v=spf1 -all exp=why.strict.example" in evidence


def test_dns_failure_is_temperror_never_fail() -> None:
    dns = StaticDns(ZONE, fail={"example.com": DnsStatus.TIMEOUT})
    outcome = check_mail_from(dns, IP, "a@example.com", "mail.example.com")
    assert (outcome.result, outcome.label, outcome.basis) == ("temperror", Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "DNS TXT example.com: TIMEOUT" in outcome.evidence()


def test_offline_client_gives_temperror() -> None:
    assert check_mail_from(OfflineDns(), IP, "a@example.com", None).result == "temperror"


def test_helo_identity_and_null_sender() -> None:
    dns = StaticDns(ZONE)
    helo = check_helo(dns, IP, "mail.example.com")
    assert (helo.identity, helo.sender, helo.result) == ("helo", "postmaster@mail.example.com", "pass")
    null = check_mail_from(dns, IP, "", "mail.example.com")  # RFC 7208 §2.4
    assert (null.identity, null.domain, null.result) == ("helo", "mail.example.com", "pass")


def test_a_bad_ip_is_a_permerror() -> None:
    outcome = evaluate(StaticDns(ZONE), "not-an-ip", "a@example.com", "mail.example.com")
    assert outcome.result == "permerror" and outcome.label is Label.UNVERIFIABLE


def test_pyspf_outside_a_check_cannot_reach_the_network() -> None:
    spf = _pyspf()
    assert spf.DNSLookup.__module__ == "mailcheck.auth.spf"
    result, _code, explanation = spf.query(i=IP, s="a@example.com", h="mail.example.com").check()
    assert result == "temperror" and "outside mailcheck's SPF check" in explanation


# -- the "spf" check ------------------------------------------------------------------------


def run_check(raw: bytes, ctx: Context, **facts_options: str | None) -> tuple[SpfResult, ContinuumStep]:
    facts = facts_for(raw, **facts_options)
    assert list(spf_check.run(facts, ctx)) == []  # no fields of its own
    result = facts.results.spf
    assert isinstance(result, SpfResult)
    return result, facts.steps["SPF"]


RAW = message_bytes("Return-Path: <a@example.com>", "Received: from mail.example.com by mx.example.org",
                    "From: a@example.com")


def test_check_evaluates_both_identities() -> None:
    result, step = run_check(RAW, context(StaticDns(ZONE)))
    assert result.ran and result.client is not None and result.client.ip == IP
    assert (result.sender, result.sender_source) == ("a@example.com", "Return-Path above every Received line")
    assert result.mail_from is not None and result.mail_from.result == "pass"
    assert result.helo is not None and result.helo.result == "pass"
    assert result.for_dmarc() == ("example.com", "pass",
                                  "the envelope sender <a@example.com> (Return-Path above every Received line)")
    assert step.status is StepStatus.RAN
    assert step.outcome == "at 192.0.2.10: MAIL FROM example.com: pass; HELO mail.example.com: pass"


def test_check_null_sender_uses_the_helo_once() -> None:
    raw = message_bytes("Return-Path: <>", "Received: from mail.example.com by mx.example.org")
    result, step = run_check(raw, context(StaticDns(ZONE)))
    assert result.sender == "" and result.mail_from is result.helo
    assert result.for_dmarc() == ("mail.example.com", "pass", "the HELO name mail.example.com (null envelope sender)")
    assert "also the null sender's identity" in step.outcome


def test_check_offline_records_why() -> None:
    result, step = run_check(RAW, context(OfflineDns()))
    assert (result.ran, result.why_not, result.mail_from, result.helo) == (False, "not run (offline)", None, None)
    assert step.status is StepStatus.NOT_RUN
    assert result.for_dmarc() is None


def test_check_without_entry_hop_records_why() -> None:
    result, step = run_check(RAW, context(StaticDns(ZONE)), ip=None)
    assert not result.ran and result.why_not.startswith("not run: no entry hop (every hop is trusted")
    assert step.status is StepStatus.NOT_RUN


def test_check_prefers_what_the_mta_saw() -> None:
    ctx = Context(dns=StaticDns(ZONE),
                  mta=MtaEvidence(client_address="198.51.100.1", client_helo="mx.example.net", sender="b@example.com"))
    result, _ = run_check(RAW, ctx)
    assert result.client is not None and result.client.ip == "198.51.100.1"
    assert result.sender_source == "the MTA's environment (SENDER)"
    assert result.mail_from is not None and result.mail_from.result == "fail"
    assert result.helo is not None and result.helo.result == "none"


def test_check_without_envelope_sender_still_checks_the_helo() -> None:
    raw = message_bytes("Received: from mail.example.com by mx.example.org", "From: a@example.com")
    result, step = run_check(raw, context(StaticDns(ZONE)))
    assert result.sender is None and result.mail_from is None and result.for_dmarc() is None
    assert result.helo is not None and result.helo.result == "pass"
    assert "MAIL FROM: not checked (no envelope sender recorded" in step.outcome
