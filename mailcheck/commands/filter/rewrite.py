"""The filter's pure core: message bytes + our header fields → the bytes to deliver.

The output is the input, byte for byte, with two changes only: our fields are inserted at the top
of the header block (after an mbox `From ` line, which procmail hands to filters and which must
stay first), and header fields a sender could use to pre-set our result are removed, folded
continuation lines included: every `X-Mailcheck*` field, and each Authentication-Results field
carrying one of our authserv-ids (RFC 8601 §5) that your servers did not write — one below the
entry hop's Received line (DESIGN §3; the verdict-headers check labels the same ones forged). When
no analysis placed the boundary, every such field goes: a planted result must never survive.
In a CR LF message procmail reads the body as header too (layout.py): lines there that would pass for
our results go as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mailcheck.auth.authserv_id import authserv_id
from mailcheck.commands.filter.layout import Field, Layout
from mailcheck.parse.recognise_input import unusable as unusable  # one judgement of "is this mail" for all
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
    if from_line and not from_line.endswith(parts.eol[-1:]):
        from_line += parts.eol  # a bare From_ line with nothing after it: ours must start a new line
    added = b"".join(
        line.encode("ascii") + parts.eol for field in fields for line in field.split("\n")
    )
    kept = remove_ours(parts, authserv_ids, ours_above)
    return from_line + added + b"".join(kept) + _rest(parts, frozenset(a.lower() for a in authserv_ids))


def _rest(parts: Layout, ids: frozenset[str]) -> bytes:
    """The rest of the message; in a CR LF message, without the body lines procmail would read as our
    results (it reads up to a line of LF alone as header): the one change the filter makes to a body."""
    if not any(_removable(line, ids) for line in parts.procmail_tail):
        return parts.rest
    kept = b"".join(line.data for line in parts.procmail_tail if not _removable(line, ids))
    return kept + parts.rest[sum(len(line.data) for line in parts.procmail_tail):]
