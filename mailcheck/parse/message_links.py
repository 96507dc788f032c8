"""The links of a message, found once and shared by every check that reads them (urls, impersonation)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from mailcheck.parse.message import Message
from mailcheck.parse.urls import LinkScan, scan_links

# Parsing a large HTML part is the dearest step of a link scan; two checks need the same scan. Kept per
# message object and dropped with it, so nothing outlives the analysis.
_SCANS: WeakKeyDictionary[Message, LinkScan] = WeakKeyDictionary()


def message_links(message: Message) -> LinkScan:
    """scan_links over the message's text parts, computed once per message."""
    scan = _SCANS.get(message)
    if scan is None:
        scan = _SCANS[message] = scan_links(message.text_parts)
    return scan
