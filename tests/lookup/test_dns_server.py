"""The loopback DNS test server itself, asked with plain dnspython queries (no mailcheck code)."""

from __future__ import annotations

import time
from collections.abc import Callable

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from support.dns_server import DnsServer, Mode, Zone, ZoneDict

ZONE: ZoneDict = {
    "example.com": {"MX": ["10 mx.example.com"], "TXT": ["v=spf1 -all"]},
    "mx.example.com": {"A": ["192.0.2.1"], "AAAA": ["2001:db8::1"]},
    "a.b.c.example.org": {"A": ["192.0.2.2"]},  # b.c.example.org and c.example.org are empty non-terminals
    "alias.example.com": {"CNAME": ["mx.example.com"]},
    "dangling.example.com": {"CNAME": ["nowhere.example.com"]},
    "loop.example.com": {"CNAME": ["loop.example.com"]},
    "big.example.com": {"TXT": [f"record {i} " + "x" * 200 for i in range(5)]},
}


def ask(server: DnsServer, name: str, rdtype: str, tcp: bool = False, timeout: float = 1.0) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype)
    if tcp:
        return dns.query.tcp(query, "127.0.0.1", port=server.port, timeout=timeout)
    return dns.query.udp(query, "127.0.0.1", port=server.port, timeout=timeout)


def test_records_are_served_over_udp_and_tcp(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    for tcp in (False, True):
        response = ask(server, "example.com", "MX", tcp=tcp)
        assert response.rcode() == dns.rcode.NOERROR
        assert response.flags & dns.flags.AA
        assert [rd.to_text() for rd in response.answer[0]] == ["10 mx.example.com."]
    assert [h.transport for h in server.hits_for("example.com", "MX")] == ["udp", "tcp"]
    assert server.errors == []


def test_nxdomain_only_for_names_that_do_not_exist(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    assert ask(server, "nothing.example.com", "A").rcode() == dns.rcode.NXDOMAIN
    # RFC 8020: a name with records below it exists, even with no records of its own.
    for name in ("b.c.example.org", "c.example.org", "example.org"):
        response = ask(server, name, "TXT")
        assert response.rcode() == dns.rcode.NOERROR, name
        assert response.answer == []
        assert response.authority[0].rdtype == dns.rdatatype.SOA  # RFC 2308 negative answer
    # An existing name without the asked type: NOERROR, no data.
    response = ask(server, "example.com", "AAAA")
    assert (response.rcode(), response.answer) == (dns.rcode.NOERROR, [])


def test_cnames_are_followed_and_loops_end(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    response = ask(server, "alias.example.com", "A")
    assert [r.rdtype for r in response.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    dangling = ask(server, "dangling.example.com", "A")
    assert dangling.rcode() == dns.rcode.NXDOMAIN  # RFC 6604: the rcode of the last name
    assert [r.rdtype for r in dangling.answer] == [dns.rdatatype.CNAME]
    loop = ask(server, "loop.example.com", "A")
    assert loop.rcode() == dns.rcode.NOERROR and len(loop.answer) == 1


def test_large_udp_answers_are_truncated(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    udp = ask(server, "big.example.com", "TXT")
    assert udp.flags & dns.flags.TC and udp.answer == []
    tcp = ask(server, "big.example.com", "TXT", tcp=True)
    assert len(tcp.answer[0]) == 5


@pytest.mark.parametrize(("mode", "rcode"), [(Mode.SERVFAIL, dns.rcode.SERVFAIL), (Mode.REFUSED, dns.rcode.REFUSED)])
def test_failure_modes(dns_server: Callable[..., DnsServer], mode: Mode, rcode: int) -> None:
    server = dns_server(ZONE, mode=mode)
    assert ask(server, "example.com", "MX").rcode() == rcode


def test_truncate_mode_sets_tc_on_udp_only(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TRUNCATE)
    udp = ask(server, "example.com", "MX")
    assert udp.flags & dns.flags.TC and udp.answer == []
    assert ask(server, "example.com", "MX", tcp=True).answer


def test_timeout_mode_never_answers(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, mode=Mode.TIMEOUT)
    with pytest.raises(dns.exception.Timeout):
        ask(server, "example.com", "MX", timeout=0.2)
    assert server.hits_for("example.com", "MX")  # it heard the question


def test_per_name_mode_applies_to_types_without_records(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server({"slow.example": {"TXT": ["v=spf1 -all"]}}, modes={"slow.example": Mode.TIMEOUT})
    assert ask(server, "slow.example", "TXT").answer
    with pytest.raises(dns.exception.Timeout):
        ask(server, "slow.example", "A", timeout=0.2)


def test_zone_file_text() -> None:
    zone = Zone.from_text("""
$TTL 300
example.net.      IN MX  0 .
www.example.net.  IN A   192.0.2.7
""")
    with DnsServer(zone) as server:
        assert [rd.to_text() for rd in ask(server, "example.net", "MX").answer[0]] == ["0 ."]
        assert ask(server, "example.net", "A").rcode() == dns.rcode.NOERROR
        assert ask(server, "web.example.net", "A").rcode() == dns.rcode.NXDOMAIN


def test_long_txt_data_is_split_into_255_octet_strings(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server({"long.example": {"TXT": ["y" * 600]}})
    rdata = next(iter(ask(server, "long.example", "TXT", tcp=True).answer[0]))
    assert [len(s) for s in rdata.strings] == [255, 255, 90]


def test_starts_fast_and_stops_cleanly() -> None:
    began = time.perf_counter()
    server = DnsServer(Zone(ZONE)).start()
    started = time.perf_counter() - began
    ask(server, "example.com", "MX", tcp=True)
    server.stop()
    assert started < 0.5  # measured ~1 ms; generous for a loaded machine
    assert not any(t.is_alive() for t in server._threads)
