"""What each chunk reports besides its outcomes, summed over a run: one implementation for both engines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mailcheck.lookup.honesty import worst_report

if TYPE_CHECKING:
    from mailcheck.commands.scan.tally import Outcome
    from mailcheck.commands.scan.worker import ChunkResult
    from mailcheck.lookup.record import Recorder


class ChunkTotals:
    """Mixed into the pool and Dask scanners, which set these in their __init__."""

    dns_counts: dict[str, int]  # DNS questions by kind, summed over the workers
    resolver: dict[str, Any] | None  # the worst resolver check a worker reported
    _recorder: Recorder | None  # --dns-record: the answers the workers used

    def _take(self, result: ChunkResult) -> list[Outcome]:
        if self._recorder is not None:
            for answer in result.dns_used:
                self._recorder.add(answer)
        for key, value in result.dns_counts.items():
            self.dns_counts[key] = self.dns_counts.get(key, 0) + value
        self.resolver = worst_report(self.resolver, result.resolver)
        return result.outcomes
