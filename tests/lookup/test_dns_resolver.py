"""mailcheck's DNS layer: the real dnspython resolver against the loopback DNS server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.dns_server import DnsServer, Mode, ZoneDict

from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus, OfflineDns, StaticDns, message_budget
from mailcheck.lookup.factory import check_dns_options, make_dns, parse_resolver
from mailcheck.lookup.record import ReplayDns, load_record
from mailcheck.lookup.resolver import CNAME_LOOP_DETAIL, Resolver

ROOT = Path(__file__).resolve().parents[2]

ZONE: ZoneDict = {
    "example.com": {"MX": ["10 mx.example.com", "20 mx2.example.com"], "TXT": ["v=spf1 mx -all"]},
    "mx.example.com": {"A": ["192.0.2.1"], "AAAA": ["2001:db8::1"]},
    "a.b.example.org": {"A": ["192.0.2.2"]},
    "nullmx.example": {"MX": ["0 ."]},
    "alias.example.com": {"CNAME": ["mx.example.com"]},
    "loop.example.com": {"CNAME": ["loop.example.com"]},
    "big.example.com": {"TXT": [f"record {i} " + "x" * 200 for i in range(5)]},
    "multi.example.com": {"TXT": [["v=spf1 ip4:", "192.0.2.5 -all"]]},
    "10.2.0.192.in-addr.arpa": {"PTR": ["mail.example.com"]},
}


def resolver(server: DnsServer, **kwargs: float | None) -> Resolver:
    options: dict[str, float | None] = {"timeout": 0.3, "budget": None}
    options.update(kwargs)
    return Resolver([server.address], timeout=options["timeout"] or 0.3, budget=options["budget"])


def test_answers_in_text_form(dns_server: Callable[..., DnsServer]) -> None:
    client = resolver(dns_server(ZONE))
    assert client.query("Example.COM.", "mx") == DnsAnswer(
        "example.com", "MX", DnsStatus.OK, ("10 mx.example.com", "20 mx2.example.com"))
    assert client.query("mx.example.com", "AAAA").records == ("2001:db8::1",)
    assert client.query("nullmx.example", "MX").records == ("0 .",)
    assert client.query("multi.example.com", "TXT").records == ("v=spf1 ip4:192.0.2.5 -all",)  # RFC 7208 §3.3
    assert client.query("10.2.0.192.in-addr.arpa", "PTR").records == ("mail.example.com",)
    alias = client.query("alias.example.com", "A")
    assert (alias.status, alias.records) == (DnsStatus.OK, ("192.0.2.1",))


def test_nxdomain_and_nodata_are_answers(dns_server: Callable[..., DnsServer]) -> None:
    client = resolver(dns_server(ZONE))
    nx = client.query("nothing.example.com", "A")
    assert nx.status is DnsStatus.NXDOMAIN and nx.answered
    empty = client.query("b.example.org", "A")  # an empty non-terminal exists (RFC 8020)
    assert empty.status is DnsStatus.NODATA and empty.answered
    assert client.query("example.com", "AAAA").status is DnsStatus.NODATA


def test_truncated_udp_answer_is_retried_over_tcp(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    answer = resolver(server).query("big.example.com", "TXT")
    assert answer.status is DnsStatus.OK and len(answer.records) == 5
    assert [h.transport for h in server.hits_for("big.example.com", "TXT")] == ["udp", "tcp"]


def test_truncate_mode_is_retried_over_tcp(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TRUNCATE)
    assert resolver(server).query("example.com", "MX").status is DnsStatus.OK
    assert [h.transport for h in server.hits_for("example.com", "MX")] == ["udp", "tcp"]


@pytest.mark.parametrize(("mode", "status"), [(Mode.SERVFAIL, DnsStatus.SERVFAIL), (Mode.REFUSED, DnsStatus.REFUSED)])
def test_server_failures_are_failures(dns_server: Callable[..., DnsServer], mode: Mode, status: DnsStatus) -> None:
    server = dns_server(ZONE, mode=mode)
    answer = resolver(server).query("example.com", "MX")
    assert answer.status is status and not answer.answered
    assert f"127.0.0.1@{server.port}" in answer.detail and status.value.upper() in answer.detail


def test_timeout_is_a_failure_within_the_timeout(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TIMEOUT)
    began = time.monotonic()
    answer = resolver(server, timeout=0.3).query("example.com", "MX")
    elapsed = time.monotonic() - began
    assert answer.status is DnsStatus.TIMEOUT and not answer.answered
    assert "within 0.3 s" in answer.detail
    assert elapsed < 0.3 + 0.4  # dnspython adds one 0.1 s retry back-off; the rest is slack


def test_cname_loop_is_a_status_of_its_own(dns_server: Callable[..., DnsServer]) -> None:
    answer = resolver(dns_server(ZONE)).query("loop.example.com", "A")
    assert (answer.status, answer.detail) == (DnsStatus.CNAME_LOOP, CNAME_LOOP_DETAIL)
    assert not answer.answered  # a failure, like any other error: never evidence of forgery


def test_a_loop_recorded_as_an_error_replays_as_a_loop(tmp_path: Path) -> None:
    # Version 1 files written before CNAME_LOOP was a status carry it as "error" plus the detail.
    old = tmp_path / "old.jsonl"
    line = {"name": "loop.example.com", "type": "TXT", "status": "error", "records": [],
            "detail": CNAME_LOOP_DETAIL}
    old.write_text('{"format": "mailcheck-dns-record", "version": 1}\n' + json.dumps(line) + "\n",
                   encoding="utf-8")
    assert ReplayDns(old).query("loop.example.com", "TXT").status is DnsStatus.CNAME_LOOP


def test_invalid_names_cannot_exist(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    client = resolver(server)
    for name in ("a..example.com", "x" * 64 + ".example.com"):
        answer = client.query(name, "A")
        assert answer.status is DnsStatus.NXDOMAIN and "not a valid DNS name" in answer.detail
    assert server.hits == []  # nothing was sent


def test_each_question_is_sent_once_per_run(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    client = resolver(server)
    for _ in range(3):
        with message_budget(client) as message:
            assert client.query("example.com", "MX").status is DnsStatus.OK
            assert client.query("EXAMPLE.com.", "MX").status is DnsStatus.OK
            assert client.query("nothing.example.com", "A").status is DnsStatus.NXDOMAIN
    assert len(server.hits_for("example.com", "MX")) == 1
    assert len(server.hits_for("nothing.example.com", "A")) == 1
    assert (message.asked, message.sent) == (3, 0)  # the third message: all from the cache
    stats = client.stats
    assert (stats.messages, stats.asked, stats.sent, stats.cache_hits) == (3, 9, 2, 7)


def test_failures_are_cached_for_the_run(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.SERVFAIL)
    client = resolver(server)
    first = client.query("example.com", "MX")
    server.mode = Mode.NORMAL  # the run keeps what it saw; a new run would ask again
    assert client.query("example.com", "MX") == first
    assert len(server.hits_for("example.com", "MX")) == 1
    assert resolver(server).query("example.com", "MX").status is DnsStatus.OK


def test_budget_spent_answers_budget_at_once(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TIMEOUT)
    client = resolver(server, timeout=0.3, budget=0.5)
    began = time.monotonic()
    with message_budget(client) as message:
        statuses = [client.query(f"n{i}.example.com", "A").status for i in range(6)]
    elapsed = time.monotonic() - began
    assert statuses[0] is DnsStatus.TIMEOUT
    # The second is cut short by the budget (about 0.1 s is left of 0.5), the rest are not even sent.
    assert statuses[1:] == [DnsStatus.BUDGET] * 5
    assert message.sent in (1, 2) and message.sent + message.refused == 6
    assert elapsed < 0.5 + 0.4  # six lookups of 0.3 s would take 1.8 s
    # The budget restarts with the next message; the budget-cut question was not cached.
    server.mode = Mode.NORMAL
    with message_budget(client):
        assert client.query("n1.example.com", "A").status is DnsStatus.NXDOMAIN


def test_nested_budgets_are_one_message(dns_server: Callable[..., DnsServer]) -> None:
    client = resolver(dns_server(ZONE), budget=5.0)
    with message_budget(client) as outer, message_budget(client) as inner:
        client.query("example.com", "MX")
    assert inner is outer and outer.asked == 1
    assert client.stats.messages == 1


def test_dead_servers_are_not_asked_again_and_again(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TIMEOUT)
    client = Resolver([server.address], timeout=0.1, budget=None, dead_after=2, retry_after=60)
    answers = [client.query(f"n{i}.example.com", "A") for i in range(5)]
    assert all(a.status is DnsStatus.TIMEOUT for a in answers)
    assert len(server.hits) == 2
    assert "no response to the last 2 lookups" in answers[-1].detail


def test_a_server_that_answers_resets_the_dead_count(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, modes={"slow.example.com": Mode.TIMEOUT})
    client = Resolver([server.address], timeout=0.1, budget=None, dead_after=2)
    for rdtype in ("A", "TXT", "MX"):
        assert client.query("slow.example.com", rdtype).status is DnsStatus.TIMEOUT
        assert client.query(f"no-{rdtype}.example.com", "A").status is DnsStatus.NXDOMAIN
    assert len(server.hits_for("slow.example.com")) == 3  # every timeout was a real question


def test_record_then_replay_without_the_server(tmp_path: Path) -> None:
    record = tmp_path / "dns.jsonl"
    questions = [("example.com", "MX"), ("nothing.example.com", "A"), ("b.example.org", "A"),
                 ("big.example.com", "TXT"), ("slow.example.com", "A")]
    with DnsServer() as server:
        server.set_zone(ZONE, modes={"slow.example.com": Mode.TIMEOUT})
        live = make_dns(False, [server.resolver], timeout=0.2, budget=5.0, record=record)
        with message_budget(live):
            first = [live.query(*q) for q in questions]
            live.query("example.com", "MX")  # used twice, recorded once
        live.close()
    lines = record.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "mailcheck-dns-record", "version": 1}
    keys = [(json.loads(line)["name"], json.loads(line)["type"]) for line in lines[1:]]
    assert keys == sorted(q for q in questions)  # sorted, one line per question
    replay = make_dns(False, [], timeout=0.2, budget=5.0, replay=record)
    assert isinstance(replay, ReplayDns)
    assert [replay.query(*q) for q in questions] == first
    assert first[-1].status is DnsStatus.TIMEOUT  # failures replay as they happened
    missing = replay.query("other.example.com", "A")
    assert (missing.status, missing.detail) == (DnsStatus.OFFLINE, "not in replay file")


def test_recording_a_replay_writes_the_same_file(tmp_path: Path) -> None:
    record, again = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    with DnsServer() as server:
        server.set_zone(ZONE)
        live = make_dns(False, [server.resolver], timeout=0.3, budget=5.0, record=record)
        for name, rdtype in (("mx.example.com", "A"), ("example.com", "TXT")):
            live.query(name, rdtype)
        live.close()
    replay = make_dns(False, [], record=again, replay=record)
    for name, rdtype in (("example.com", "TXT"), ("mx.example.com", "A")):  # another order
        replay.query(name, rdtype)
    replay.close()
    assert again.read_bytes() == record.read_bytes()


def test_a_replay_file_must_be_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a mailcheck-dns-record"):
        load_record(bad)
    bad.write_text('{"format": "mailcheck-dns-record", "version": 1}\n{"name": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_record(bad)


def test_make_dns_offline_and_resolver_options(dns_server: Callable[..., DnsServer]) -> None:
    assert isinstance(make_dns(True, ["192.0.2.1"], 1.0, 1.0, None, None), OfflineDns)
    silent = dns_server(ZONE, mode=Mode.TIMEOUT)
    server = dns_server(ZONE)
    client = make_dns(False, [silent.resolver, server.resolver], timeout=0.4, budget=2.0)
    assert isinstance(client, Resolver)
    assert (client.timeout, client.budget) == (0.4, 2.0)
    # The first server never answers; each server gets a share of the lookup's time, so the second
    # one still answers within it.
    assert client.query("example.com", "MX").status is DnsStatus.OK
    assert silent.hits and server.hits
    with pytest.raises(ValueError, match="not an IP address"):
        make_dns(False, ["dns.example.com"])


def test_options_are_checked_as_make_dns_would(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    check_dns_options(True, ["dns.example.com"], missing)  # offline wins, as in make_dns
    with pytest.raises(ValueError, match="not an IP address"):
        check_dns_options(False, ["dns.example.com"], None)
    with pytest.raises(ValueError, match="--dns-replay"):
        check_dns_options(False, [], missing)


def test_every_client_offers_the_whole_interface(tmp_path: Path) -> None:
    from mailcheck.lookup.shared_cache import ScanDns

    record = tmp_path / "r.jsonl"
    record.write_text('{"format": "mailcheck-dns-record", "version": 1}\n', encoding="utf-8")
    clients: list[DnsClient] = [OfflineDns(), StaticDns({}), Resolver([("127.0.0.1", 9)]), ReplayDns(record),
               ScanDns(OfflineDns(), None)]
    for client in clients:
        with message_budget(client):
            client.query("a..example", "MX")  # not a valid name: the Resolver sends nothing
        assert client.stats.messages == 1, client
        client.close()
    assert [c.offline for c in clients] == [True, False, False, False, True]
    assert [c.budget for c in clients] == [None, None, 10.0, None, None]


@pytest.mark.parametrize(("text", "expected"), [
    ("192.0.2.1", ("192.0.2.1", 53)),
    ("192.0.2.1:5353", ("192.0.2.1", 5353)),
    ("2001:db8::1", ("2001:db8::1", 53)),
    ("[2001:db8::1]:5353", ("2001:db8::1", 5353)),
])
def test_parse_resolver(text: str, expected: tuple[str, int]) -> None:
    assert parse_resolver(text) == expected


@pytest.mark.parametrize("text", ["192.0.2.1:0", "192.0.2.1:x", "[2001:db8::1", "host:53"])
def test_parse_resolver_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_resolver(text)


def test_mailcheck_dns_does_not_shadow_dnspython() -> None:
    # mailcheck.lookup must not load dnspython (the offline filter pays nothing), and dnspython's
    # top-level `dns` must stay reachable from inside the package.
    code = (
        "import sys, mailcheck.lookup.factory, mailcheck.auth.spf\n"
        "assert 'dns.resolver' not in sys.modules, 'dnspython imported eagerly'\n"
        "from mailcheck.lookup.resolver import Resolver\n"
        "import dns.resolver, dns\n"
        "assert dns.__file__ != mailcheck.lookup.factory.__file__ and hasattr(dns.resolver, 'Resolver')\n"
        "r = Resolver([('127.0.0.1', 9)], timeout=0.05, budget=None)\n"
        "print(r.query('a..b', 'A').status.value)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nxdomain"
