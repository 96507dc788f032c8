"""Finding a domain's mail hosts (mailcheck.lookup.mx): MX by preference, implicit MX, null MX, failures."""

from __future__ import annotations

from mailcheck.lookup.contract import DnsStatus, StaticDns
from mailcheck.lookup.mx import RouteKind, host_addresses, mail_route


def test_mx_hosts_by_preference() -> None:
    dns = StaticDns({("sender.test", "MX"): ["20 b.sender.test", "5 a.sender.test", "20 c.sender.test."]})
    route = mail_route(dns, "Sender.Test.")
    assert route.kind is RouteKind.MX
    assert route.hosts == ("a.sender.test", "b.sender.test", "c.sender.test")
    assert "MX sender.test" in route.describe()


def test_implicit_mx_rfc5321_5_1() -> None:
    dns = StaticDns({("sender.test", "A"): ["192.0.2.1"]})
    route = mail_route(dns, "sender.test")
    assert route.kind is RouteKind.IMPLICIT
    assert route.hosts == ("sender.test",)


def test_null_mx_rfc7505() -> None:
    for exchange in (".", ""):
        dns = StaticDns({("sender.test", "MX"): [f"0 {exchange}"], ("sender.test", "A"): ["192.0.2.1"]})
        route = mail_route(dns, "sender.test")
        assert route.kind is RouteKind.NULL, exchange
        assert route.hosts == ()


def test_no_mail_host() -> None:
    assert mail_route(StaticDns({}), "gone.test").kind is RouteKind.NONE  # NXDOMAIN
    exists = StaticDns({("sender.test", "TXT"): ["v=spf1 -all"]})
    assert mail_route(exists, "sender.test").kind is RouteKind.NONE  # NODATA for MX, A and AAAA


def test_dns_failure_is_not_an_answer() -> None:
    route = mail_route(StaticDns({}, fail={"sender.test": DnsStatus.SERVFAIL}), "sender.test")
    assert route.kind is RouteKind.FAILED
    assert "SERVFAIL" in route.describe()


def test_host_addresses_ipv4_first() -> None:
    dns = StaticDns({("mx.sender.test", "AAAA"): ["2001:db8::25"], ("mx.sender.test", "A"): ["192.0.2.25"]})
    addresses, answers = host_addresses(dns, "mx.sender.test")
    assert addresses == ("192.0.2.25", "2001:db8::25")
    assert [a.rdtype for a in answers] == ["A", "AAAA"]
