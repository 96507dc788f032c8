"""Where `scan --offline --jobs 1` spends its time: a cProfile of it on the first messages of the mbox.

benchmarks/run.py --profile prints this: time by pipeline stage and by check, and the functions with
the most time of their own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILE_MESSAGES = 1500


def profile(mbox: Path, tmp: Path) -> str:
    import pstats

    subset = tmp / "subset.mbox"
    with mbox.open("rb") as src, subset.open("wb") as dst:
        seen = 0
        previous_blank = True
        for line in src:
            if line.startswith(b"From ") and previous_blank:
                seen += 1
                if seen > PROFILE_MESSAGES:
                    break
            previous_blank = line == b"\n"
            dst.write(line)
    stats_file = tmp / "scan.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "mailcheck", "scan", "--offline",
           "--jobs", "1", "--format", "jsonl", "--output", str(tmp / "profile.jsonl"), str(subset)]
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
    stats = pstats.Stats(str(stats_file))
    table = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _), (_, _, _, ct, _) in table.items())

    def cumulative(path_part: str, function: str) -> float:
        # pstats.Stats.stats is untyped; the cumulative times in it are floats.
        return float(sum(ct for (file, _, func), (_, _, _, ct, _) in table.items()
                         if path_part in file and func == function))

    stages = [
        ("split the mbox (sources.split_mbox)", cumulative("mailcheck/commands/scan/sources.py", "split_mbox")),
        ("parse headers (message.parse)", cumulative("mailcheck/parse/message.py", "parse")),
        ("Received chain + trust boundary (trust.build_chain)", cumulative("mailcheck/trust.py", "build_chain")),
        ("continuum", cumulative("mailcheck/continuum.py", "continuum")),
        ("JSON record (report_dict + dumps)", cumulative("mailcheck/reporters/json.py", "report_dict")
         + cumulative("json/__init__.py", "dumps")),
        ("imports (start-up)", cumulative("<frozen importlib._bootstrap>", "_find_and_load")),
    ]
    checks = sorted(((file.rsplit("/", 1)[-1][:-3], ct) for (file, _, func), (_, _, _, ct, _) in table.items()
                     if "mailcheck/checks/" in file and func == "run"), key=lambda kv: -kv[1])
    lines = [f"profile of scan --offline --jobs 1 over {PROFILE_MESSAGES:,} messages: {total:.2f} s in total"]
    for label, seconds in stages:
        lines.append(f"  {label:<55} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    lines.append("  checks (run(), cumulative):")
    for name, seconds in checks:
        lines.append(f"    {name:<53} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    lines.append("  top functions by own time:")
    own = sorted(table.items(), key=lambda kv: -kv[1][2])[:12]
    for (file, line, func), (_, calls, tt, _, _) in own:
        where = file.replace(str(ROOT) + "/", "").rsplit("site-packages/", 1)[-1]
        lines.append(f"    {tt:6.2f} s {calls:>9,} calls  {where}:{line} {func}")
    return "\n".join(lines)
