"""Start-up cost of `mailcheck filter --offline` (one process per message under procmail) beside the interpreter's own.

    python3 benchmarks/filter_startup.py [--runs N] [--message FILE] [--base-tree DIR] [--hyperfine]

Two interpreters, both the same base Python:
- installed (the headline rows): mailcheck as a deployment has it, not an editable install. The benchmark
  builds, in its temporary directory, a venv of the running interpreter's base Python (no pip: ~5 ms)
  whose site-packages holds one .pth file with plain path lines naming the running interpreter's
  site-packages. A path line only appends to sys.path, so the dependencies are found but that
  site-packages' own .pth files are not run: not setuptools' editable finder, which the dev venv's
  `pip install -e` makes every process import (~20 ms on `python -c pass`: it loads pathlib, re, enum,
  ipaddress, urllib...; only a few ms on the filter, which needs most of those itself). The tree under
  test is run through it with PYTHONPATH=tree (`python -m mailcheck`); `-X importtime` runs check that no
  `__editable__*` module loads there (the benchmark stops if one does).
- dev venv: the running interpreter (sys.executable), as the project's tests run it.
Rows: `python -c pass` (each interpreter's floor) and `python -c "import email, re"` (the floor plus the
stdlib a mail tool cannot do without) for both; installed: the filter offline, the offline filter on
samples/phishing.eml (multipart with an HTML part: what the lazily imported readers cost), on a message
DKIM-signed and ARC-sealed at run time with the tests' keys (as most mail is today: what dkimpy costs) and
the filter with the DNS checks against a DNS server on 127.0.0.1 (tests/support/dns_server.py) that answers for the
sample's domains; dev venv: the filter offline as the console script and as `python -m`. `--base-tree DIR`
adds another copy of the project (an older tree, run with PYTHONPATH=DIR): installed on the three messages,
dev venv on the first.
Runs N rounds (default 30, after 3 warm-up rounds); each round runs every command once, in turn, so the
shared machine's other load falls on all of them alike (paired). Every command runs with its cwd a fresh
empty directory (`python -m` puts the cwd first on sys.path: a stray .py file there would shadow the
stdlib) and its bytecode cached in a temporary directory; all of it is removed at the end. Prints the
median CPU time (user+sys of the process: the steadier figure on a loaded machine) and wall time of
each, its extra over its interpreter's two floors, this tree against the base tree, what the editable
finder costs (dev venv minus installed), and for both interpreters the modules the offline filter
imports that it should not and whether it still imports dataclasses/inspect (a start-up cost with
nothing to show for it); the modules the dev venv loads beyond the installed interpreter. `--hyperfine`
times with hyperfine instead (wall means, not paired; only the rows on the first message from this tree).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import site
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
# Never needed offline: the terminal report, the CLI framework, DNS, SPF/DKIM/ARC, the SMTP prober, Dask.
HEAVY = ("rich", "click", "dns.resolver", "spf", "dkim", "nacl", "authres", "dask", "distributed", "fsspec",
         "mailcheck.probe.smtp", "mailcheck.probe.prober", "mailcheck.lookup.mx", "mailcheck.commands.group")
# Needed only for some messages: HTML bodies, attachments.
ON_DEMAND = ("selectolax", "magic", "oletools", "mailcheck.parse.filetypes", "mailcheck.parse.containers")
# Start-up costs with no work to do in a one-message process: building dataclasses (inspect comes with them).
AVOIDED = ("dataclasses", "inspect")
# setuptools' editable finder module is `__editable___<project>_<version>_finder`.
EDITABLE = "__editable__"
# A second message, multipart with an HTML part, as most phishing is: what the lazy imports leave for it.
MULTIPART = ROOT / "samples" / "phishing.eml"
# A third, DKIM-signed and ARC-sealed (built at run time with the tests' keys): what dkimpy costs.
SIGNED = "signed-and-sealed.eml"
SAMPLE = "message.eml"  # the --message copy
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

INSTALLED, DEV = "installed", "dev venv"
PASS, EMAIL_RE = "python -c pass", 'python -c "import email, re"'
OFFLINE = "python -m mailcheck filter --offline"
FILTER = ["-m", "mailcheck", "filter"]


class Row(NamedTuple):
    python: str  # INSTALLED or DEV
    what: str
    cmd: list[str]
    message: Path
    tree: Path = ROOT
    base: bool = False  # the --base-tree copy

    @property
    def name(self) -> str:
        return f"{self.python}{', base tree' if self.base else ''}: {self.what}"


class Work(NamedTuple):
    """The benchmark's temporary directory: the installed interpreter, the empty cwd, the bytecode cache."""
    installed: Path
    cwd: Path
    pycache: Path


def installed_python(where: Path) -> Path:
    """A venv of this interpreter's base Python at `where` that imports this interpreter's packages
    without running their site-packages' .pth files (an editable install's finder is started by one);
    mailcheck itself is not on its path: PYTHONPATH names the tree to run."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    paths = {"base": str(where), "platbase": str(where)}
    site_packages = Path(sysconfig.get_path("purelib", "venv", vars=paths))
    ours = site.getsitepackages() + ([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])
    lines = "".join(f"{p}\n" for p in dict.fromkeys(ours) if Path(p).is_dir())
    (site_packages / "mailcheck-dependencies.pth").write_text(lines)
    return Path(sysconfig.get_path("scripts", "venv", vars=paths)) / Path(sys.executable).name


def signed_message(where: Path) -> Path | None:
    """A DKIM-signed and ARC-sealed message (as most mail today is), made with the tests' signing keys;
    None when the test support code is not there. Offline, the filter checks its body hashes and seal
    structure, which loads dkimpy."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from support.signing import arc_seal, message, rsa_key, sign
    except ImportError:
        return None
    key = rsa_key(2048)
    path = where / SIGNED
    path.write_bytes(arc_seal(sign(message(), key), key))
    return path


def rows(installed: Path, sample: Path, resolver: str | None, base_tree: Path | None,
         signed: Path | None = None) -> dict[str, Row]:
    inst, dev = str(installed), sys.executable
    out = [Row(INSTALLED, PASS, [inst, "-c", "pass"], sample),
           Row(INSTALLED, EMAIL_RE, [inst, "-c", "import email, re"], sample),
           Row(INSTALLED, OFFLINE, [inst, *FILTER, "--offline"], sample)]
    if base_tree is not None:
        out.append(Row(INSTALLED, OFFLINE, [inst, *FILTER, "--offline"], sample, base_tree, True))
    if MULTIPART.exists():
        phishing = f"{OFFLINE}, {MULTIPART.name}"
        out.append(Row(INSTALLED, phishing, [inst, *FILTER, "--offline"], MULTIPART))
        if base_tree is not None:
            out.append(Row(INSTALLED, phishing, [inst, *FILTER, "--offline"], MULTIPART, base_tree, True))
    if signed is not None:
        out.append(Row(INSTALLED, f"{OFFLINE}, {SIGNED}", [inst, *FILTER, "--offline"], signed))
        if base_tree is not None:
            out.append(Row(INSTALLED, f"{OFFLINE}, {SIGNED}", [inst, *FILTER, "--offline"], signed, base_tree, True))
    if resolver is not None:
        out.append(Row(INSTALLED, "python -m mailcheck filter (DNS on 127.0.0.1)",
                       [inst, *FILTER, "--resolver", resolver], sample))
    out += [Row(DEV, PASS, [dev, "-c", "pass"], sample),
            Row(DEV, EMAIL_RE, [dev, "-c", "import email, re"], sample)]
    script = Path(dev).with_name("mailcheck")
    if script.exists():
        out.append(Row(DEV, "mailcheck filter --offline (console script)", [str(script), "filter", "--offline"],
                       sample))
    out.append(Row(DEV, OFFLINE, [dev, *FILTER, "--offline"], sample))
    if base_tree is not None:
        out.append(Row(DEV, OFFLINE, [dev, *FILTER, "--offline"], sample, base_tree, True))
    return {row.name: row for row in out}


def start_dns() -> Any:
    """The project's loopback DNS server, or None when the test support code is not there."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from support.dns_server import DnsServer, Zone
    except ImportError:
        return None
    return DnsServer(Zone(ZONE)).start()


def env(work: Work, tree: Path = ROOT) -> dict[str, str]:
    """Bytecode is cached as in any installation (the warm-up runs write it), but in a temporary
    directory: PYTHONDONTWRITEBYTECODE would make every run compile every module again (and a
    read-only tree could not keep it)."""
    e = dict(os.environ)
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PYTHONPYCACHEPREFIX"] = str(work.pycache)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), e.get("PYTHONPATH", "")]))
    return e


def with_hyperfine(cmds: dict[str, Row], message: Path, runs: int, work: Work) -> dict[str, float]:
    out = work.pycache.parent / "hyperfine.json"
    # hyperfine < 1.16 has no --input: then each command reads the file through the shell, whose
    # own start-up hyperfine measures first and subtracts.
    has_input = "--input" in subprocess.run(["hyperfine", "--help"], capture_output=True, text=True).stdout
    args = ["hyperfine", "--warmup", "3", "--runs", str(runs), "--export-json", str(out), "--style", "none"]
    args += ["-N", "--input", str(message)] if has_input else []
    for name, row in cmds.items():
        line = " ".join(_quote(c) for c in row.cmd)
        args += ["-n", name, line if has_input else f"{line} < {_quote(str(message))}"]
    subprocess.run(args, check=True, env=env(work), stdout=subprocess.DEVNULL, cwd=work.cwd)
    return {r["command"]: r["mean"] for r in json.loads(out.read_text())["results"]}


def _quote(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "/._-=:" for c in arg) else "'" + arg.replace("'", "'\\''") + "'"


def with_loop(cmds: dict[str, Row], runs: int, work: Work) -> dict[str, tuple[float, float]]:
    """(median wall seconds, median CPU seconds) of each command over `runs` alternated rounds."""
    inputs = {name: row.message.read_bytes() for name, row in cmds.items()}
    envs = {name: env(work, row.tree) for name, row in cmds.items()}
    wall: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    for i in range(runs + 3):
        for name, row in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(row.cmd, input=inputs[name], stdout=subprocess.DEVNULL, check=True, env=envs[name],
                           cwd=work.cwd)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i >= 3:  # warm-up rounds fill the page cache and the bytecode cache
                wall[name].append(elapsed)
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in cmds}


def imports(row: Row, work: Work) -> set[str]:
    """Every module one run of the row's command imports (python -X importtime)."""
    cmd = [row.cmd[0], "-X", "importtime", *row.cmd[1:]]
    done = subprocess.run(cmd, input=row.message.read_bytes(), capture_output=True, env=env(work, row.tree),
                          check=True, cwd=work.cwd)
    return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines() if "|" in line}


def import_report(cmds: dict[str, Row], work: Work) -> list[str]:
    """The import lines of the report; stops the benchmark when the installed interpreter loads an
    editable finder (its rows would then not be an installed mailcheck's)."""
    def names(python: str, what: str) -> set[str]:
        key = f"{python}: {what}"
        return imports(cmds[key], work) if key in cmds else set()

    inst_pass, dev_pass = names(INSTALLED, PASS), names(DEV, PASS)
    inst, dev = names(INSTALLED, OFFLINE), names(DEV, OFFLINE)
    phishing = names(INSTALLED, f"{OFFLINE}, {MULTIPART.name}")
    leaked = sorted(n for n in inst_pass | inst | phishing if n.startswith(EDITABLE))
    if leaked:
        raise SystemExit(f"the installed interpreter imports {', '.join(leaked)}: its rows would not be "
                         "an installed mailcheck's")
    finder = sorted(n for n in dev_pass if n.startswith(EDITABLE))

    def more(dev_names: set[str], inst_names: set[str]) -> str:
        # -X importtime lists failed imports too (ntpath tries `nt`): keep the modules that exist here
        found = [n for n in sorted(dev_names - inst_names) if importlib.util.find_spec(n.partition(".")[0])]
        return f"{len(found)} more modules ({', '.join(n for n in found if '.' not in n) or 'none'})"

    def both(wanted: tuple[str, ...], inst_names: set[str], dev_names: set[str]) -> str:
        return (f"{INSTALLED} {', '.join(m for m in wanted if m in inst_names) or 'none'}; "
                f"{DEV} {', '.join(m for m in wanted if m in dev_names) or 'none'}")

    return [
        f"  editable finder ({EDITABLE}*) imported: {INSTALLED} none; {DEV} {', '.join(finder) or 'none'}",
        f"  {DEV} against {INSTALLED}: python -c pass loads {more(dev_pass, inst_pass)}; the filter loads "
        f"{more(dev, inst)}",
        f"  modules never needed offline, imported: {both(HEAVY, inst, dev)}",
        f"  modules needed only for some messages, imported for this one: {both(ON_DEMAND, inst, dev)}",
        f"  start-up costs avoided (dataclasses, inspect), imported: {both(AVOIDED, inst, dev)}"
        + (f" ({INSTALLED}, {MULTIPART.name}: {', '.join(m for m in AVOIDED if m in phishing) or 'none'})"
           if phishing else ""),
    ]


def table(cmds: dict[str, Row], means: dict[str, tuple[float, float]], index: int, shown: str) -> list[str]:
    """One line per command: the figure (CPU when measured, else wall), wall, and the extra over the floors
    of the same interpreter; then this tree against the base tree and the editable finder's cost."""
    def value(name: str) -> float:
        return means[name][index] * 1000

    width = max(len(name) for name in means)
    lines = [f"  {'command':{width}s} {'CPU ms' if index else 'wall ms':>8s} {'wall ms':>8s}  "
             "extra over the same interpreter's pass / email,re"]
    python = ""
    for name in means:
        row = cmds[name]
        if row.python != python:
            python = row.python
            lines.append(f"  {'-- installed mailcheck (headline)' if python == INSTALLED else '-- dev venv'}")
        floor, stdlib = (value(f"{row.python}: {what}") for what in (PASS, EMAIL_RE))
        lines.append(f"  {name:{width}s} {value(name):8.1f} {means[name][0] * 1000:8.1f}  "
                     f"{value(name) - floor:+.1f} / {value(name) - stdlib:+.1f} ms")
    ratios = [f"{row.python} {row.message.name if row.message.name != SAMPLE else shown} "
              f"{value(name) / value(base.name):.2f}"
              for name, row in cmds.items() if not row.base
              for base in cmds.values() if base.base and (base.python, base.what) == (row.python, row.what)
              if base.name in means and name in means]
    if ratios:
        lines.append(f"  this tree / base tree: {'; '.join(ratios)}")
    pass_cost = value(f"{DEV}: {PASS}") - value(f"{INSTALLED}: {PASS}")
    filter_cost = value(f"{DEV}: {OFFLINE}") - value(f"{INSTALLED}: {OFFLINE}")
    lines.append(f"  what the editable install costs (dev venv - installed): python -c pass {pass_cost:+.1f} ms, "
                 f"{OFFLINE} {filter_cost:+.1f} ms (the filter imports most of the finder's modules itself)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--message", type=Path, default=None, help="default: samples/clean.eml")
    parser.add_argument("--base-tree", type=Path, default=None, help="also time this copy of the project")
    parser.add_argument("--hyperfine", action="store_true", help="time with hyperfine (wall means, not paired)")
    args = parser.parse_args()
    message = args.message or ROOT / "samples" / "clean.eml"
    use_hyperfine = args.hyperfine and shutil.which("hyperfine") is not None
    with tempfile.TemporaryDirectory(prefix="mailcheck-startup-") as tmp:
        work = Work(installed_python(Path(tmp) / "installed"), Path(tmp) / "cwd", Path(tmp) / "pycache")
        work.cwd.mkdir()
        base_python = work.installed.resolve()
        sample = Path(tmp) / SAMPLE
        sample.write_bytes(message.read_bytes() if message.exists() else FALLBACK)
        server = start_dns()
        try:
            cmds = rows(work.installed, sample, server.resolver if server is not None else None, args.base_tree,
                        signed_message(Path(tmp)))
            report = import_report(cmds, work)  # first: it stops the benchmark if the installed rows are not
            if use_hyperfine:  # one environment and one input for every command: this tree, the sample
                cmds = {name: row for name, row in cmds.items() if not row.base and row.message == sample}
                means = {name: (mean, float("nan")) for name, mean in with_hyperfine(cmds, sample, args.runs,
                                                                                      work).items()}
            else:
                means = with_loop(cmds, args.runs, work)
        finally:
            if server is not None:
                server.stop()
    shown = message.name if message.exists() else "(built in)"
    how = "hyperfine, wall means" if use_hyperfine else "alternated rounds, medians"
    print(f"filter start-up, {args.runs} runs each ({how}), message {shown}, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"  installed: a venv of {base_python} whose .pth names the dev venv's site-packages as a plain path")
    print(f"  (its .pth files are not run), the tree on PYTHONPATH; dev venv: {sys.executable}; cwd: an empty")
    print(f"  directory; {MULTIPART.name}: multipart with an HTML part (what the lazily imported readers cost);")
    print(f"  {SIGNED}: a test message DKIM-signed and ARC-sealed with the tests' keys (what dkimpy costs)")
    lines = table(cmds, means, 0 if use_hyperfine else 1, shown)
    print("\n".join(lines))
    print("\n".join(report))


if __name__ == "__main__":
    main()
