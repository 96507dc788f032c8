"""The tolerant A-R tokenizer and the RFC 8601 / tolerant method reader: forms, quirks, hostile input."""

from __future__ import annotations

import time

from mailcheck.auth.provider_verdicts.resinfo import parse_rfc8601, parse_tolerant
from mailcheck.auth.provider_verdicts.tokens import MAX_INPUT, decode_encoded_words, tokenize


def test_sections_items_and_comments() -> None:
    tokens = tokenize("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.org;dkim=none")
    assert len(tokens.sections) == 2
    first = tokens.sections[0].items
    assert (first[0].key, first[0].value, first[0].comments) == ("spf", "pass", ("sender IP is 192.0.2.1",))
    assert (first[1].key, first[1].value) == ("smtp.mailfrom", "example.org")


def test_nested_comment_quoted_semicolon_and_cfws_around_equals() -> None:
    parsed = parse_tolerant('example.net; dkim=fail (body hash mismatch (got x, expected y)) header.d=a.example;'
                            ' auth=pass smtp.auth="user;name" ; spf = pass smtp.mailfrom = b.example')
    assert parsed.authserv_id == "example.net"
    dkim, auth, spf = parsed.methods
    assert dkim.comments == ("body hash mismatch (got x, expected y)",)
    assert auth.get("smtp.auth") == "user;name"
    assert (spf.result, spf.get("smtp.mailfrom")) == ("pass", "b.example")


def test_comment_without_space_and_missing_semicolon() -> None:
    # Yahoo writes `dmarc=pass(p=REJECT)` (providers.md §3, IDX-Y4); some writers omit `;` between methods.
    parsed = parse_tolerant("atlas1.free.mail.bf1.yahoo.com; dmarc=pass(p=REJECT) header.from=x.example "
                            "spf=pass smtp.mailfrom=x.example")
    assert [(m.method, m.result) for m in parsed.methods] == [("dmarc", "pass"), ("spf", "pass")]
    assert parsed.methods[0].comments == ("p=REJECT",)


def test_arc_form_instance_and_version() -> None:
    parsed = parse_tolerant("i=1; mx.microsoft.com 1; spf=pass (sender ip is 192.0.2.7) smtp.mailfrom=a.example")
    assert (parsed.instance, parsed.authserv_id) == ("1", "mx.microsoft.com")
    assert parsed.methods[0].method == "spf"


def test_unbalanced_comment_and_quote_do_not_raise() -> None:
    assert tokenize("spf=pass (never closed").unbalanced
    assert tokenize('auth=pass smtp.auth="never closed').unbalanced
    assert parse_tolerant(")))(((;;;===").methods == ()


def test_encoded_words_decoded_and_other_text_left_alone() -> None:
    assert decode_encoded_words("=?utf-8?B?c3BmPXBhc3M=?= =?utf-8?Q?_smtp.mailfrom=3Da.example?=") == \
        "spf=pass smtp.mailfrom=a.example"
    assert decode_encoded_words("spf=pass =?utf-8?B?eA==?=") == "spf=pass =?utf-8?B?eA==?="
    assert decode_encoded_words("=?bogus?X?abc?=") == "=?bogus?X?abc?="
    assert decode_encoded_words("=?no-such-charset?B?eA==?=") == "x"


def test_hostile_input_is_capped_and_linear() -> None:
    for hostile in ("(" * 2_000_000, "=?" * 1_000_000, "a=" * 1_000_000, '"' + "\\" * 1_000_000,
                    "spf=pass (" + "sender IP is " * 100_000):
        start = time.perf_counter()
        tokens = tokenize(hostile)
        parse_tolerant(hostile)
        assert time.perf_counter() - start < 2.0
        assert tokens.truncated == (len(hostile) > MAX_INPUT)


def test_rfc8601_uses_authres_and_keeps_comments() -> None:
    # mx.google.com A-R, format from providers.md §2.3 (MA-ARC); addresses synthetic.
    parsed = parse_rfc8601("mx.google.com; dkim=pass header.i=@example.org header.s=s1 header.b=abcdefgh; "
                           "dmarc=fail (p=REJECT sp=NONE dis=REJECT) header.from=example.org")
    assert parsed.strict and parsed.authserv_id == "mx.google.com"
    assert parsed.methods[1].comments == ("p=REJECT sp=NONE dis=REJECT",)


def test_rfc8601_falls_back_when_authres_refuses() -> None:
    # authres refuses `arc.chain=:x` (seen in a Proton A-R in phishing-pot-dev, sample-1213, CC BY-NC 4.0).
    parsed = parse_rfc8601("mailin037.protonmail.ch; arc=pass smtp.remote-ip=51.255.220.188 "
                           "arc.chain=:improvmx-mails.com")
    assert not parsed.strict
    assert parsed.methods[0].get("smtp.remote-ip") == "51.255.220.188"
