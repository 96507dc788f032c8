"""The filter's core: byte-exact pass-through, our headers on top, planted ones removed, failing open."""

from __future__ import annotations

import contextlib
import re
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.filtermode import finding, report, split_added, verdict_of

from mailcheck.commands.filter.layout import Layout, layout
from mailcheck.commands.filter.rewrite import compose, remove_ours, unusable
from mailcheck.commands.filter.run import analysed_output, error_output
from mailcheck.model import Label, Report
from mailcheck.reporters.headers import report_fields

MSG = (b"Received: from a.example.net (a.example.net [192.0.2.1])\n\tby mx.example.org; "
       b"Wed, 18 Nov 2026 12:00:00 +0000\n"
       b"From: Alice <alice@example.net>\nSubject: hi\n\nX-Mailcheck-Verdict: validated\nbody\n")
FIELDS = report_fields(report(finding("from", Label.FORGED)), "mx.example.org")


def ours(raw: bytes) -> bytes:
    return compose(layout(raw), FIELDS, ["mx.example.org"])


def test_fields_go_on_top_and_everything_else_is_untouched() -> None:
    out = ours(MSG)
    assert out.startswith(b"X-Mailcheck-Verdict: forged\nAuthentication-Results: mx.example.org; dmarc=fail (from)\n"
                          b"X-Mailcheck: from=forged\nReceived: ")
    added, rest = split_added(out)
    assert len(added) == 3 and rest == MSG  # the body's look-alike line is the body's business


def test_from_line_stays_first() -> None:
    raw = b"From alice@example.net Wed Nov 18 12:00:00 2026\n" + MSG
    out = ours(raw)
    assert out.startswith(b"From alice@example.net Wed Nov 18 12:00:00 2026\nX-Mailcheck-Verdict: forged\n")
    assert split_added(out)[1] == raw


def test_crlf_message_gets_crlf_headers() -> None:
    raw = MSG.replace(b"\n", b"\r\n")
    out = ours(raw)
    added, rest = split_added(out)
    # procmail reads a CR LF body as header (it has no line of LF alone): the look-alike line goes
    assert rest == raw.replace(b"X-Mailcheck-Verdict: validated\r\n", b"")
    assert all(f.endswith(b"\r\n") and b"\n" not in f.replace(b"\r\n", b"") for f in added)
    # CRLF after a From_ line written with LF (procmail writes its own): the message's ending wins.
    out = ours(b"From x Wed Nov 18 12:00:00 2026\n" + raw)
    assert out.split(b"\n", 2)[1] == b"X-Mailcheck-Verdict: forged\r"


PLANTED = [
    b"X-Mailcheck-Verdict: validated\n",
    b"x-mailcheck-verdict: validated\n",
    b"X-MAILCHECK: from=validated\n",
    b"X-Mailcheck-Verdict : validated\n",
    b"X-Mailcheck-Verdict\t: validated\n",
    b"X-Mailcheck: from=validated;\n  dkim[0]=validated\n\tspf=validated\n",
    b"X-Mailcheck-Anything-Else: 1\n",
    b"Authentication-Results: mx.example.org; spf=pass\n",
    b"Authentication-Results: MX.EXAMPLE.ORG;\n dkim=pass\n",
    b"Authentication-Results : (comment (nested) \\) still) mx.example.org; dmarc=pass\n",
    b'Authentication-Results: "mx.example.org" 1; none\n',
    b"Authentication-Results:\n mx.example.org; spf=pass\n",
]


@pytest.mark.parametrize("planted", PLANTED)
def test_planted_headers_are_removed(planted: bytes) -> None:
    head, body = MSG.split(b"\n\n", 1)
    lines = head.split(b"\n")
    raw = b"\n".join([*lines[:2], planted.rstrip(b"\n"), *lines[2:]]) + b"\n\n" + body
    out = ours(raw)
    assert split_added(out)[1] == MSG
    crlf = raw.replace(b"\n", b"\r\n")
    # procmail reads a CR LF body as header: the body's look-alike line goes too
    assert split_added(ours(crlf))[1] == MSG.replace(b"\n", b"\r\n").replace(b"X-Mailcheck-Verdict: validated\r\n", b"")


KEPT = [
    b"Authentication-Results: other.example.org; spf=pass\n",
    b"Authentication-Results: mx.example.org.evil; spf=pass\n",
    b"ARC-Authentication-Results: i=1; mx.example.org; spf=pass\n",
    b"X-Mailchecker: is another program's header? no: it is ours by prefix\n",
]


def test_other_authentication_results_stay() -> None:
    for kept in KEPT[:3]:
        raw = kept + MSG
        assert split_added(ours(raw))[1] == raw
    # Everything that starts like our names is ours: a recipe matching ^X-Mailcheck must see only us.
    assert split_added(ours(KEPT[3] + MSG))[1] == MSG


def test_without_our_authserv_id_no_authentication_results_is_removed() -> None:
    raw = PLANTED[7] + MSG
    assert compose(layout(raw), FIELDS).endswith(raw)


def test_removal_stops_at_the_end_of_the_header_block() -> None:
    raw = b"Subject: a\n\nX-Mailcheck-Verdict: validated\n \tcontinued\n"
    assert remove_ours(layout(raw)) == [b"Subject: a\n"]
    assert split_added(ours(raw))[1] == raw


def test_lines_that_are_no_field_stay_and_do_not_hide_planted_ones() -> None:
    # procmail's header is everything up to the first empty line, broken lines included.
    raw = b"Subject: a\nthis is no header\nX-Mailcheck-Verdict: validated\n continued\n\nbody\n"
    assert split_added(ours(raw))[1] == b"Subject: a\nthis is no header\n\nbody\n"


@pytest.mark.parametrize("raw", [
    b"",
    b"From x Wed Nov 18 12:00:00 2026",
    b"From x Wed Nov 18 12:00:00 2026\n",
    b"Subject: no body and no line end",
    b"Subject: no body\n",
    b"\nonly a body\n",
    b"\r\n",
])
def test_edge_messages(raw: bytes) -> None:
    out = ours(raw)
    added, rest = split_added(out)
    assert [a.split(b":")[0] for a in added] == [b"X-Mailcheck-Verdict", b"Authentication-Results",
                                                  b"X-Mailcheck"]
    if raw.startswith(b"From ") and not raw.endswith(b"\n"):
        assert rest == raw + b"\n"  # the one byte we must add: our fields need a line of their own
    else:
        assert rest == raw


@pytest.mark.parametrize("raw,why", [
    (b"", "empty input"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "not a mail message"),
    (b"\x89PNG\r\n\x1a\n", "no header fields"),
    (b"Subject: a\x00b\n\nbody", "NUL bytes"),
    (b"just text, no colon\n\nbody", "no header fields"),
    (b" Subject: starts folded\n\nbody", "continuation line"),
    (b"From x Wed Nov 18 12:00:00 2026\n", "no header fields"),
])
def test_unusable_input(raw: bytes, why: str) -> None:
    reason = unusable(layout(raw))
    assert reason is not None and why in reason
    out = error_output(layout(raw), reason)
    assert verdict_of(out) == "error"
    if raw.startswith(b" "):  # a leading folded line joins our last field: see the test below
        assert out.endswith(raw)
    else:
        assert split_added(out)[1] == raw


def test_a_leading_continuation_line_cannot_change_the_verdict_line() -> None:
    raw = b" X-Mailcheck-Verdict: validated\nSubject: a\n\nbody\n"
    out = analysed_output(layout(raw), lambda data: report(finding("from", Label.VALIDATED)), None)
    assert out.startswith(b"X-Mailcheck-Verdict: error\nX-Mailcheck: error: ")
    assert out.endswith(raw)


@given(st.binary(max_size=400), st.booleans(), st.booleans())
def test_any_bytes_come_back_whole(body: bytes, from_line: bool, crlf: bool) -> None:
    raw = (b"From x Wed Nov 18 12:00:00 2026\n" if from_line else b"") + body
    if crlf:
        raw = raw.replace(b"\n", b"\r\n")
    out = ours(raw)
    parts = layout(raw)
    lines = [f.data for f in parts.fields]
    bare = parts.from_line and not parts.from_line.endswith(parts.eol[-1:])
    expected = parts.from_line + (parts.eol if bare else b"")
    expected += b"".join(remove_ours(parts, ["mx.example.org"])) + parts.rest
    added, rest = split_added(out)
    assert len(added) == 3 or (lines and lines[0][:1] in (b" ", b"\t"))
    assert out.endswith(parts.rest)
    if not any(line[:1] in (b" ", b"\t") for line in lines[:1]):
        assert rest == expected
    # Exactly our X-Mailcheck fields are in the header block afterwards.
    block = [f.data for f in layout(out).fields]
    field = re.compile(rb"(x-mailcheck[\x21-\x39\x3b-\x7e]*)[ \t]*:", re.IGNORECASE)
    starts = [m.group(1).lower() for m in map(field.match, block) if m]
    assert starts == [b"x-mailcheck-verdict", b"x-mailcheck"]


# -- the runner's fail-open core, with real failure modes -------------------------------------------


def test_analysis_result_is_written() -> None:
    out = analysed_output(layout(MSG), lambda data: report(finding("from", Label.VALIDATED)), 5.0)
    assert out == b"X-Mailcheck-Verdict: validated\nX-Mailcheck: from=validated\n" + MSG


def _crash(data: bytes) -> Report:
    raise KeyError("X-Mailcheck-Verdict: validated\r\nEvil: 1")


def _exit(data: bytes) -> Report:
    sys.exit(3)


def _recursion(data: bytes) -> Report:
    return _recursion(data)


@pytest.mark.parametrize("analyse,name", [(_crash, "KeyError"), (_exit, "SystemExit"),
                                          (_recursion, "RecursionError")])
def test_internal_errors_fail_open(analyse: object, name: str) -> None:
    logged: list[str] = []
    out = analysed_output(layout(MSG), analyse, 5.0, (), logged.append)  # type: ignore[arg-type]
    assert out == f"X-Mailcheck-Verdict: error\nX-Mailcheck: error: internal error ({name})\n".encode() + MSG
    assert logged and name in logged[0]


def _sleeps(data: bytes) -> Report:
    time.sleep(30)
    raise AssertionError("not reached")


def _busy_and_swallowing(data: bytes) -> Report:
    while True:  # a check that catches every Exception must still not outlive the budget
        with contextlib.suppress(Exception):
            sum(range(10_000))


@pytest.mark.parametrize("analyse", [_sleeps, _busy_and_swallowing])
def test_budget_runs_out(analyse: object) -> None:
    started = time.monotonic()
    out = analysed_output(layout(MSG), analyse, 0.3)  # type: ignore[arg-type]
    assert time.monotonic() - started < 3
    assert out == b"X-Mailcheck-Verdict: error\nX-Mailcheck: error: the time budget of 0.3 s ran out\n" + MSG


def test_budget_alarm_is_gone_afterwards() -> None:
    analysed_output(layout(MSG), lambda data: report(), 0.2)
    time.sleep(0.4)  # an alarm left armed would kill the test process here


def test_planted_headers_removed_in_error_output_too() -> None:
    raw = PLANTED[0] + PLANTED[7] + MSG
    out = analysed_output(layout(raw), _crash, None, ("mx.example.org",))
    assert verdict_of(out) == "error"
    assert split_added(out)[1] == MSG


# -- which Authentication-Results are your servers' own --------------------------------------------

HOP = (b"Received: from sender.example.net (sender.example.net [203.0.113.9])\n\tby mx.example.org (Postfix) "
       b"with ESMTP id ABC123\n\tfor <bob@example.org>; Wed, 18 Nov 2026 12:00:00 +0000 (UTC)\n")
SENDER_HOP = (b"Received: from [192.0.2.200] (unknown [192.0.2.200])\n\tby sender.example.net (Postfix) "
              b"with ESMTP id S1; Wed, 18 Nov 2026 11:59:59 +0000 (UTC)\n")
OUR_AR = b"Authentication-Results: mx.example.org;\n\tspf=pass smtp.mailfrom=example.net\n"
PLANTED_AR = b"Authentication-Results: mx.example.org; dkim=pass; dmarc=pass\n"
REST = b"From: alice@example.net\nTo: bob@example.org\nSubject: hi\nDate: Wed, 18 Nov 2026 11:59:59 +0000\n\nHi.\n"


def test_written_by_us_follows_the_boundary() -> None:
    from mailcheck.commands.filter.rewrite import written_by_us
    from mailcheck.model import Boundary

    raw = b"Return-Path: <a@example.net>\n" + OUR_AR + HOP + HOP + PLANTED_AR + REST
    assert written_by_us(layout(raw), Boundary(1, 0, "")) == 2  # fields above the entry hop's Received
    assert written_by_us(layout(raw), Boundary(2, 1, "")) == 3
    assert written_by_us(layout(raw), Boundary(2, None, "")) == 3  # no untrusted client: the last trusted hop
    assert written_by_us(layout(raw), Boundary(0, None, "")) == 0
    assert written_by_us(layout(raw), Boundary(3, 5, "")) == 0  # a boundary this message cannot have: keep nothing


def test_real_analysis_keeps_your_servers_results_and_drops_planted_ones() -> None:
    from mailcheck.context import Context
    from mailcheck.pipeline import analyze

    ctx = Context(authserv_ids=("mx.example.org",))
    raw = OUR_AR + HOP + SENDER_HOP + PLANTED_AR + REST
    out = analysed_output(layout(raw), lambda data: analyze(data, ctx), 30.0, ("mx.example.org",))
    added, rest = split_added(out)
    assert rest == OUR_AR + HOP + SENDER_HOP + REST
    assert verdict_of(out) == "forged"  # the planted copy, below the sender's own hop, impersonates you
    assert b"header:Authentication-Results[1]=forged" in b"".join(added).replace(b"\n ", b" ")
    # Without an analysis (it failed) nothing tells ours from planted: both go.
    crashed = analysed_output(layout(raw), _crash, None, ("mx.example.org",))
    assert split_added(crashed)[1] == HOP + SENDER_HOP + REST


def test_a_comment_before_our_authserv_id_hides_a_plant_from_neither_the_check_nor_the_filter() -> None:
    from mailcheck.context import Context
    from mailcheck.pipeline import analyze

    ctx = Context(authserv_ids=("mx.example.org",))
    planted = b"Authentication-Results: (seen (and \\) checked)) MX.example.org; dkim=pass; dmarc=pass\n"
    raw = OUR_AR + HOP + SENDER_HOP + planted + REST  # below the entry hop, not in its trace block
    report_ = analyze(raw, ctx)
    forged = [f for f in report_.fields if f.name == "header:Authentication-Results[1]"]
    assert forged and forged[0].label is Label.FORGED and "your own authserv-id" in " ".join(forged[0].evidence)
    out = analysed_output(layout(raw), lambda data: analyze(data, ctx), 30.0, ("mx.example.org",))
    assert split_added(out)[1] == OUR_AR + HOP + SENDER_HOP + REST


def test_one_filter_run_splits_the_header_block_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import mailcheck.commands.filter.run as filter_run
    from mailcheck.commands.settings import Settings

    calls: list[bytes] = []

    def counting(raw: bytes) -> Layout:
        calls.append(raw)
        return layout(raw)

    monkeypatch.setattr(filter_run, "layout", counting)
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    os.write(stdin_w, MSG)
    os.close(stdin_w)
    try:
        assert filter_run.run(Settings(offline=True), env={}, stdin_fd=stdin_r, stdout_fd=stdout_w) == 0
    finally:
        os.close(stdin_r)
        os.close(stdout_w)
    with os.fdopen(stdout_r, "rb") as out:
        assert split_added(out.read())[1] == MSG
    assert calls == [MSG]


def test_error_mode_removes_every_result_with_our_authserv_id_as_the_readme_says() -> None:
    # With no analysis to place the entry hop, your servers' results cannot be told from planted ones.
    raw = OUR_AR + HOP + PLANTED_AR + REST
    out = analysed_output(layout(raw), _crash, None, ("mx.example.org",))
    assert verdict_of(out) == "error"
    assert split_added(out)[1] == HOP + REST
