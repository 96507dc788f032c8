"""How many relay Received lines in the shared corpora parse to at least a client IP and a 'by' name.

Usage: python3 benchmarks/received_coverage.py [PATH ...]   (default: ../shared/corpora beside the repo)

Walks every message under each PATH with mailcheck.commands.scan.sources (mbox, Maildir, folders, single files),
parses every Received header and counts, per corpus (first directory level under PATH) and overall:

- relay lines (Hop.relay True): SMTP hand-offs from one machine to another;
- of those, lines with no client address recorded at all: nothing address-shaped (a dotted quad or
  an IPv6 group) appears before the 'by' clause, so no parser could find one ("by 10.0.0.1 with
  SMTP id …" from Gmail, "from mail pickup service by …", "from host by host with SMTP");
- of the rest, the share that parsed to both ip and by.

Then a sample of the lines that have an address but did not parse, and the parse speed.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailcheck.commands.scan.sources import items
from mailcheck.parse.message import parse
from mailcheck.parse.received import parse_received

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora"
# Anything that could be an address: a dotted quad, or hex groups joined by ':' with at least two colons.
ADDRESS_SHAPED = re.compile(
    r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w)|\b[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]*:[0-9A-Fa-f]{0,4}\b"
)
BY = re.compile(r"(?i)(?:^|[\s)])by\s")


def before_by(value: str) -> str:
    m = BY.search(value)
    return value[: m.start()] if m else value.split(";", 1)[0]


def speed(values: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for value in values:
            parse_received(value)
        best = min(best, time.perf_counter() - start)
    return best / max(len(values), 1) * 1e6


def main(paths: list[str]) -> int:
    relay: Counter[str] = Counter()
    parsed: Counter[str] = Counter()
    no_address: Counter[str] = Counter()
    non_relay = 0
    messages = 0
    failures: list[tuple[str, str]] = []
    all_values: list[str] = []
    for root in paths:
        for item in items(root):
            if item.data is None:
                continue
            messages += 1
            rel = Path(item.path).resolve().relative_to(Path(root).resolve())
            corpus = rel.parts[0] if len(rel.parts) > 1 else Path(root).name
            values = parse(item.data).get_all("Received")
            all_values.extend(values)
            hops = [parse_received(v) for v in values]
            for value, hop in zip(values, hops, strict=True):
                if not hop.relay:
                    non_relay += 1
                    continue
                if hop.ip is None and not ADDRESS_SHAPED.search(before_by(" ".join(value.split()))):
                    no_address[corpus] += 1
                    continue
                relay[corpus] += 1
                if hop.ip and hop.by:
                    parsed[corpus] += 1
                else:
                    failures.append((corpus, " ".join(value.split())))
    print(f"{messages} messages, {len(all_values)} Received headers, {non_relay} not relays "
          f"(local delivery, LMTP, fetchmail, scanners, qmail 'invoked')")
    print(f"{'corpus':34s} {'with address':>12s} {'ip+by':>8s} {'share':>8s} {'no client address':>18s}")
    for corpus in sorted(set(relay) | set(no_address)):
        total = relay[corpus]
        share = f"{parsed[corpus] / total:.2%}" if total else "-"
        print(f"{corpus:34s} {total:12d} {parsed[corpus]:8d} {share:>8s} {no_address[corpus]:18d}")
    total, ok = sum(relay.values()), sum(parsed.values())
    all_relay = total + sum(no_address.values())
    print(f"{'overall':34s} {total:12d} {ok:8d} {ok / max(total, 1):8.2%} {sum(no_address.values()):18d}")
    print(f"including the lines with no client address: {ok}/{all_relay} = {ok / max(all_relay, 1):.2%}")
    print(f"parse speed: {speed(all_values):.1f} µs per header (best of 3 passes over every header)")
    print("sample of failures (address present, ip or by not found):")
    random.seed(0)
    for corpus, value in random.sample(failures, min(15, len(failures))):
        print(f"  [{corpus}] {value[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(DEFAULT)]))
