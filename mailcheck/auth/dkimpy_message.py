"""dkimpy objects over a message, without dkimpy's own header split (quadratic on folded fields).

dkimpy's rfc822_parse appends each continuation line to its field with bytes `+=`, so a field folded
over 400,000 lines costs minutes, before any signature is looked at. `split_for_dkimpy` gives the same
(headers, body) in one pass — each field's lines joined once — and `with_message` hands it to a dkimpy
object built empty. Same input, same output, same MessageFormatError (tests compare them).
"""

from __future__ import annotations

from typing import TypeVar

import dkim

from mailcheck.parse.lazy_pattern import lazy_compile

_LINE_BREAK = lazy_compile(rb"\r?\n")
_NAME = lazy_compile(rb"([\x21-\x7e]+?):")

Signer = TypeVar("Signer", bound=dkim.DomainSigner)


def split_for_dkimpy(message: bytes) -> tuple[list[list[bytes]], bytes]:
    """What dkim.rfc822_parse returns for `message`: [[name, value + CRLF…], …] and the CRLF body."""
    lines = _LINE_BREAK.split(message)
    headers: list[list[bytes]] = []
    pieces: list[list[bytes]] = []  # per field: its value's lines, joined once at the end
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            break  # the blank line: the body follows
        if line[0] in (0x09, 0x20):
            if not pieces:
                raise IndexError("list index out of range")  # what dkimpy raises on a leading continuation
            pieces[-1].append(line + b"\r\n")
            continue
        found = _NAME.match(line)
        if found is not None:
            headers.append([found.group(1), b""])
            pieces.append([line[found.end():] + b"\r\n"])
        elif not line.startswith(b"From "):
            raise dkim.MessageFormatError(f"Unexpected characters in RFC822 header: {line!r}")
    else:
        i = len(lines)
    for header, parts in zip(headers, pieces, strict=True):
        header[1] = b"".join(parts)
    return headers, b"\r\n".join(lines[i:])


def with_message(signer: Signer, message: bytes) -> Signer:
    """A dkimpy DKIM/ARC object built with no message, given `message` split by split_for_dkimpy."""
    signer.headers, signer.body = split_for_dkimpy(message)
    return signer
