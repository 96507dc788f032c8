"""Run `mailcheck filter` once: stdin → analysis under a time budget → stdout. Fails open; no click here.

Exit status: 0 whenever the whole message was written out — with our headers, or with
`X-Mailcheck-Verdict: error` when anything went wrong (bad options, an internal error, the budget ran
out, input that is no message). Not 0 only when the message could not be passed on whole: stdin
could not be read to the end (75, EX_TEMPFAIL: what was read is still written) or stdout failed
(74, EX_IOERR, e.g. a broken pipe). procmail's `w` flag then keeps its own copy of the message, and
Postfix's pipe(8) defers and retries on 75.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from mailcheck.commands.budget import DNS_SHARE, BudgetExceeded, time_limit
from mailcheck.commands.filter.layout import Layout, layout
from mailcheck.commands.filter.rewrite import compose, unusable, written_by_us
from mailcheck.reporters.headers import check_authserv_id, error_fields, report_fields

if TYPE_CHECKING:
    from mailcheck.commands.settings import Settings
    from mailcheck.model import Report

EX_OK, EX_IOERR, EX_TEMPFAIL = 0, 74, 75
# The hard stop: if the process is still alive this long after the budget (a check stuck inside C
# code, where the alarm's Python handler cannot run), faulthandler's own thread ends it with status 1.
HARD_STOP_GRACE = 5.0

Analyse = Callable[[bytes], "Report"]


def read_all(fd: int) -> tuple[bytes, str | None]:
    """Everything on fd, and why reading stopped early (None when it reached the end)."""
    chunks: list[bytes] = []
    try:
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    except OSError as exc:
        return b"".join(chunks), f"input could not be read to the end ({exc.strerror or exc.__class__.__name__})"
    return b"".join(chunks), None


def write_all(fd: int, data: bytes) -> bool:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        return False
    return True


def error_output(parts: Layout, reason: str, authserv_ids: tuple[str, ...] = ()) -> bytes:
    """The message + `X-Mailcheck-Verdict: error`; if even that fails, the message untouched (never lose
    the mail)."""
    try:
        return compose(parts, error_fields(reason), authserv_ids)
    except Exception:
        return parts.raw


def analysed_output(parts: Layout, analyse: Analyse, budget: float | None,
                    authserv_ids: tuple[str, ...] = (), log: Callable[[str], None] = lambda _: None) -> bytes:
    """The pure core around one analysis: budget, fail-open and composition. `analyse` does the work
    (on parts.raw); the budget needs the main thread (signals), elsewhere it is not enforced."""
    why = unusable(parts)
    if why is not None:
        return error_output(parts, why, authserv_ids)
    try:
        with time_limit(budget):
            report = analyse(parts.raw)
        fields = report_fields(report, authserv_ids[0] if authserv_ids else None)
        return compose(parts, fields, authserv_ids, written_by_us(parts, report.boundary))
    except BudgetExceeded:
        log(f"the time budget of {budget:g} s ran out")
        return error_output(parts, f"the time budget of {budget:g} s ran out", authserv_ids)
    except BaseException as exc:  # a crash, MemoryError, a check calling sys.exit: the mail still goes on
        log(f"internal error: {exc.__class__.__name__}: {exc}")
        return error_output(parts, f"internal error ({exc.__class__.__name__})", authserv_ids)


def _logger(debug: bool) -> Callable[[str], None]:
    def log(text: str) -> None:
        from mailcheck.reporters.sanitize import safe_text

        # stderr ends up in procmail's LOGFILE / Postfix's log: one sanitised line each. A log that
        # cannot be written must not cost the mail.
        try:
            print(f"mailcheck filter: {safe_text(text, 300)}", file=sys.stderr, flush=True)
            if debug:
                import traceback

                traceback.print_exc(file=sys.stderr)
        except (OSError, ValueError):
            pass

    return log


def _collect_from_here() -> None:
    """Turn the garbage collector back on once the code is loaded, when cli.main turned it off for the
    start-up; what loaded so far is frozen (never collected, never walked again). A caller that left
    the collector on (a test, a library) is left alone."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run(settings: Settings | None, problem: str | None = None, env: Mapping[str, str] | None = None,
        stdin_fd: int = 0, stdout_fd: int = 1) -> int:
    """One filter run. settings is None when the options could not be parsed (problem says why):
    the message is then passed on with the verdict `error`."""
    budget = settings.budget if settings is not None else None
    faulthandler.dump_traceback_later((budget or 10.0) + HARD_STOP_GRACE, exit=True)
    try:
        return _run(settings, problem, os.environ if env is None else env, stdin_fd, stdout_fd)
    finally:
        faulthandler.cancel_dump_traceback_later()


def _run(settings: Settings | None, problem: str | None, env: Mapping[str, str],
         stdin_fd: int, stdout_fd: int) -> int:
    log = _logger(settings.debug if settings is not None else False)
    raw, read_problem = read_all(stdin_fd)
    ids = tuple(settings.authserv_ids) if settings is not None else ()
    status = EX_OK
    parts = layout(raw)  # the one split of the header block for this run: everything below uses it
    if read_problem is not None:
        log(read_problem)
        out, status = error_output(parts, read_problem, ids), EX_TEMPFAIL
    elif settings is None:
        log(problem or "unusable options")
        out = error_output(parts, f"usage error: {problem or 'unusable options'}")
    else:
        out = _analyse(parts, settings, env, log)
    if not write_all(stdout_fd, out):
        log("stdout was closed before the message was written; the caller keeps its copy")
        return EX_IOERR
    return status


def _analyse(parts: Layout, settings: Settings, env: Mapping[str, str], log: Callable[[str], None]) -> bytes:
    ids = tuple(settings.authserv_ids)
    why = unusable(parts)
    if why is not None:  # nothing to analyse: do not even build the DNS client
        log(why)
        return error_output(parts, why, ids)
    if ids:
        try:
            check_authserv_id(ids[0])
        except ValueError as exc:
            log(str(exc))
            return error_output(parts, "the --authserv-id is not an RFC 2045 token", ids)
    try:
        from mailcheck.commands.settings import build_context, mta_from_environment
        from mailcheck.lookup.contract import message_budget
        from mailcheck.pipeline import analyze

        ctx = build_context(settings._replace(budget=settings.budget * DNS_SHARE),
                            mta_from_environment(dict(env)))
        _collect_from_here()
    except Exception as exc:
        log(f"cannot start the analysis: {exc.__class__.__name__}: {exc}")
        return error_output(parts, f"cannot start the analysis ({exc.__class__.__name__})", ids)

    def analyse(data: bytes) -> Report:
        with message_budget(ctx.dns, settings.budget * DNS_SHARE):
            return analyze(data, ctx, source="<stdin>")

    try:
        return analysed_output(parts, analyse, settings.budget, ids, log)
    finally:
        try:
            ctx.dns.close()
        except Exception as exc:  # a --dns-record file we cannot write must not cost the mail
            log(f"DNS record not written: {exc.__class__.__name__}: {exc}")
