"""Where the envelope sender (RFC 5321 MAIL FROM) of a message can be read, and from what.

One rule, used by every check that needs the envelope sender (SPF, sender-domain, envelope-sender):
1. the MTA's environment (Postfix's SENDER), when the filter has it: what the MTA itself saw;
2. Return-Path, only when it sits above every Received line: the final delivery wrote it
   (RFC 5321 §4.4); below a Received line anybody could have written it (DESIGN §3);
3. the mbox "From " line (written by the delivering agent);
4. X-Envelope-From (written by some delivering agents).
An empty address ("" from "<>", or MAILER-DAEMON in an mbox From line) is the null sender of a bounce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailcheck.context import MtaEvidence
from mailcheck.parse.lazy_pattern import lazy_compile

if TYPE_CHECKING:
    from mailcheck.parse.message import Message

FROM_MTA = "the MTA's environment (SENDER)"
FROM_RETURN_PATH = "Return-Path above every Received line"
FROM_MBOX = "the mbox From line"
FROM_X_ENVELOPE = "X-Envelope-From"
NOT_FOUND = ("no envelope sender recorded: no Return-Path above the Received lines, "
             "no mbox From line, no X-Envelope-From")

_ANGLE = lazy_compile(r"<([^<>]*)>")
_COMMENT = lazy_compile(r"\([^()]*\)")
_SPACED_AT = lazy_compile(r"\s*@\s*")
_SEPARATORS = lazy_compile(r"[\s,;]+")
_QUOTED = lazy_compile(r'"(?:[^"\\]|\\.)*"')


def path_address(value: str) -> str:
    """'<user@example.com>' → 'user@example.com'; '<>' → ''; drops an RFC 5321 source route.

    Headers written by hand or by broken software hold more than one path: comments, white space around
    the '@' ("marc@ example.org"), several addresses. The lookups need the one address a server saw, so
    comments go, the '@' closes up and the first address counts.
    """
    text = value
    if "(" in text:
        text = _COMMENT.sub(" ", text)
    match = _ANGLE.search(text)
    if match:
        text = match.group(1)
    text = text.strip()
    if text.startswith("@") and ":" in text:  # <@relay1,@relay2:user@example.com> (RFC 5321 §4.1.2)
        text = text.split(":", 1)[1]
    # a quoted local part ("a b"@example.com) keeps its spaces and commas: only the rest is tidied
    quoted = _QUOTED.match(text)
    local, rest = (quoted.group(), text[quoted.end():]) if quoted else ("", text)
    rest = _SPACED_AT.sub("@", rest)
    return local + (_SEPARATORS.split(rest.strip(" ,;") if not local else rest) or [""])[0]


def _mbox_sender(line: str) -> str | None:
    parts = line.split()
    if len(parts) < 2:
        return None
    token = parts[1]
    if token.upper() == "MAILER-DAEMON" or token == "<>":
        return ""  # how local delivery agents write the null sender
    return path_address(token)


_last: tuple[Message, MtaEvidence | None, tuple[str | None, str]] | None = None


def envelope_sender(message: Message, mta: MtaEvidence | None = None) -> tuple[str | None, str]:
    """(address, where it was read). address "" is the null sender; None means nothing records one.

    Read once per message: six checks ask for it, one after another."""
    global _last
    cached = _last
    if cached is not None and cached[0] is message and cached[1] is mta:
        return cached[2]
    found = _read(message, mta)
    _last = (message, mta, found)  # one tuple swap: a thread reading it sees a whole triple
    return found


def _read(message: Message, mta: MtaEvidence | None) -> tuple[str | None, str]:
    if mta is not None and mta.sender is not None:
        return path_address(mta.sender) if "<" in mta.sender else mta.sender.strip(), FROM_MTA
    return_paths = message.index_of("Return-Path")
    received = message.index_of("Received")
    if return_paths and (not received or return_paths[0] < received[0]):
        return path_address(message.headers[return_paths[0]].value), FROM_RETURN_PATH
    if message.mbox_from is not None:
        sender = _mbox_sender(message.mbox_from)
        if sender is not None:
            return sender, FROM_MBOX
    x_envelope = message.get("X-Envelope-From")
    if x_envelope is not None:
        return path_address(x_envelope), FROM_X_ENVELOPE
    return None, NOT_FOUND


def address_domain(address: str) -> str | None:
    """The domain of an address, lower-case without a trailing dot; None when it has none."""
    _local, at, domain = address.rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    if not at or not domain:
        return None
    return domain
