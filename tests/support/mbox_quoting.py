"""Signed messages as mbox writers store them: mboxo and mboxrd ">From " quoting, LF line ends, a From_ line."""

from __future__ import annotations

import re

FROM_LINE = b"From alice@example.com Mon Jan  6 10:00:01 2025\n"

# A body with the lines an mbox writer quotes: "From " at the start of a line, and (for mboxrd) ">From".
FROM_BODY = ("Hello,\r\n\r\nFrom the minutes of the last meeting:\r\n> quoted reply\r\nFrom here on, all is well.\r\n"
             "Regards\r\n")
# Like FROM_BODY, but the signed body already has a ">From " line of its own (a patch or a quoted mbox).
QUOTED_BODY = FROM_BODY + ">From an earlier archive, quoted as written\r\n"


def mboxo(raw: bytes) -> bytes:
    """mboxo quoting: only lines that start "From " get a ">"; ">From " lines stay as they are."""
    return re.sub(rb"(?m)^From ", b">From ", raw)


def mboxrd(raw: bytes) -> bytes:
    """mboxrd quoting (RFC 4155 appendix): every line that starts ">*From " gets one more ">"."""
    return re.sub(rb"(?m)^(>*From )", rb">\1", raw)


def stored(raw: bytes, quote: bool = True, rd: bool = False) -> bytes:
    """raw as an mbox file holds it: separator line first, LF line ends, the body quoted (header fields never
    start "From ", so quoting the whole message touches only the body)."""
    lf = raw.replace(b"\r\n", b"\n")
    return FROM_LINE + ((mboxrd(lf) if rd else mboxo(lf)) if quote else lf)
