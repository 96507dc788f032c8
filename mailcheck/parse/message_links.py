"""The links of a message, found once and shared by every check that reads them (urls, impersonation)."""

from __future__ import annotations

from mailcheck.parse.message import Message
from mailcheck.parse.urls import LinkScan, scan_links

# Parsing a large HTML part is the dearest step of a link scan; two checks need the same scan. Kept in the
# message object's own attributes and dropped with it, so nothing outlives the analysis (a WeakKeyDictionary
# would do the same at the cost of importing weakref in every filter start).
_KEPT_AS = "_mailcheck_link_scan"


def message_links(message: Message) -> LinkScan:
    """scan_links over the message's text parts, computed once per message."""
    kept = vars(message)
    scan: LinkScan | None = kept.get(_KEPT_AS)
    if scan is None:
        scan = kept[_KEPT_AS] = scan_links(message.text_parts)
    return scan
