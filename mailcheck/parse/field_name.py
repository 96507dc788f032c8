"""The header-field name (RFC 5322 §3.6.8), defined once for every splitter of a header block."""

from __future__ import annotations

from mailcheck.parse.lazy_pattern import lazy_compile

# ftext: printable US-ASCII except the colon. White space may follow the name before the colon: the
# obsolete syntax of §4.5 that many readers accept, so a splitter that refused it could be slipped past.
FIELD_NAME = rb"[\x21-\x39\x3b-\x7e]+"
# The start of a field: its name (group 1), optional white space, the colon.
FIELD_START = lazy_compile(rb"(" + FIELD_NAME + rb")[ \t]*:")
