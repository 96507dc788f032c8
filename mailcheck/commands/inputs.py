"""Input bytes → the message to analyse, or why they are no mail: shared by `mailcheck FILE` and `scan`.

The judgement is parse/recognise_input's, over the filter's own split of the header block, so the three
commands agree on what is mail: `mailcheck FILE` exits 2 with the reason, `scan` lists it and goes on,
`filter` passes the input on with the verdict `error`.
"""

from __future__ import annotations

from mailcheck.commands.filter.layout import layout
from mailcheck.parse.field_name import FIELD_START
from mailcheck.parse.header_block import split_block
from mailcheck.parse.recognise_input import OLE2_MAGIC, MailInput, NotMail, from_outlook, is_outlook_msg, unusable


def read_mail(data: bytes) -> MailInput:
    """The message in these bytes (an Outlook .msg rebuilt as RFC 5322); NotMail says why there is none."""
    if is_outlook_msg(data):
        return from_outlook(data)
    if data.startswith(OLE2_MAGIC):
        raise NotMail("the input is not a mail message (an OLE2 compound file, such as an Office document, "
                      "that holds no Outlook message)")
    if _plainly_mail(data):
        return MailInput(data)
    why = unusable(layout(data))
    if why is not None:
        raise NotMail(why)
    return MailInput(data)


def _plainly_mail(data: bytes) -> bool:
    """True only where unusable(layout(data)) is None, judged without splitting the block into fields (a scan
    asks for every message, and the analysis splits it again): the block holds no NUL, and its first line
    is a field, so it is no continuation line and not every line is no field. Anything else (False) is left
    to that judgement, which also words the reason."""
    block = split_block(data)
    if block.from_end == block.end or data.find(b"\x00", block.from_end, block.end) != -1:
        return False
    return FIELD_START.match(data, block.from_end, block.end) is not None
