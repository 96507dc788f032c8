"""The resolver-honesty check (mailcheck/lookup/honesty.py) against real loopback servers that lie in
each way, through the real Resolver."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from support.dns_server import SINKHOLE, DnsServer, Mode

from mailcheck.lookup.contract import DnsStatus, OfflineDns, StaticDns, message_budget
from mailcheck.lookup.honesty import PROBE_INVALID, CheckedDns, ResolverCheck, Verdict, probe, worst_report
from mailcheck.lookup.record import Recorder, ReplayDns
from mailcheck.lookup.resolver import Resolver

ZONE = {"example.com": {"MX": ["10 mail.example.com"]}, "mail.example.com": {"A": ["192.0.2.25"]}}


def resolver(server: DnsServer) -> Resolver:
    return Resolver([server.address], timeout=1.0, budget=3.0)


@pytest.mark.parametrize(("mode", "verdict", "words"), [
    (Mode.NORMAL, Verdict.HONEST, "answers for the root zone"),
    (Mode.NXDOMAIN, Verdict.LYING, "the root zone does not exist"),
    (Mode.SINKHOLE, Verdict.LYING, SINKHOLE),
    (Mode.REFUSED, Verdict.UNKNOWN, "no answer about the root zone"),
    (Mode.SERVFAIL, Verdict.UNKNOWN, "no answer about the root zone"),
])
def test_each_kind_of_resolver_is_told_apart(dns_server: Callable[..., DnsServer], mode: Mode,
                                             verdict: Verdict, words: str) -> None:
    found = probe(resolver(dns_server(ZONE, mode=mode)))
    assert found.verdict is verdict and words in found.reason, found
    assert found.evidence and found.evidence[0].startswith("NS .")


def test_a_liar_s_answers_reach_no_check(dns_server: Callable[..., DnsServer]) -> None:
    check = ResolverCheck()
    client = check.client_for(resolver(dns_server(ZONE, mode=Mode.NXDOMAIN)))
    assert isinstance(client, CheckedDns)
    answer = client.query("github.com", "MX")
    assert answer.status is DnsStatus.ERROR and not answer.answered
    assert "the resolver gives answers that cannot be true: it says the root zone does not exist" in answer.detail
    assert check.result is not None and check.result.verdict is Verdict.LYING
    report = check.report()
    assert report is not None and report["status"] == "lying" and report["honest"] is False
    warning = check.warning()
    assert warning is not None and "cannot be true" in warning


def test_an_honest_resolver_s_answers_pass_unchanged(dns_server: Callable[..., DnsServer]) -> None:
    check = ResolverCheck()
    client = check.client_for(resolver(dns_server(ZONE)))
    assert client.query("example.com", "MX").records == ("10 mail.example.com",)
    nowhere = client.query("nowhere.example.com", "MX")  # a true NXDOMAIN, under a TLD that exists
    assert nowhere.status is DnsStatus.NXDOMAIN
    assert check.warning() is None
    report = check.report()
    assert report is not None and report["status"] == "honest" and report["honest"] is True


def test_failures_pass_through_and_need_no_check(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TIMEOUT)
    check = ResolverCheck()
    client = check.client_for(Resolver([server.address], timeout=0.3, budget=3.0))
    assert client.query("example.com", "MX").status is DnsStatus.TIMEOUT
    assert check.result is None and server.hits_for(".") == []
    assert check.report() == {"status": "unchecked", "honest": None, "evidence": [],
                              "reason": "no DNS answer arrived, so the resolver did not need checking"}
    assert check.warning() is None


def test_checked_once_per_run_whatever_the_threads(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    check = ResolverCheck()
    inner = resolver(server)

    def work(n: int) -> None:
        with message_budget(inner):
            check.client_for(inner).query(f"m{n}.example.com", "MX")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.hits_for(".", "NS")) == 1 and len(server.hits_for(PROBE_INVALID, "A")) == 1
    assert len(server.hits_for("com", "SOA")) == 1  # each TLD confirmed once


def test_the_check_spends_no_message_s_budget_or_counts(dns_server: Callable[..., DnsServer]) -> None:
    inner = resolver(dns_server(ZONE))
    check = ResolverCheck()
    with message_budget(inner) as message:
        check.client_for(inner).query("example.com", "MX")
    assert (message.asked, message.sent) == (1, 1)
    assert inner.stats.sent == 3  # the question, the root's NS and the .invalid name


def test_a_resolver_that_denies_a_real_tld_is_found_out(tmp_path: Path) -> None:
    # Split horizon: it knows the root and denies .invalid names, yet says "com" does not exist.
    # A replay file is such a resolver, answer for answer.
    record = tmp_path / "split.jsonl"
    recorder = Recorder(record)
    from mailcheck.lookup.contract import DnsAnswer

    for answer in (DnsAnswer(".", "NS", DnsStatus.OK, ("a.root-servers.net",)),
                   DnsAnswer(PROBE_INVALID, "A", DnsStatus.NXDOMAIN),
                   DnsAnswer("github.com", "MX", DnsStatus.NXDOMAIN),
                   DnsAnswer("com", "SOA", DnsStatus.NXDOMAIN)):
        recorder.add(answer)
    recorder.close()
    check = ResolverCheck()
    client = check.client_for(ReplayDns(record))
    answer = client.query("github.com", "MX")
    assert answer.status is DnsStatus.ERROR and "the top-level domain com does not exist" in answer.detail
    assert check.result is not None and check.result.verdict is Verdict.LYING


def test_in_memory_zones_are_honest_by_declaration() -> None:
    check = ResolverCheck()
    static = StaticDns({})
    assert check.client_for(static) is static and check.report() is None
    offline = OfflineDns()
    assert check.client_for(offline) is offline and check.json_extra() is None


def test_a_scan_reports_the_worst_its_workers_found() -> None:
    honest = {"status": "honest"}
    lying = {"status": "lying"}
    assert worst_report(None, honest) is honest and worst_report(honest, None) is honest
    assert worst_report(honest, lying) is lying and worst_report(lying, honest) is lying
    assert worst_report(None, None) is None
