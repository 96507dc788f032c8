"""Start-up cost of `mailcheck filter --offline` (one process per message under procmail) beside `python -c pass`.

    python3 benchmarks/filter_startup.py [--runs N] [--message FILE]

Uses hyperfine when it is installed, else a timing loop. Every command is run with the real interpreter
(sys.executable), not a pyenv/virtualenv shim, so the numbers are the interpreter's and ours. Also runs
the filter with the DNS checks against a DNS server on 127.0.0.1 (tests/support/dns_server.py) that
answers for the sample's domains. Prints the mean wall time of each command and the ratio to the bare
interpreter, and the modules the offline filter imports that it should not (rich, dnspython, pyspf,
dkimpy, click).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("rich", "dns.resolver", "spf", "dkim", "click", "publicsuffixlist", "nacl")
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


def commands(resolver: str | None) -> dict[str, list[str]]:
    script = Path(sys.executable).with_name("mailcheck")
    cmds = {"python -c pass": [sys.executable, "-c", "pass"]}
    if script.exists():
        cmds["mailcheck filter --offline"] = [str(script), "filter", "--offline"]
    cmds["python -m mailcheck filter --offline"] = [sys.executable, "-m", "mailcheck", "filter", "--offline"]
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


def env() -> dict[str, str]:
    """Bytecode is cached as in any installation (the warm-up runs write it), but in a temporary
    directory: PYTHONDONTWRITEBYTECODE would make every run compile every module again."""
    e = dict(os.environ)
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PYTHONPYCACHEPREFIX"] = PYCACHE
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), e.get("PYTHONPATH", "")]))
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


def with_loop(cmds: dict[str, list[str]], message: Path, runs: int) -> dict[str, float]:
    raw = message.read_bytes()
    result = {}
    for name, cmd in cmds.items():
        times = []
        for i in range(runs + 3):
            started = time.perf_counter()
            subprocess.run(cmd, input=raw, stdout=subprocess.DEVNULL, check=True, env=env())
            if i >= 3:  # warm-up runs fill the page cache and __pycache__
                times.append(time.perf_counter() - started)
        result[name] = statistics.mean(times)
    return result


def heavy_imports(message: Path) -> list[str]:
    """Top-level packages from HEAVY that one offline filter run imports (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "mailcheck", "filter", "--offline"],
                          input=message.read_bytes(), capture_output=True, env=env(), check=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines() if "|" in line}
    return sorted(h for h in HEAVY if h in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--message", type=Path, default=None, help="default: samples/clean.eml")
    parser.add_argument("--loop", action="store_true", help="time with a Python loop even if hyperfine exists")
    args = parser.parse_args()
    message = args.message or ROOT / "samples" / "clean.eml"
    with tempfile.NamedTemporaryFile(suffix=".eml", delete=False) as tmp:
        tmp.write(message.read_bytes() if message.exists() else FALLBACK)
    sample = Path(tmp.name)
    server = start_dns()
    try:
        cmds = commands(server.resolver if server is not None else None)
        tool = "hyperfine" if shutil.which("hyperfine") and not args.loop else "loop"
        means = (with_hyperfine if tool == "hyperfine" else with_loop)(cmds, sample, args.runs)
        heavy = heavy_imports(sample)
    finally:
        sample.unlink()
        shutil.rmtree(PYCACHE, ignore_errors=True)
        if server is not None:
            server.stop()
    base = means["python -c pass"]
    shown = message.name if message.exists() else "(built in)"
    print(f"filter start-up, {args.runs} runs each ({tool}), message {shown}")
    for name, mean in means.items():
        extra = (mean - base) * 1000
        print(f"  {name:40s} {mean * 1000:7.1f} ms   {mean / base:4.2f}x   (+{extra:.1f} ms)")
    print("  heavy modules imported offline:", ", ".join(heavy) or "none")


if __name__ == "__main__":
    main()
