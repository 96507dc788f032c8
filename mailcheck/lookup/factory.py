"""Builds the DnsClient a run uses from its options; the contract (contract.py) knows no implementation."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mailcheck.lookup.contract import DnsClient, OfflineDns

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_TIMEOUT = 3.0  # seconds per lookup
DEFAULT_BUDGET = 10.0  # seconds of DNS per message


def parse_resolver(text: str) -> tuple[str, int]:
    """--resolver IP[:PORT]: '192.0.2.1', '192.0.2.1:5353', '2001:db8::1', '[2001:db8::1]:5353'."""
    text = text.strip()
    host, port = text, "53"
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"--resolver {text!r}: expected [IPv6]:PORT")
        port = rest[1:] or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError as exc:
        raise ValueError(f"--resolver {text!r}: {host!r} is not an IP address") from exc
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--resolver {text!r}: {port!r} is not a port number")
    return address, int(port)


def make_dns(offline: bool, resolvers: list[str], timeout: float = DEFAULT_TIMEOUT,
             budget: float = DEFAULT_BUDGET, record: Path | None = None,
             replay: Path | None = None) -> DnsClient:
    """The client a run uses. offline wins over everything; replay answers only from its file
    (and may itself be recorded again); otherwise the dnspython Resolver. Raises ValueError for a
    bad --resolver or an unreadable replay file (the CLI's usage error). Call close() at the end."""
    if offline:
        return OfflineDns()
    # Only a run that asks or replays DNS loads the resolver and the record file's reader (json, threading).
    from mailcheck.lookup.record import Recorder, ReplayDns
    from mailcheck.lookup.resolver import Resolver

    if replay is not None:
        client = ReplayDns(replay)  # read before the record file is opened: they may be one file
        if record is not None:
            client.recorder = Recorder(record)
        return client
    servers = [parse_resolver(r) for r in resolvers]
    recorder = Recorder(record) if record is not None else None
    return Resolver(servers or None, timeout=timeout, budget=budget, recorder=recorder)


def check_dns_options(offline: bool, resolvers: Iterable[str], replay: Path | None) -> None:
    """Raise the ValueError make_dns() would, without building a client: the scan's parent checks
    its options before it starts workers that each build their own."""
    if offline:
        return
    if replay is not None:
        from mailcheck.lookup.record import load_record

        load_record(replay)
        return
    for text in resolvers:
        parse_resolver(text)
