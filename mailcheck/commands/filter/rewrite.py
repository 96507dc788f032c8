"""The filter's pure core: message bytes + our header fields → the bytes to deliver.

The output is the input, byte for byte, with two changes only: our fields are inserted at the top
of the header block (after an mbox `From ` line, which procmail hands to filters and which must
stay first), and header fields a sender could use to pre-set our result are removed, folded
continuation lines included: every `X-Mailcheck*` field, and each Authentication-Results field
carrying one of our authserv-ids (RFC 8601 §5) that your servers did not write — one below the
entry hop's Received line (DESIGN §3; the verdict-headers check labels the same ones forged). When
no analysis placed the boundary, every such field goes: a planted result must never survive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mailcheck.auth.authserv_id import authserv_id
from mailcheck.commands.filter.layout import Field, Layout
from mailcheck.trust import ours_above

if TYPE_CHECKING:
    from mailcheck.model import Boundary

_OURS = b"x-mailcheck"  # every field whose name starts so is ours: a recipe's ^X-Mailcheck sees only us
_AUTHRES = b"authentication-results"


def _ours(field: Field) -> bool:
    return field.key is not None and field.key.startswith(_OURS)


def _removable(field: Field, authserv_ids: frozenset[str]) -> bool:
    if _ours(field):
        return True
    return bool(authserv_ids) and field.key == _AUTHRES and \
        authserv_id(field.value.decode("latin-1")) in authserv_ids


def remove_ours(parts: Layout, authserv_ids: Sequence[str] = (), ours_above: int = 0) -> list[bytes]:
    """The header fields without ours (any case, any white space before the colon, with their
    continuation lines). Authentication-Results among the first `ours_above` fields are your servers'
    and stay. A line that is no field at all is kept as it is."""
    ids = frozenset(a.lower() for a in authserv_ids)
    return [field.data for position, field in enumerate(parts.fields)
            if not _removable(field, ids) or (position < ours_above and not _ours(field))]


def written_by_us(parts: Layout, boundary: Boundary) -> int:
    """How many header fields from the top your servers wrote: those above the entry hop's Received
    line (or above the last trusted one when no hop records an untrusted client) — trust.ours_above,
    the limit the verdict-headers check uses, over the filter's own split of the header block."""
    return ours_above([i for i, f in enumerate(parts.fields) if f.key == b"received"], boundary)


def compose(parts: Layout, fields: Sequence[str], authserv_ids: Sequence[str] = (), ours_above: int = 0) -> bytes:
    """The message with `fields` (text, physical lines joined by "\\n") on top and our old fields removed."""
    from_line = parts.from_line
    if from_line and not from_line.endswith(b"\n"):
        from_line += parts.eol  # a bare From_ line with nothing after it: ours must start a new line
    added = b"".join(
        line.encode("ascii") + parts.eol for field in fields for line in field.split("\n")
    )
    kept = remove_ours(parts, authserv_ids, ours_above)
    return from_line + added + b"".join(kept) + parts.rest


def unusable(parts: Layout) -> str | None:
    """Why these bytes are no message we can analyse (our reason text), or None."""
    if not parts.raw:
        return "empty input"
    if any(b"\x00" in field.data for field in parts.fields):
        return "the input is not a mail message (NUL bytes in the header)"
    if parts.fields and parts.fields[0].data[:1] in (b" ", b"\t"):
        return "the input is not a mail message (it starts with a continuation line)"
    if all(field.key is None for field in parts.fields):
        return "the input is not a mail message (no header fields)"
    return None
