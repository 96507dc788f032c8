"""Start-up cost of `mailcheck filter --offline` (one process per message under procmail) beside the interpreter's own.

    python3 benchmarks/filter_startup.py [--runs N] [--message FILE] [--base-tree DIR] [--hyperfine]

Runs N rounds (default 30, after 3 warm-up rounds); each round runs every command once, in turn, so the
shared machine's other load falls on all of them alike (paired). The commands: `python -c pass` (the
interpreter's floor), `python -c "import email, re"` (the floor plus the stdlib a mail tool cannot do
without), the filter offline, and the filter with the DNS checks against a DNS server on 127.0.0.1
(tests/support/dns_server.py) that answers for the sample's domains, and the offline filter on
samples/phishing.eml (multipart with an HTML part: what the lazily imported readers cost). `--base-tree DIR`
adds the offline filter of another copy of the project (an older tree, run with PYTHONPATH=DIR) to the same
rounds, on both messages.
Every command is run with the real interpreter (sys.executable), not a pyenv/virtualenv shim. Prints
the median CPU time (user+sys of the process: the steadier figure on a loaded machine) and wall time
of each, its extra over both floors, the modules the offline filter imports that it should not, and
whether it still imports dataclasses/inspect (a start-up cost with nothing to show for it).
`--hyperfine` times with hyperfine instead (wall means, not paired).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Never needed offline: the terminal report, the CLI framework, DNS, SPF/DKIM/ARC, the SMTP prober, Dask.
HEAVY = ("rich", "click", "dns.resolver", "spf", "dkim", "nacl", "authres", "dask", "distributed", "fsspec",
         "mailcheck.probe.smtp", "mailcheck.probe.prober", "mailcheck.lookup.mx", "mailcheck.commands.group")
# Needed only for some messages: HTML bodies, attachments.
ON_DEMAND = ("selectolax", "magic", "oletools", "mailcheck.parse.filetypes", "mailcheck.parse.containers")
# Start-up costs with no work to do in a one-message process: building dataclasses (inspect comes with them).
AVOIDED = ("dataclasses", "inspect")
# A second message, multipart with an HTML part, as most phishing is: what the lazy imports leave for it.
MULTIPART = ROOT / "samples" / "phishing.eml"
MULTIPART_ROW = "mailcheck filter --offline (phishing.eml: multipart, HTML)"
BASE_MULTIPART_ROW = "base tree: python -m mailcheck filter --offline (phishing.eml)"
FALLBACK = (b"Received: from a.example.net (a.example.net [192.0.2.1])\n\tby mx.example.org with ESMTP;"
            b" Wed, 18 Nov 2026 12:00:00 +0000\nFrom: Alice <alice@example.net>\nTo: bob@example.org\n"
            b"Subject: hello\nDate: Wed, 18 Nov 2026 11:59:58 +0000\nMessage-ID: <1@example.net>\n\nHi.\n")


# The domains of samples/clean.eml, as their owners would publish them.
ZONE = {
    "example.com": {"MX": ["10 mail.example.com"], "TXT": ["v=spf1 ip4:192.0.2.25 -all"]},
    "mail.example.com": {"A": ["192.0.2.25"]},
    "25.2.0.192.in-addr.arpa": {"PTR": ["mail.example.com."]},
    "_dmarc.example.com": {"TXT": ["v=DMARC1; p=reject"]},
    "example.org": {"MX": ["10 mx.example.org"]},
    "mx.example.org": {"A": ["198.51.100.1"]},
}


PASS, EMAIL_RE = "python -c pass", 'python -c "import email, re"'


def commands(resolver: str | None, base_tree: Path | None = None) -> dict[str, list[str]]:
    script = Path(sys.executable).with_name("mailcheck")
    cmds = {PASS: [sys.executable, "-c", "pass"], EMAIL_RE: [sys.executable, "-c", "import email, re"]}
    if base_tree is not None:
        cmds["base tree: python -m mailcheck filter --offline"] = [
            sys.executable, "-m", "mailcheck", "filter", "--offline"]
    if script.exists():
        cmds["mailcheck filter --offline"] = [str(script), "filter", "--offline"]
    cmds["python -m mailcheck filter --offline"] = [sys.executable, "-m", "mailcheck", "filter", "--offline"]
    if script.exists() and MULTIPART.exists():
        cmds[MULTIPART_ROW] = [str(script), "filter", "--offline"]
        if base_tree is not None:
            cmds[BASE_MULTIPART_ROW] = [sys.executable, "-m", "mailcheck", "filter", "--offline"]
    if resolver is not None and script.exists():
        cmds["mailcheck filter (DNS on 127.0.0.1)"] = [str(script), "filter", "--resolver", resolver]
    return cmds


def start_dns() -> Any:
    """The project's loopback DNS server, or None when the test support code is not there."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from support.dns_server import DnsServer, Zone
    except ImportError:
        return None
    return DnsServer(Zone(ZONE)).start()


PYCACHE = tempfile.mkdtemp(prefix="mailcheck-pycache-")


def env(tree: Path = ROOT) -> dict[str, str]:
    """Bytecode is cached as in any installation (the warm-up runs write it), but in a temporary
    directory: PYTHONDONTWRITEBYTECODE would make every run compile every module again (and a
    read-only tree could not keep it)."""
    e = dict(os.environ)
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PYTHONPYCACHEPREFIX"] = PYCACHE
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), e.get("PYTHONPATH", "")]))
    return e


def with_hyperfine(cmds: dict[str, list[str]], message: Path, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "h.json"
        # hyperfine < 1.16 has no --input: then each command reads the file through the shell, whose
        # own start-up hyperfine measures first and subtracts.
        has_input = "--input" in subprocess.run(["hyperfine", "--help"], capture_output=True, text=True).stdout
        args = ["hyperfine", "--warmup", "3", "--runs", str(runs), "--export-json", str(out), "--style", "none"]
        args += ["-N", "--input", str(message)] if has_input else []
        for name, cmd in cmds.items():
            line = " ".join(_quote(c) for c in cmd)
            args += ["-n", name, line if has_input else f"{line} < {_quote(str(message))}"]
        subprocess.run(args, check=True, env=env(), stdout=subprocess.DEVNULL)
        data = json.loads(out.read_text())
    return {r["command"]: r["mean"] for r in data["results"]}


def _quote(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "/._-=:" for c in arg) else "'" + arg.replace("'", "'\\''") + "'"


def with_loop(cmds: dict[str, list[str]], message: Path, runs: int,
              base_tree: Path | None = None) -> dict[str, tuple[float, float]]:
    """(median wall seconds, median CPU seconds) of each command over `runs` alternated rounds."""
    raw = message.read_bytes()
    inputs = {name: MULTIPART.read_bytes() if name in (MULTIPART_ROW, BASE_MULTIPART_ROW) else raw for name in cmds}
    wall: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    envs = {name: env(base_tree) if base_tree is not None and name.startswith("base tree") else env()
            for name in cmds}
    for i in range(runs + 3):
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            # cwd: not the project, so that `python -m mailcheck` finds the tree PYTHONPATH names
            subprocess.run(cmd, input=inputs[name], stdout=subprocess.DEVNULL, check=True, env=envs[name],
                           cwd=tempfile.gettempdir())
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i >= 3:  # warm-up rounds fill the page cache and the bytecode cache
                wall[name].append(elapsed)
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in cmds}


def imported(message: Path, wanted: tuple[str, ...]) -> list[str]:
    """The modules from `wanted` that one offline filter run imports (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "mailcheck", "filter", "--offline"],
                          input=message.read_bytes(), capture_output=True, env=env(), check=True,
                          cwd=tempfile.gettempdir())
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines() if "|" in line}
    return sorted(h for h in wanted if h in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--message", type=Path, default=None, help="default: samples/clean.eml")
    parser.add_argument("--base-tree", type=Path, default=None, help="also time this copy of the project")
    parser.add_argument("--hyperfine", action="store_true", help="time with hyperfine (wall means, not paired)")
    args = parser.parse_args()
    message = args.message or ROOT / "samples" / "clean.eml"
    with tempfile.NamedTemporaryFile(suffix=".eml", delete=False) as tmp:
        tmp.write(message.read_bytes() if message.exists() else FALLBACK)
    sample = Path(tmp.name)
    server = start_dns()
    use_hyperfine = args.hyperfine and shutil.which("hyperfine") is not None
    try:
        # hyperfine runs every command in one environment: the base tree needs its own PYTHONPATH
        cmds = commands(server.resolver if server is not None else None, None if use_hyperfine else args.base_tree)
        if use_hyperfine:  # hyperfine gives every command the same input
            cmds.pop(MULTIPART_ROW, None)
        if use_hyperfine:
            means = {name: (mean, float("nan")) for name, mean in with_hyperfine(cmds, sample, args.runs).items()}
        else:
            means = with_loop(cmds, sample, args.runs, args.base_tree)
        heavy, on_demand, avoided = imported(sample, HEAVY), imported(sample, ON_DEMAND), imported(sample, AVOIDED)
        avoided_multipart = imported(MULTIPART, AVOIDED) if MULTIPART.exists() else []
    finally:
        sample.unlink()
        shutil.rmtree(PYCACHE, ignore_errors=True)
        if server is not None:
            server.stop()
    shown = message.name if message.exists() else "(built in)"
    how = "hyperfine, wall means" if use_hyperfine else "alternated rounds, medians"
    print(f"filter start-up, {args.runs} runs each ({how}), message {shown}")
    index = 0 if use_hyperfine else 1  # CPU seconds when measured, else wall
    floor, stdlib = means[PASS][index], means[EMAIL_RE][index]
    print(f"  {'command':58s} {'CPU ms' if index else 'wall ms':>8s} {'wall ms':>8s}  extra over pass / over email,re")
    for name, (wall, cpu) in means.items():
        value = (cpu if index else wall) * 1000
        print(f"  {name:58s} {value:8.1f} {wall * 1000:8.1f}  {value - floor * 1000:+.1f} / "
              f"{value - stdlib * 1000:+.1f} ms")
    print("  modules never needed offline, imported:", ", ".join(heavy) or "none")
    print("  modules needed only for some messages, imported for this one:", ", ".join(on_demand) or "none")
    print("  start-up costs avoided (dataclasses, inspect), imported:", ", ".join(avoided) or "none",
          f"(for {MULTIPART.name}: {', '.join(avoided_multipart) or 'none'})")


if __name__ == "__main__":
    main()
