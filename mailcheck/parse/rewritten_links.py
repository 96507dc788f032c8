"""A message's link seen through the gateways that rewrote it: the link the reader lands on, and why."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from mailcheck.parse.rewriter_marks import may_be_wrapped
from mailcheck.parse.urls import Link, split_url
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:
    from mailcheck.parse.rewriters import Unwrapped


class Rewritten(NamedTuple):
    """A link some gateway rewrote."""

    unwrapped: Unwrapped
    original: Link | None  # the link with the original target in place of the gateway; None when opaque
    evidence: str  # one sentence: who rewrote it, the original target, and what that means


def original_link(link: Link, unwrapped: Unwrapped) -> Link | None:
    """The link as the gateway forwards it: the decoded target in place of the gateway's address, so that
    a text comparison, notes and host lookups see where the reader lands. None when the target is opaque."""
    target = unwrapped.target
    if target is None:
        return None
    parts = split_url(target)
    if not parts.scheme:
        # A host alone (Mimecast ?domain=) or a target written without a scheme (Symantec u=0x3E.0004…,
        # seen in phishing-pot-dev): the gateway sends the browser there as a web address.
        parts = split_url(target, assume_http=True)
    return link._replace(href=target, target=target, scheme=parts.scheme or "http", userinfo=parts.userinfo,
                         host=parts.host, host_ascii=parts.host_ascii, ip=parts.ip,
                         bad_host=parts.host_written if parts.bad_host else None)


def _evidence(link: Link, unwrapped: Unwrapped) -> str:
    said = unwrapped.describe()
    sentence = said[0].upper() + said[1:] + f" (the link itself goes to {link.ip or link.host_ascii})."
    if unwrapped.target is None:
        if link.shown_host is not None:
            sentence += f" The link text names {link.shown_host}, which cannot be compared with a hidden target."
        return sentence
    compared = link.shown_host is not None
    if not any(layer.gateway for layer in unwrapped.layers):
        return sentence + (" The redirect forwards to the target it carries, so the link text is compared with it."
                           if compared else "")
    # Rewriting is what the reader's own gateway does (providers.md §5): it is evidence, never forgery.
    return sentence + " A security gateway rewrites links to check them when clicked; that is not forgery" + (
        ", so the link text is compared with the original target." if compared else ".")


# Two checks (urls, impersonation) ask about every link of a message; links are frozen, so the answer
# is kept for the last few thousand (a bound: a scan of an archive must not keep every link it saw).
@lru_cache(maxsize=4096)
def see_through(link: Link) -> Rewritten | None:
    """The link with its rewriters taken off, or None when no rewriter wrote it; never fetches. The rewriters
    are loaded only for a link that may be one's (unwrap would find no rewriter for the others)."""
    if link.scheme not in ("http", "https") or not may_be_wrapped(link.target):
        return None
    from mailcheck.parse.rewriters import unwrap

    unwrapped = unwrap(link.target)
    if unwrapped is None:
        return None
    return Rewritten(unwrapped, original_link(link, unwrapped), _evidence(link, unwrapped))
