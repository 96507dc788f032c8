"""How long the terminal report is, in lines, at given widths, over a corpus (offline, fixed clock).

Usage: python3 benchmarks/report_length.py [--width W ...] [--verbose] [--limit N] [PATH ...]
(default: ../shared/corpora/phishing-pot-dev beside the repo, widths 80 and 160)

Each message is analysed once, offline, with the clock fixed so runs compare; its report is rendered
into rich's recording console at every width (no terminal involved) and the lines counted. Prints
mean, median and max per width, and the message with the longest report.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console

from mailcheck.commands.scan.sources import items
from mailcheck.commands.settings import Settings, build_context
from mailcheck.model import Report
from mailcheck.pipeline import analyze
from mailcheck.reporters.terminal import print_report

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "phishing-pot-dev"
NOW = datetime(2026, 12, 1, tzinfo=UTC)  # the snapshot's clock: expiry checks answer the same every run


def line_count(report: Report, width: int, verbose: bool) -> int:
    """Lines of the report as a terminal of this width shows them."""
    console = Console(record=True, width=width, file=io.StringIO(), highlight=False, color_system=None)
    if verbose:
        print_report(report, console, verbose=True)
    else:
        print_report(report, console)
    return len(console.export_text().splitlines())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--width", type=int, action="append", dest="widths")
    parser.add_argument("--verbose", action="store_true", help="render the full field list (-v)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N messages")
    args = parser.parse_args(argv)
    widths: list[int] = args.widths or [80, 160]
    ctx = build_context(Settings(offline=True, now=NOW))
    lengths: dict[int, list[tuple[int, str]]] = {width: [] for width in widths}
    for path in args.paths:
        for number, item in enumerate(items(str(path))):
            if args.limit and number >= args.limit:
                break
            if item.data is None:
                continue
            report = analyze(item.data, ctx, source=item.name)
            for width in widths:
                lengths[width].append((line_count(report, width, args.verbose), item.name))
    for width in widths:
        counts = [count for count, _ in lengths[width]]
        if not counts:
            print(f"width {width}: no messages")
            continue
        longest = max(lengths[width])
        print(f"width {width}: {len(counts)} messages, lines mean {statistics.mean(counts):.0f}, "
              f"median {statistics.median(counts):.0f}, max {longest[0]} ({longest[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
