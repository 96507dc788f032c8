"""Loading DKIM/ARC test data: key records + messages, as an in-memory zone or a DNS server's zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.lookup.contract import StaticDns

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the repository


def shared(*parts: str) -> Path:
    """A path under ../shared/corpora; the calling test is skipped when it is absent."""
    path = SHARED.joinpath("corpora", *parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared corpora are not checked out beside the repository)")
    return path


def records_and_message(path: Path) -> tuple[dict[str, list[str]], bytes]:
    """stalwart mail-auth format: 'name record' lines, a blank line, then the message (bytes kept exact)."""
    data = path.read_bytes()
    head, _, message = data.partition(b"\n\n")
    records: dict[str, list[str]] = {}
    for line in head.decode("utf-8").splitlines():
        name, _, record = line.partition(" ")
        records.setdefault(name.rstrip(".").lower(), []).append(record)
    return records, message


def static_dns(records: dict[str, list[str]]) -> StaticDns:
    return StaticDns({(name, "TXT"): values for name, values in records.items()})


def server_zone(records: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    """The same TXT records in the shape tests/support/dns_server.py serves."""
    return {name: {"TXT": values} for name, values in records.items()}
