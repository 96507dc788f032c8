"""Messages made of given Received lines, and their chain, for the Received/trust tests."""

from __future__ import annotations

from mailcheck.context import Context, Facts
from mailcheck.model import Boundary, HopView
from mailcheck.parse.message import Message, parse
from mailcheck.trust import build_chain

# The essay's sample spam (seed/challenge-response-systems.txt, "Consider the following sample
# email"): its addresses were lost when the page was published, so they are filled in here with
# example.com names and documentation addresses (RFC 5737). Everything else is as printed.
ESSAY_HOPS = (
    "(qmail 25083 invoked from network); 17 Nov 2006 08:59:12 -0000",
    "from unknown (HELO cudo) (user@198.51.100.23) by mail.example.com with SMTP; 17 Nov 2006 08:59:12 -0000",
    "from [203.0.113.77] (HELO example.com) by mx.example.com with esmtp (U8M0B9>/*0 >=.KM) "
    "id 2K7..7-A,X0IM-QF for <victim@example.com>; Fri, 17 Nov 2006 08:59:19 -0060",
)
# The same lines exactly as the essay printed them, addresses missing.
ESSAY_AS_PRINTED = (
    "(qmail 25083 invoked from network); 17 Nov 2006 08:59:12 -0000",
    "from unknown (HELO cudo) (@ by with SMTP; 17 Nov 2006 08:59:12 -0000",
    "from (HELO by with esmtp (U8M0B9>/*0 >=.KM) id 2K7..7-A,X0IM-QF for; Fri, 17 Nov 2006 08:59:19 -0060",
)


def message_with(*received: str, extra: str = "") -> Message:
    """A message whose Received lines are these values, topmost first (long values are folded)."""
    lines = "".join(f"Received: {value}\n" for value in received)
    return parse((lines + extra + "From: a@example.com\nSubject: t\n\nbody\n").encode())


def chain(*received: str, **ctx_args: object) -> tuple[tuple[HopView, ...], Boundary]:
    return build_chain(message_with(*received), Context(**ctx_args))  # type: ignore[arg-type]


def facts_for(*received: str, **ctx_args: object) -> tuple[Facts, Context]:
    ctx = Context(**ctx_args)  # type: ignore[arg-type]
    message = message_with(*received)
    hops, boundary = build_chain(message, ctx)
    return Facts(message, hops, boundary), ctx
