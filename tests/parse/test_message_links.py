"""One link scan per message, shared by the checks that read it, and gone with the message."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Sequence

import pytest

from mailcheck.parse import message_links as module
from mailcheck.parse.message import Message, TextPart
from mailcheck.parse.message_links import message_links
from mailcheck.parse.urls import LinkScan, scan_links

RAW = b"From: a@example.com\nSubject: s\n\nsee http://one.example/ and http://two.example/x\n"


def test_the_scan_is_made_once_per_message(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[Sequence[TextPart]] = []

    def counting(parts: Sequence[TextPart]) -> LinkScan:
        scans.append(parts)
        return scan_links(parts)

    monkeypatch.setattr(module, "scan_links", counting)
    message, other = Message(RAW), Message(RAW)
    first = message_links(message)
    assert message_links(message) is first and len(scans) == 1
    assert [link.href for link in first.links] == ["http://one.example/", "http://two.example/x"]
    assert message_links(other) is not first and len(scans) == 2  # a message of its own, a scan of its own


def test_nothing_keeps_the_message_alive() -> None:
    message = Message(RAW)
    message_links(message)
    alive = weakref.ref(message)
    del message
    gc.collect()
    assert alive() is None
