"""The probe's address table: what may be contacted without --probe-private (no packet is sent)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailcheck.probe import prober
from mailcheck.probe.addresses import is_public, refusal

REFUSED = [
    # IPv6 forms that carry a forbidden IPv4 address, which is_global judged by their prefix
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
    ("64:ff9b::a00:1", "private network"),  # NAT64 of 10.0.0.1
    ("::127.0.0.1", "loopback"),  # IPv4-compatible
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:192.168.1.1", "private network"),
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", "private network"),  # 6to4 of 192.168.1.1
    # IPv4 special purpose
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("192.0.0.8", "IETF protocol assignments"),
    ("192.0.0.9", "IETF protocol assignments"),
    ("127.0.0.1", "loopback"),
    ("0.0.0.0", "this network"),
    ("10.1.2.3", "private network"),
    ("172.31.255.255", "private network"),
    ("192.168.0.1", "private network"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("169.254.169.254", "link-local"),  # cloud metadata services live here
    ("192.0.2.1", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("255.255.255.255", "reserved"),
    # IPv6 special purpose
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("fe80::1", "not global unicast IPv6"),
    ("fe80::1%eth0", "scoped to a local interface"),
    ("fc00::1", "not global unicast IPv6"),
    ("fd12:3456::1", "not global unicast IPv6"),
    ("ff02::1", "not global unicast IPv6"),
    ("100::1", "not global unicast IPv6"),  # discard-only
    ("64:ff9b:1::1", "local-use NAT64"),
    ("2001:db8::1", "documentation"),
    ("2001::1", "IETF protocol assignments"),  # Teredo
    ("3fff::1", "documentation"),
    ("not an address", "not an IP address"),
    ("", "not an IP address"),
]

ALLOWED = ["8.8.8.8", "192.0.3.1", "1.1.1.1", "2a00:1450:4001::1", "2001:4860:4860::8888",
           "64:ff9b::808:808", "::ffff:8.8.8.8", "2002:808:808::1", "100.128.0.1", "172.32.0.1"]


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_refused_addresses_say_why(address: str, why: str) -> None:
    reason = refusal(address)
    assert reason is not None and reason.startswith(why), (address, reason)
    assert not is_public(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    assert refusal(address) is None


def test_an_embedded_address_is_named_in_the_reason() -> None:
    assert refusal("64:ff9b::7f00:1") == "loopback, 127.0.0.1 in IPv6 form"


@given(st.ip_addresses(v=4))
def test_every_ipv4_form_of_an_address_gets_the_same_answer(address: ipaddress.IPv4Address) -> None:
    value = int(address)
    forms = [f"64:ff9b::{value >> 16:x}:{value & 0xFFFF:x}", f"::ffff:{address}",
             f"2002:{value >> 16:x}:{value & 0xFFFF:x}::1"]
    if value > 1:  # :: and ::1 are themselves, not IPv4-compatible forms
        forms.append(f"::{address}")
    expected = is_public(str(address))
    assert [is_public(form) for form in forms] == [expected] * len(forms)


@given(st.ip_addresses(v=4))
def test_nothing_the_table_allows_is_private_to_python(address: ipaddress.IPv4Address) -> None:
    # For IPv4 the table is stricter than the stdlib, never looser (IPv6 is_private differs between
    # Python versions, e.g. for ::ffff:0:0/96, which is one reason the table exists).
    if address.is_private or address.is_loopback or address.is_multicast or address.is_link_local:
        assert not is_public(str(address))


def test_the_prober_skips_a_nat64_loopback_without_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    from mailcheck.lookup.mx import MailRoute, RouteKind

    def no_connection(*args: object) -> None:
        raise AssertionError("a probe connected to a refused address")

    route = MailRoute("sender.test", RouteKind.MX, ("mx.sender.test",), ())
    monkeypatch.setattr(prober, "mail_route", lambda dns, domain: route)
    monkeypatch.setattr(prober, "host_addresses", lambda dns, host: (
        ["64:ff9b::7f00:1", "::127.0.0.1", "2002:7f00:1::1", "224.0.0.1", "192.0.0.8"], ()))
    monkeypatch.setattr(prober, "converse", no_connection)
    settings = prober.ProbeSettings(25, "probe.example", 1.0, callout=False, allow_private=False)
    result = prober.probe_domain(object(), "sender.test", settings, None)  # type: ignore[arg-type]
    assert result.sessions == ()
    assert len(result.skipped) == 5
    assert all("not a public address, not probed" in line for line in result.skipped)
