"""DMARC: record parsing, policy discovery (organizational domain, sp=, np=), alignment and the From label."""

from __future__ import annotations

import pytest

from mailcheck.auth.dkim_result import DkimOutcome, DkimResult
from mailcheck.auth.dmarc import aligned, evaluate, from_label, spf_identity
from mailcheck.auth.dmarc_policy import is_dmarc_record, parse_record
from mailcheck.auth.dmarc_result import OUTCOME_LABELS, DmarcOutcome, DmarcPolicy, SpfIdentity
from mailcheck.auth.spf import SpfOutcome, SpfResult
from mailcheck.lookup.contract import DnsStatus, OfflineDns, StaticDns
from mailcheck.model import Basis, Label

REJECT = "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"


def dkim(domain: str, outcome: DkimOutcome = DkimOutcome.VERIFIED, index: int = 0) -> DkimResult:
    return DkimResult(index, outcome, "test", domain=domain, selector="sel", algorithm="rsa-sha256")


def spf(domain: str, result: str) -> SpfIdentity:
    return SpfIdentity(domain, result, "the envelope sender")


def zone(records: dict[str, str], **failures: DnsStatus) -> StaticDns:
    table: dict[tuple[str, str], list[str]] = {}
    for name, text in records.items():
        rdtype, _, value = text.partition(" ") if text.split(" ", 1)[0] in ("A", "MX") else ("TXT", "", text)
        table.setdefault((name, rdtype), []).append(value)
    return StaticDns(table, fail={name.replace("__", "."): status for name, status in failures.items()})


# -- records -----------------------------------------------------------------------------------------


def test_record_defaults_and_tags() -> None:
    policy = parse_record("example.com", "v=DMARC1; p=quarantine; sp=none; np=reject; adkim=s; pct=40")
    assert isinstance(policy, DmarcPolicy)
    assert (policy.p, policy.sp, policy.np, policy.adkim, policy.aspf, policy.pct) == (
        "quarantine", "none", "reject", "s", "r", 40)
    plain = parse_record("example.com", "v=DMARC1;p=REJECT")
    assert isinstance(plain, DmarcPolicy)
    assert (plain.p, plain.sp, plain.np, plain.adkim, plain.pct) == ("reject", None, None, "r", 100)


def test_invalid_policy_with_rua_acts_as_none_without_is_unusable() -> None:
    with_rua = parse_record("example.com", "v=DMARC1; p=block; rua=mailto:d@example.com")
    assert isinstance(with_rua, DmarcPolicy) and with_rua.p == "none" and with_rua.notes
    assert isinstance(parse_record("example.com", "v=DMARC1; p=block"), str)
    assert isinstance(parse_record("example.com", "v=DMARC1; rua=x"), str)  # p= missing
    assert isinstance(parse_record("example.com", "v=DMARC1; p=none; sp=maybe"), str)


def test_invalid_optional_tags_fall_back_with_a_note() -> None:
    policy = parse_record("example.com", "v=DMARC1; p=reject; adkim=x; pct=150; np=drop")
    assert isinstance(policy, DmarcPolicy)
    assert (policy.adkim, policy.pct, policy.np) == ("r", 100, None)
    assert len(policy.notes) == 3


@pytest.mark.parametrize(("text", "expected"), [
    ("v=DMARC1; p=none", True), ("v = DMARC1 ;p=none", True), ("v=DMARC1", True),
    ("v=spf1 -all", False), ("v=DMARC10; p=none", False), ("p=none; v=DMARC1", False),
    ("v=dmarc1; p=none", False),
])
def test_which_txt_records_are_dmarc(text: str, expected: bool) -> None:
    assert is_dmarc_record(text) is expected


@pytest.mark.parametrize(("identity", "author", "mode", "expected"), [
    ("example.com", "example.com", "s", True),
    ("mail.example.com", "example.com", "r", True),
    ("mail.example.com", "example.com", "s", False),
    ("example.com", "news.example.com", "r", True),
    ("example.net", "example.com", "r", False),
    ("co.uk", "example.co.uk", "r", False),  # a public suffix is nobody's organizational domain
    ("a.example.co.uk", "b.example.co.uk", "r", True),
    ("EXAMPLE.com.", "example.COM", "s", True),
])
def test_alignment(identity: str, author: str, mode: str, expected: bool) -> None:
    assert aligned(identity, author, mode) is expected


# -- evaluation --------------------------------------------------------------------------------------


def test_aligned_dkim_pass_validates() -> None:
    result = evaluate(["alice@example.com"], [dkim("example.com")], spf("bounce.example.net", "pass"),
                      zone({"_dmarc.example.com": REJECT}))
    assert result.outcome is DmarcOutcome.ALIGNED_PASS
    assert (result.label, result.basis) == (Label.VALIDATED, Basis.CHECKED)
    assert result.verdicts[0].rfc8601 == "pass"
    assert "DKIM passes for example.com" in result.reason


def test_aligned_spf_pass_validates_relaxed() -> None:
    result = evaluate(["alice@example.com"], [], spf("bounces.example.com", "pass"),
                      zone({"_dmarc.example.com": REJECT}))
    assert result.outcome is DmarcOutcome.ALIGNED_PASS and "relaxed" in result.reason


def test_strict_alignment_refuses_a_subdomain() -> None:
    result = evaluate(["alice@example.com"], [dkim("mail.example.com")], spf("example.net", "pass"),
                      zone({"_dmarc.example.com": "v=DMARC1; p=reject; adkim=s"}))
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED
    assert (result.label, result.basis) == (Label.FORGED, Basis.CHECKED)


@pytest.mark.parametrize("policy", ["reject", "quarantine"])
def test_fail_under_an_enforcing_policy_is_forged(policy: str) -> None:
    result = evaluate(["ceo@example.com"], [dkim("example.com", DkimOutcome.BODY_HASH_MISMATCH)],
                      spf("example.com", "fail"), zone({"_dmarc.example.com": f"v=DMARC1; p={policy}"}))
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED and result.label is Label.FORGED
    assert f"p={policy}" in result.reason
    assert result.verdicts[0].rfc8601 == "fail"


def test_an_unaligned_pass_does_not_help() -> None:
    result = evaluate(["ceo@example.com"], [dkim("mailer.example.net")], spf("mailer.example.net", "pass"),
                      zone({"_dmarc.example.com": REJECT}))
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED
    label, _, evidence = from_label(result)
    assert label is Label.FORGED
    assert any("not aligned with example.com" in e for e in evidence)


@pytest.mark.parametrize(("record", "outcome"), [
    ("v=DMARC1; p=none", DmarcOutcome.FAIL_MONITOR),
    ("v=DMARC1; p=reject; pct=50", DmarcOutcome.FAIL_SAMPLED),
    ("v=DMARC1; p=reject; pct=0", DmarcOutcome.FAIL_SAMPLED),
])
def test_a_policy_that_does_not_claim_all_mail_is_unverifiable(record: str, outcome: DmarcOutcome) -> None:
    dns = zone({"_dmarc.example.com": record})
    result = evaluate(["a@example.com"], [], spf("example.com", "softfail"), dns)
    assert result.outcome is outcome
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "does not claim all its mail passes" in result.reason


@pytest.mark.parametrize(("dkim_results", "spf_identity_", "words"), [
    ([dkim("example.com", DkimOutcome.NO_KEY)], spf("example.com", "fail"), "no-key"),
    ([dkim("example.com", DkimOutcome.DNS_FAILURE)], spf("example.com", "fail"), "dns-failure"),
    ([dkim("example.com", DkimOutcome.EXPIRED)], spf("example.com", "fail"), "expired"),
    ([dkim("example.com", DkimOutcome.KEY_REVOKED)], spf("example.com", "fail"), "key-revoked"),
    ([], spf("example.com", "temperror"), "temperror"),
    ([], None, "SPF was not evaluated"),
    (None, spf("example.com", "fail"), "DKIM was not evaluated"),
])
def test_fail_that_might_have_passed_at_receipt_is_unverifiable(
        dkim_results: list[DkimResult] | None, spf_identity_: SpfIdentity | None, words: str) -> None:
    result = evaluate(["a@example.com"], dkim_results, spf_identity_, zone({"_dmarc.example.com": REJECT}))
    assert result.outcome is DmarcOutcome.FAIL_UNSETTLED
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert words in result.reason


def test_an_unaligned_unsettled_signature_does_not_hold_back_the_verdict() -> None:
    result = evaluate(["a@example.com"], [dkim("other.example", DkimOutcome.NO_KEY)],
                      spf("example.com", "fail"), zone({"_dmarc.example.com": REJECT}))
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED


def test_no_record_anywhere() -> None:
    result = evaluate(["a@news.example.com"], [], spf("example.com", "fail"), zone({}))
    assert result.outcome is DmarcOutcome.NO_POLICY and result.label is Label.UNVERIFIABLE
    assert [a.name for a in result.verdicts[0].lookups] == ["_dmarc.news.example.com", "_dmarc.example.com"]
    assert result.verdicts[0].rfc8601 == "none"


def test_an_aligned_pass_without_a_record_still_validates() -> None:
    result = evaluate(["a@example.com"], [dkim("example.com")], None, zone({}))
    assert result.outcome is DmarcOutcome.ALIGNED_PASS
    assert result.verdicts[0].rfc8601 == "none"


def test_subdomain_falls_back_to_the_organizational_policy_and_sp() -> None:
    dns = zone({"_dmarc.example.com": "v=DMARC1; p=reject; sp=none", "news.example.com": "A 192.0.2.1"})
    result = evaluate(["a@news.example.com"], [], spf("x.example.net", "pass"), dns)
    verdict = result.verdicts[0]
    assert (verdict.applied, verdict.disposition) == ("sp", "none")
    assert result.outcome is DmarcOutcome.FAIL_MONITOR
    _, _, evidence = from_label(result)
    assert any("organizational domain, _dmarc.example.com" in e and "sp=none applies" in e for e in evidence)


def test_subdomain_without_sp_takes_p() -> None:
    result = evaluate(["a@news.example.com"], [], spf("x.example.net", "pass"),
                      zone({"_dmarc.example.com": "v=DMARC1; p=quarantine"}))
    assert (result.verdicts[0].applied, result.outcome) == ("p", DmarcOutcome.FAIL_ENFORCED)


def test_the_from_domains_own_record_wins() -> None:
    dns = zone({"_dmarc.example.com": "v=DMARC1; p=reject", "_dmarc.news.example.com": "v=DMARC1; p=none"})
    result = evaluate(["a@news.example.com"], [], spf("x.example.net", "pass"), dns)
    assert (result.verdicts[0].applied, result.outcome) == ("p", DmarcOutcome.FAIL_MONITOR)
    assert result.verdicts[0].policy is not None and result.verdicts[0].policy.domain == "news.example.com"


NP = "v=DMARC1; p=none; sp=none; np=reject"


def test_np_applies_to_a_subdomain_that_does_not_exist() -> None:
    dns = zone({"_dmarc.example.com": NP})
    result = evaluate(["a@ghost.example.com"], [], spf("x.example.net", "pass"), dns)
    verdict = result.verdicts[0]
    assert (verdict.applied, verdict.disposition) == ("np", "reject")
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED and result.label is Label.FORGED
    assert any("does not exist" in n for n in verdict.notes)
    asked = {(a.name, a.rdtype) for a in verdict.lookups}
    assert asked >= {("ghost.example.com", t) for t in ("A", "AAAA", "MX")}


def test_np_does_not_apply_to_a_subdomain_that_exists() -> None:
    dns = zone({"_dmarc.example.com": NP, "real.example.com": "MX 10 mx.example.com"})
    result = evaluate(["a@real.example.com"], [], spf("x.example.net", "pass"), dns)
    assert (result.verdicts[0].applied, result.outcome) == ("sp", DmarcOutcome.FAIL_MONITOR)


def test_np_with_unknown_existence_takes_the_weaker_policy() -> None:
    dns = zone({"_dmarc.example.com": NP}, ghost__example__com=DnsStatus.TIMEOUT)
    result = evaluate(["a@ghost.example.com"], [], spf("x.example.net", "pass"), dns)
    verdict = result.verdicts[0]
    assert verdict.disposition == "none" and result.outcome is DmarcOutcome.FAIL_MONITOR
    assert any("could not be learnt" in n for n in verdict.notes)


def test_np_does_not_apply_at_the_from_domain_itself() -> None:
    result = evaluate(["a@example.com"], [], spf("x.example.net", "pass"), zone({"_dmarc.example.com": NP}))
    assert (result.verdicts[0].applied, result.outcome) == ("p", DmarcOutcome.FAIL_MONITOR)


def test_several_records_mean_no_policy() -> None:
    dns = StaticDns({("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject", "v=DMARC1; p=none"]})
    result = evaluate(["a@example.com"], [], spf("example.com", "fail"), dns)
    assert result.outcome is DmarcOutcome.POLICY_ERROR and "2 DMARC records" in result.reason
    assert result.verdicts[0].rfc8601 == "permerror"


def test_other_txt_records_are_ignored() -> None:
    dns = StaticDns({("_dmarc.example.com", "TXT"): ["google-site-verification=abc", "v=DMARC1; p=reject"]})
    result = evaluate(["a@example.com"], [], spf("example.com", "fail"), dns)
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED


@pytest.mark.parametrize(("dns", "outcome", "basis"), [
    (StaticDns({}, fail={"_dmarc.example.com": DnsStatus.SERVFAIL}), DmarcOutcome.DNS_FAILURE,
     Basis.UNDECIDED),
    (StaticDns({}, fail={"_dmarc.example.com": DnsStatus.TIMEOUT}), DmarcOutcome.DNS_FAILURE,
     Basis.UNDECIDED),
    (OfflineDns(), DmarcOutcome.NOT_RUN, Basis.NOT_RUN),
])
def test_policy_lookup_failures(dns: StaticDns | OfflineDns, outcome: DmarcOutcome, basis: Basis) -> None:
    result = evaluate(["a@example.com"], [], spf("example.com", "fail"), dns)
    assert (result.outcome, result.label, result.basis) == (outcome, Label.UNVERIFIABLE, basis)


def test_no_from_domain() -> None:
    result = evaluate(["undisclosed-recipients"], [], None, zone({}))
    assert result.outcome is DmarcOutcome.NO_FROM_DOMAIN and result.label is Label.UNVERIFIABLE


def test_several_from_domains_each_get_dmarc() -> None:
    # The authheaders multi-From case, our own way: a spoofed author beside a signed one.
    dns = zone({"_dmarc.example.org": REJECT, "_dmarc.example.com": REJECT})
    result = evaluate(["spoof@example.org", "test@example.com"], [dkim("example.com")],
                      spf("example.com", "pass"), dns)
    assert [v.outcome for v in result.verdicts] == [DmarcOutcome.FAIL_ENFORCED, DmarcOutcome.ALIGNED_PASS]
    assert result.outcome is DmarcOutcome.FAIL_ENFORCED
    label, _, evidence = from_label(result)
    assert label is Label.FORGED and any(e.startswith("example.org: ") for e in evidence)
    both = evaluate(["a@example.com", "b@news.example.com"], [dkim("example.com")], None, dns)
    assert both.outcome is DmarcOutcome.ALIGNED_PASS


def test_from_label_evidence_names_policy_identities_and_lookups() -> None:
    dns = zone({"_dmarc.example.com": REJECT})
    result = evaluate(["a@example.com"], [dkim("example.com", DkimOutcome.SIGNATURE_MISMATCH)],
                      spf("example.com", "fail"), dns)
    label, basis, evidence = from_label(result)
    assert (label, basis) == (Label.FORGED, Basis.CHECKED)
    assert evidence[0] == result.reason
    policy = f"DMARC policy of the From domain, _dmarc.example.com: {REJECT} (p=reject applies to example.com)"
    assert policy in evidence
    assert "DKIM dkim[0] d=example.com: signature-mismatch (aligned with example.com)" in evidence
    assert "SPF for example.com (the envelope sender): fail (aligned with example.com)" in evidence


def test_every_outcome_has_a_label_and_only_enforced_failure_is_forged() -> None:
    assert set(OUTCOME_LABELS) == set(DmarcOutcome)
    def labelled(label: Label) -> set[DmarcOutcome]:
        return {o for o, (lab, _) in OUTCOME_LABELS.items() if lab is label}

    assert labelled(Label.FORGED) == {DmarcOutcome.FAIL_ENFORCED}
    assert labelled(Label.VALIDATED) == {DmarcOutcome.ALIGNED_PASS}
    assert OUTCOME_LABELS[DmarcOutcome.NOT_RUN] == (Label.UNVERIFIABLE, Basis.NOT_RUN)


def _outcome(domain: str, result: str, identity: str = "mailfrom") -> SpfOutcome:
    return SpfOutcome(identity, f"bounce@{domain}", domain, "192.0.2.1", result, "", Label.UNVERIFIABLE,
                      Basis.UNDECIDED)


def test_the_spf_adapter_reads_the_spf_checks_result() -> None:
    assert spf_identity(None) is None
    assert spf_identity(SpfResult(False, "not run (offline)")) is None
    stored = SpfResult(True, sender="bounce@Mail.Example.com", sender_source="Return-Path",
                       mail_from=_outcome("Mail.Example.com", "pass"))
    identity = spf_identity(stored)
    assert identity == SpfIdentity("mail.example.com", "pass",
                                   "the envelope sender <bounce@Mail.Example.com> (Return-Path)")
    null = SpfResult(True, sender="", mail_from=_outcome("mx.example.com", "fail", "helo"))
    assert spf_identity(null) == SpfIdentity("mx.example.com", "fail",
                                                      "the HELO name mx.example.com (null envelope sender)")


@pytest.mark.parametrize(("word", "settled"), [
    ("pass", True), ("fail", True), ("softfail", True), ("neutral", True), ("none", True),
    ("permerror", True),
    ("unknown", True), ("temperror", False), ("error", False), ("local", False), ("trusted", False),
    ("ambiguous", False),
])
def test_which_spf_results_are_settled(word: str, settled: bool) -> None:
    assert SpfIdentity("example.com", word).settled is settled
