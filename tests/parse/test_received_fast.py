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


def test_a_long_near_miss_is_linear() -> None:
    near = "from " + "a" * 200_000 + " (" + "b" * 200_000 + " [192.0.2.1]) by " + "c(" * 50_000
    start = time.perf_counter()
    assert hop._common(near, near) is None
    assert time.perf_counter() - start < 1.0
