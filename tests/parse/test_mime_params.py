"""The cheap readings of a part's charset and file name give the stdlib's answers, on any field value."""

from __future__ import annotations

from email.message import Message

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.parse.mime_params import content_charset, names_no_file, plain_charset

_ATOMS = ["text/plain", "text/html", ";", " ", "\t", "charset", "CharSet", "=", '"', "utf-8", "ISO-8859-1", "<",
          ">", "name", "filename", "*", "'", "\\", "x", "\r\n ", "é", ";charset=", "charset*=", "us-ascii''a"]
_VALUES = st.lists(st.sampled_from(_ATOMS), max_size=9).map("".join)


def _part(content_type: str, disposition: str | None) -> Message:
    part = Message()
    part["Content-Type"] = content_type
    if disposition is not None:
        part["Content-Disposition"] = disposition
    return part


def _answer(read: object) -> object:
    try:
        return read() if callable(read) else read
    except Exception as exc:  # the stdlib raises on some RFC 2231 values: then both must raise alike
        return type(exc)


@settings(max_examples=500)
@given(_VALUES, st.none() | _VALUES)
def test_the_charset_and_file_name_are_the_stdlibs(content_type: str, disposition: str | None) -> None:
    part = _part(content_type, disposition)
    assert _answer(lambda: content_charset(part)) == _answer(part.get_content_charset)
    if names_no_file(part):
        assert _answer(part.get_filename) is None


def test_plain_values_are_read_here_and_others_left_to_the_stdlib() -> None:
    assert plain_charset('text/plain; charset="US-ASCII"') == (True, "us-ascii")
    assert plain_charset("text/plain; format=flowed") == (True, None)
    assert plain_charset("text/plain; charset") == (True, "")  # a bare attribute: the stdlib's ""
    assert plain_charset("text/plain; charset*=utf-8''x")[0] is False  # RFC 2231
    assert plain_charset('text/plain; a="x;y"; charset=utf-8')[0] is False  # a ";" inside quotes
    assert content_charset(_part("text/plain; charset=<UTF-8>", None)) == "utf-8"  # unquoted as the stdlib does
    assert not names_no_file(_part("text/plain; name=a.txt", None))
