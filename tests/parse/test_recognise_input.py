"""An Outlook .msg is told by its MAPI property stream names, spelt in UTF-16LE."""

from __future__ import annotations

from mailcheck.parse import recognise_input
from mailcheck.parse.recognise_input import OLE2_MAGIC, is_outlook_msg


def test_the_stream_name_is_its_utf16le_spelling() -> None:
    assert "__substg1.0_".encode("utf-16-le") == recognise_input._MSG_STREAM
    assert is_outlook_msg(OLE2_MAGIC + b"\0" * 8 + "__substg1.0_0037001F".encode("utf-16-le"))
    assert not is_outlook_msg(OLE2_MAGIC + b"\0" * 8 + b"__substg1.0_0037001F")  # an 8-bit spelling is no .msg
