"""The one-match reading of the common Received shape gives exactly what the general parser gives."""

from __future__ import annotations

import time

import pytest

from mailcheck.parse.received import hop

# Synthetic lines in the shapes Postfix, sendmail, amavisd and Exim write, with the edge cases the one-match
# reading must leave to the general parser (names that are addresses, unknown rDNS, HELO and envelope notes).
LINES = [
    "from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net (Postfix) with ESMTP id 4F1A2B3C "
    "for <user@example.net>; Mon, 22 Jul 2002 16:18:03 +0100 (BST)",
    "from helo.example (rdns.example. [192.0.2.7]) by mx.example.net (8.11.6/8.11.6) with SMTP id g6MFI3; "
    "Mon, 22 Jul 2002 16:18:03 -0000",
    "from x.example ([192.0.2.1]) by mx.example.net (Exim 4.1) with ESMTP id 1abcde-000001-AB; "
    "Mon, 22 Jul 2002 16:18:03 +0000",
    "from x.example ([192.0.2.1]) by mx.example.net with ESMTP id 1abcde-000001-AB; 22 Jul 2002 16:18:03 +0000",
    "from x.example (unknown [192.0.2.1]) by mx.example.net (Postfix) with ESMTP id ABC; "
    "Mon, 22 Jul 2002 16:18:03 +0000",
    "from 192.0.2.9 (a.example [192.0.2.1]) by b.example (Postfix) with ESMTPS id ABC; "
    "Mon, 22 Jul 2002 16:18:03 +0000",
    "from a.example (999.1.2.3 [192.0.2.1]) by b.example (Postfix) with ESMTP id ABC; "
    "Mon, 22 Jul 2002 16:18:03 +0000",
    "from a.example (b.example [127.0.0.1]) by b.example (amavisd-new, port 10024) (unix socket) with ESMTP "
    "id ABC; Mon, 31 Feb 2002 16:18:03 +0000",
    "from a.example (b.example [192.0.2.1]) by b.example (fetchmail) with ESMTP id ABC; junk",
    "from a.example (b.example [192.0.2.1]) by b.example with ESMTP id ABC; "
    "Mon, 22 Jul 2002 16:18:03 +0000 (envelope-from <a@example.com>)",
    "from ee.example (sxs@dunblane [192.0.2.86]) by postbox.example (8.11.0/8.11.0) with ESMTP id g7MDcNi28645 "
    "for <list@example.com>; Thu, 22 Aug 2002 14:38:23 +0100 (BST)",
    "from jump.example (IDENT:+BhY7Eq@jump-austin.example [192.0.2.99]) by mx1.example (8.11.6/8.11.6) with SMTP "
    "id g7MFBTl04916; Thu, 22 Aug 2002 11:11:29 -0400",
    "from lugh (root@localhost [127.0.0.1]) by lugh.example (8.9.3/8.9.3) with ESMTP id QAA07188; "
    "Thu, 22 Aug 2002 16:25:32 +0100",
    "from red.example (red [192.168.25.1] (may be forged)) by web.example (8.11.6/8.11.6) with ESMTP id g7MDO4I1 "
    "for <a@example.org>; Thu, 22 Aug 2002 09:24:04 -0400",
    "from a.example (root@192.0.2.5 [192.0.2.1]) by b.example (8.9.3) with ESMTP id ABC; "
    "Mon, 22 Jul 2002 16:18:03 +0000",
    "from by (helo [192.0.2.1]) by with with ESMTP id for; Mon, 22 Jul 2002 16:18:03 +0000",
]


@pytest.mark.parametrize("line", LINES)
def test_the_one_match_reading_is_the_general_reading(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = hop._parse(line)
    monkeypatch.setattr(hop, "_common", lambda value, text: None)
    assert fast == hop._parse(line)


def test_most_of_the_lines_take_the_one_match_reading() -> None:
    assert hop._common(LINES[0], LINES[0]) is not None
    assert hop._common(LINES[-1], LINES[-1]) is None  # keywords as names: the general walk decides


def test_the_ident_shapes_take_the_one_match_reading() -> None:
    for line in LINES[10:14]:
        assert hop._common(line, line) is not None, line
    assert hop._common(LINES[10], LINES[10]).ident == "sxs"  # type: ignore[union-attr]
    assert hop._common(LINES[11], LINES[11]).ident == "+BhY7Eq"  # type: ignore[union-attr]


@pytest.mark.parametrize("near", [
    "from " + "a" * 200_000 + " (" + "b" * 200_000 + " [192.0.2.1]) by " + "c(" * 50_000,
    "from a (" + "u" * 200_000 + "@" + "b" * 200_000 + " [192.0.2.1] (may be forged) by c",
    "from a (IDENT:" + "u" * 400_000 + " [192.0.2.1]) by c with ESMTP id x; " + ";" * 1000,
])
def test_a_long_near_miss_is_linear(near: str) -> None:
    start = time.perf_counter()
    assert hop._common(near, near) is None
    assert time.perf_counter() - start < 1.0
