"""Whether a link may be a gateway's rewriting: a quick test of its text, before any rewriter is loaded.

Kept apart from mailcheck.parse.rewriters so that a message without such a link (most of them, and the one
message of a filter run) never loads the decoders."""

from __future__ import annotations

# A piece of every host some family matches, lower-case: microsoft, proofpoint (both hosts hold
# "urldefense"), mimecast, symantec click-time, barracuda, trendmicro, google, cisco, avanan, noclick_.
# A link whose lower-cased text holds none of them is no rewriter's (tests/parse/test_html_readers.py checks
# each family against this list), so the dearer parsing is only done for the few that do.
_HOST_MARKS = ("safelinks.protection.outlook.com", "urldefense", "mimecast", "clicktime.symantec.com",
               "linkprotect.cudasvc.com", "trendmicro.com", "www.google.com", "secure-web.cisco.com",
               "url.avanan.click", "noclick_")
_TAB_NEWLINE = str.maketrans("", "", "\t\r\n")  # parse_wrapper drops them before reading the host


def may_be_wrapped(url: str) -> bool:
    """False when no family can match url: its text names none of their hosts; quick, no false negative."""
    low = url.lower()
    if "\t" in low or "\r" in low or "\n" in low:
        low = low.translate(_TAB_NEWLINE)
    return any(mark in low for mark in _HOST_MARKS)
