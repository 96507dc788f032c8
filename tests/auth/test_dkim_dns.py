"""DKIM through the real resolver and a DNS server on 127.0.0.1: answers, failures and truncation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from support.authdata import DATA, records_and_message, server_zone
from support.dns_server import DnsServer, Mode
from support.signing import message, rsa_key, sign

from mailcheck.auth.dkim_verify import DkimOutcome, verify_all
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Label
from mailcheck.parse.message import parse

Start = Callable[..., DnsServer]
RSA = rsa_key(2048)
KEY_NAME = "sel._domainkey.example.com"


def resolver(server: DnsServer) -> Resolver:
    return Resolver([server.address], timeout=0.5, budget=None)


@pytest.mark.parametrize("name", ["001.txt", "003.txt", "004.txt", "005.txt", "006.txt"])
def test_real_messages_verify_through_the_dns_server(dns_server: Start, name: str) -> None:
    records, raw = records_and_message(DATA / "dkim" / "stalwart" / name)
    server = dns_server(server_zone(records))
    clock = datetime(2022, 11, 7, 18, tzinfo=UTC) if name == "005.txt" else None
    results = verify_all(parse(raw), resolver(server), clock)
    assert results and all(r.outcome is DkimOutcome.VERIFIED for r in results), [r.reason for r in results]
    assert {h.name for h in server.hits} == set(records)


def test_key_over_tcp_after_truncated_udp(dns_server: Start) -> None:
    server = dns_server({KEY_NAME: {"TXT": [RSA.record()]}}, mode=Mode.TRUNCATE)
    (result,) = verify_all(parse(sign(message(), RSA)), resolver(server))
    assert result.outcome is DkimOutcome.VERIFIED
    assert {h.transport for h in server.hits} == {"udp", "tcp"}


def test_tampered_body_is_forged_through_the_dns_server(dns_server: Start) -> None:
    server = dns_server({KEY_NAME: {"TXT": [RSA.record()]}})
    raw = sign(message(), RSA).replace(b"this is", b"that is")
    (result,) = verify_all(parse(raw), resolver(server))
    assert result.outcome is DkimOutcome.BODY_HASH_MISMATCH and result.label is Label.FORGED


@pytest.mark.parametrize(("zone", "outcome", "status"), [
    ({}, DkimOutcome.NO_KEY, "nxdomain"),
    ({"x.sel._domainkey.example.com": {"TXT": ["other"]}}, DkimOutcome.NO_KEY, "nodata"),
    ({KEY_NAME: {"TXT": ["v=DKIM1; k=rsa; p="]}}, DkimOutcome.KEY_REVOKED, "ok"),
])
def test_missing_and_revoked_keys(dns_server: Start, zone: dict[str, dict[str, list[str]]],
                                  outcome: DkimOutcome, status: str) -> None:
    (result,) = verify_all(parse(sign(message(), RSA)), resolver(dns_server(zone)))
    assert result.outcome is outcome and result.label is Label.UNVERIFIABLE
    assert result.key is not None and result.key.answer is not None
    assert result.key.answer.status.value == status


@pytest.mark.parametrize("mode", [Mode.TIMEOUT, Mode.SERVFAIL, Mode.REFUSED])
def test_server_failures_are_unverifiable(dns_server: Start, mode: Mode) -> None:
    server = dns_server({KEY_NAME: {"TXT": [RSA.record()]}}, mode=mode)
    (result,) = verify_all(parse(sign(message(), RSA)), resolver(server))
    assert result.outcome is DkimOutcome.DNS_FAILURE
    assert result.label is Label.UNVERIFIABLE
    assert result.key is not None and result.key.answer is not None
    assert result.key.answer.status.value == {"timeout": "timeout", "servfail": "servfail",
                                              "refused": "refused"}[mode.value]
