"""One message's wall-clock limit, the same for `mailcheck FILE`, `filter` and `scan`: SIGALRM ends the analysis.

No click here (the filter imports it on every start). The limit is a signal, so it is enforced only in
the main thread of a system with setitimer; elsewhere (a test runner's thread, Windows) the analysis
runs unlimited, as it always could.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Of a message's budget, the share DNS may spend: the DNS layer gives up first (its fields say
# unverifiable) and the rest of the analysis still has time to finish before the clock stops it.
DNS_SHARE = 0.8


class BudgetExceeded(BaseException):
    """Raised by the alarm. A BaseException so that no `except Exception` inside a check absorbs it."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


@contextmanager
def time_limit(seconds: float | None) -> Iterator[bool]:
    """Raise BudgetExceeded in the block once `seconds` of wall clock have passed (None: no limit).
    Yields whether the limit is enforced; the previous SIGALRM handler is back afterwards."""
    if seconds is None or not hasattr(signal, "setitimer"):
        yield False
        return
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except ValueError:  # not the main thread, the only one signals reach: the block runs unlimited
        yield False
        return
    try:
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-6))  # 0 would mean "no timer"
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: the old handler was not set from Python; the default is what it was.
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)

