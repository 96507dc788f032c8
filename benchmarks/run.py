"""`mailcheck scan` throughput and memory against a stdlib baseline, on an mbox of the SpamAssassin corpus.

    python benchmarks/run.py [--corpus DIR] [--runs N] [--with-dns] [--flat] [--profile] [--keep DIR]

Builds one mbox from ../shared/corpora/spamassassin-publiccorpus (6,294 messages, each file already
starting with its mbox From line; body lines are mboxrd-quoted as a writer would) in a temporary
folder, then, in the same run, times each command below in its own process and samples the resident
memory of its whole process tree (/proc, every 20 ms):

- baseline: mailbox.mbox + email.message_from_bytes(policy=compat32), touching every header;
- mailcheck scan --offline --format jsonl at --jobs 1 and --jobs 2 (records to a file; the record
  count is checked against the message count);
- --with-dns: scan --jobs 2 with the DNS checks, against the loopback test DNS server
  (tests/support/dns_server.py) serving a generated zone: MX, A and SPF for every sender and From
  domain, DMARC p=none, and a DKIM key for the one message in ten the benchmark signs itself;
- --flat: scan --jobs 2 of the same corpus repeated 3 times, to show peak memory does not grow;
- --profile: cProfile of scan --jobs 1 on the first 1,500 messages, time by pipeline stage and check;
- benchmarks/filter_startup.py, when present (the filter's start-up time).

Prints a table, the ratios (scan --jobs 1 / baseline, --jobs 2 / --jobs 1) and where time goes.
"""

from __future__ import annotations

import argparse
import email.utils
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "spamassassin-publiccorpus"
FOLDERS = ("easy_ham", "easy_ham_2", "hard_ham", "hard_ham_2", "spam", "spam_2")
SIGN_EVERY = 10
SEPARATOR_DATE = "Thu Aug 22 12:00:00 2002"
PROFILE_MESSAGES = 1500

BASELINE = """
import email, mailbox, sys
from email import policy
box = mailbox.mbox(sys.argv[1], create=False)
count = touched = 0
for key in box.iterkeys():
    msg = email.message_from_bytes(box.get_bytes(key), policy=policy.compat32)
    for name, value in msg.items():
        touched += len(name) + len(str(value))
    count += 1
print(count)
"""


# -- building the mbox ------------------------------------------------------------------------------


def corpus_files(corpus: Path) -> Iterator[Path]:
    for folder in FOLDERS:
        for path in sorted((corpus / folder).iterdir()):
            if path.is_file():
                yield path


def _quote(body: bytes) -> bytes:
    # mboxrd (RFC 4155 appendix): a body line matching ">*From " gets one more ">".
    return re.sub(rb"(?m)^(>*From )", rb">\1", body)


def build_mbox(corpus: Path, out: Path, repeat: int = 1, sign: bool = False) -> tuple[int, set[str], set[str]]:
    """Write the mbox; returns (messages, domains seen as senders, domains whose messages were signed)."""
    domains: set[str] = set()
    signed: set[str] = set()
    count = 0
    signer = _signer() if sign else None
    with out.open("wb") as handle:
        for _ in range(repeat):
            for path in corpus_files(corpus):
                data = path.read_bytes()
                if data.startswith(b"From "):
                    separator, _, message = data.partition(b"\n")
                elif re.match(rb"[\x21-\x39\x3b-\x7e]+:", data):
                    # 791 of the corpus' files start with their headers: write the From line a local
                    # delivery agent would, with the Return-Path address.
                    sender = _address(_header(data, b"Return-Path") or "") or "MAILER-DAEMON"
                    separator, message = f"From {sender}  {SEPARATOR_DATE}".encode(), data
                else:
                    continue  # the corpus' "cmds" files
                domains.update(_sender_domains(separator, message))
                if signer is not None and count % SIGN_EVERY == 0:
                    message, domain = signer(message)
                    if domain:
                        signed.add(domain)
                entry = separator + b"\n" + _quote(message)
                if not entry.endswith(b"\n"):
                    entry += b"\n"
                if not entry.endswith(b"\n\n"):
                    entry += b"\n"  # the blank line an mbox writer puts after each message
                handle.write(entry)
                count += 1
    return count, domains, signed


def _address(text: str) -> str | None:
    addr = email.utils.parseaddr(text)[1].strip()
    return addr if addr and " " not in addr else None


def _domain(address: str) -> str | None:
    addr = email.utils.parseaddr(address)[1]
    domain = addr.rpartition("@")[2].strip().lower().rstrip(".")
    return domain if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain) else None


def _header(message: bytes, name: bytes) -> str | None:
    match = re.search(rb"(?mi)^" + name + rb":[ \t]*(.*(?:\n[ \t].*)*)", message.partition(b"\n\n")[0])
    return match.group(1).decode("latin-1") if match else None


def _sender_domains(separator: bytes, message: bytes) -> set[str]:
    found = set()
    for text in (separator.split()[1].decode("latin-1") if len(separator.split()) > 1 else "",
                 _header(message, b"Return-Path") or "", _header(message, b"From") or ""):
        domain = _domain(text)
        if domain:
            found.add(domain)
    return found


class _Signer(Protocol):
    """What _signer returns: a signing function that also carries its key's TXT record."""

    record: str

    def __call__(self, message: bytes) -> tuple[bytes, str | None]: ...


def _signer() -> _Signer:
    """sign(message) -> (message with a DKIM-Signature, signing domain); d= is the From domain."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.signing import rsa_key, sign

    key = rsa_key(1024)

    def run(message: bytes) -> tuple[bytes, str | None]:
        domain = _domain(_header(message, b"From") or "")
        if domain is None:
            return message, None
        crlf = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        signed = sign(crlf, key, selector="bench", domain=domain)
        header = signed[: len(signed) - len(crlf)].replace(b"\r\n", b"\n")
        return header + message, domain

    signer = cast(_Signer, run)
    signer.record = key.record()
    return signer


# -- measuring ---------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                kids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return kids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class TreeMemory:
    """Samples the RSS of a process and all its descendants (peak of the sum and of the largest one)
    and their CPU time (last value seen per process: the machine is shared, so wall time alone
    mixes in other people's load; CPU seconds do not)."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every = pid, every
        self.peak_total = self.peak_one = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            sizes = [_rss_kib(p) for p in pids]
            for p in pids:
                self.cpu[p] = max(self.cpu.get(p, 0.0), _cpu_seconds(p))
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_one = max(self.peak_one, max(sizes, default=0))
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Result:
    name: str
    messages: int
    seconds: float
    peak_one_mib: float
    peak_total_mib: float
    cpu_seconds: float
    output: str = ""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def measure(name: str, cmd: list[str], messages: int, runs: int = 1) -> Result:
    """Best of `runs` wall times (start-up included); the peak memory of that run."""
    best: Result | None = None
    for _ in range(runs):
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        memory = TreeMemory(proc.pid)
        out, err = proc.communicate()
        seconds = time.perf_counter() - began
        memory.stop()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{name}: exit {proc.returncode}\n{err.decode(errors='replace')}")
        result = Result(name, messages, seconds, memory.peak_one / 1024, memory.peak_total / 1024,
                        sum(memory.cpu.values()), out.decode(errors="replace") + err.decode(errors="replace"))
        if best is None or result.seconds < best.seconds:
            best = result
    assert best is not None
    return best


def scan_cmd(mbox: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mailcheck", "scan", "--format", "jsonl", "--output", str(out),
            "--jobs", str(jobs), *extra, str(mbox)]


def check_records(out: Path, expected: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    lines = 0
    with out.open() as handle:
        for line in handle:
            lines += 1
            verdict = json.loads(line).get("verdict", "?")
            counts[verdict] = counts.get(verdict, 0) + 1
    if lines != expected:
        raise SystemExit(f"{out}: {lines} records for {expected} messages")
    return counts


# -- the DNS-backed run -----------------------------------------------------------------------------


def zone_for(domains: set[str], signed: set[str], dkim_record: str) -> dict[str, dict[str, list[str]]]:
    zone: dict[str, dict[str, list[str]]] = {}
    for n, domain in enumerate(sorted(domains)):
        zone[domain] = {"MX": [f"10 mx.{domain}"], "A": [f"192.0.2.{n % 250 + 1}"],
                        "TXT": ["v=spf1 mx a ~all"]}
        zone[f"mx.{domain}"] = {"A": [f"198.51.100.{n % 250 + 1}"]}
        zone[f"_dmarc.{domain}"] = {"TXT": ["v=DMARC1; p=none"]}
    for domain in signed:
        zone[f"bench._domainkey.{domain}"] = {"TXT": [dkim_record]}
    return zone


def dns_run(corpus: Path, tmp: Path, runs: int) -> tuple[Result, dict[str, int], str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from support.dns_server import DnsServer, Zone

    mbox = tmp / "signed.mbox"
    count, domains, signed = build_mbox(corpus, mbox, sign=True)
    record = _signer().record
    zone = Zone(zone_for(domains, signed, record))
    out = tmp / "dns.jsonl"
    with DnsServer(zone) as server:
        result = measure("scan --jobs 2, DNS (loopback)",
                         scan_cmd(mbox, out, 2, "--resolver", server.resolver, "--timeout", "2"), count, runs)
        hits = len(server.hits) // runs  # every run asks the same questions
        distinct = len({(h.name, h.rdtype) for h in server.hits})
    counts = check_records(out, count)
    dkim_ok = 0
    with out.open() as handle:
        for line in handle:
            fields = json.loads(line).get("fields", [])
            dkim_ok += any(f["check"] == "dkim" and f["label"] == "validated" for f in fields)
    dns_line = next((line.strip() for line in result.output.splitlines() if line.strip().startswith("DNS:")), "")
    note = (f"zone: {len(domains):,} sender domains, {len(signed):,} signing domains; "
            f"server answered {hits:,} queries per run for {distinct:,} distinct questions; "
            f"messages with a validated DKIM signature: {dkim_ok:,} of ~{count // SIGN_EVERY:,} signed\n"
            f"  scan's own count: {dns_line or '(none printed)'}")
    return result, counts, note


# -- profile -------------------------------------------------------------------------------------------


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


# -- main ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=1, help="best of N runs per command")
    parser.add_argument("--with-dns", action="store_true", help="also scan with DNS against a loopback server")
    parser.add_argument("--flat", action="store_true", help="also scan the corpus 3 times over (memory)")
    parser.add_argument("--profile", action="store_true", help="profile scan --jobs 1 on a subset")
    parser.add_argument("--keep", type=Path, help="build the mbox and outputs here instead of a temp folder")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus} (expected ../shared/corpora/spamassassin-publiccorpus)")

    with tempfile.TemporaryDirectory(prefix="mailcheck-bench-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        mbox = tmp / "spamassassin.mbox"
        began = time.perf_counter()
        count, _, _ = build_mbox(args.corpus, mbox)
        print(f"built {mbox.name}: {count:,} messages, {mbox.stat().st_size / 2**20:.1f} MiB "
              f"in {time.perf_counter() - began:.1f} s")

        results = [measure("baseline (mailbox + compat32)", [sys.executable, "-c", BASELINE, str(mbox)],
                           count, args.runs)]
        if int(results[0].output.split()[0]) != count:
            raise SystemExit(f"baseline read {results[0].output.split()[0]} messages, expected {count}")
        verdicts = {}
        for jobs in (1, 2):
            out = tmp / f"jobs{jobs}.jsonl"
            results.append(measure(f"scan --offline --jobs {jobs}", scan_cmd(mbox, out, jobs, "--offline"),
                                   count, args.runs))
            verdicts[jobs] = check_records(out, count)
        notes = [f"records: {verdicts[1]} (--jobs 2 identical: {verdicts[1] == verdicts[2]})"]
        if args.flat:
            big = tmp / "spamassassin-x3.mbox"
            big_count, _, _ = build_mbox(args.corpus, big, repeat=3)
            results.append(measure("scan --offline --jobs 2, corpus x3", scan_cmd(big, tmp / "x3.jsonl", 2,
                                                                                  "--offline"), big_count))
            big.unlink()
        if args.with_dns:
            result, counts, note = dns_run(args.corpus, tmp, args.runs)
            results.append(result)
            notes.append(f"DNS run: {counts}; {note}")

        base = results[0].rate
        print(f"\n{'command':<38} {'msgs':>7} {'wall s':>7} {'msg/s':>7} {'x base':>7} {'CPU s':>7} "
              f"{'peak RSS MiB largest/all':>25}")
        for r in results:
            print(f"{r.name:<38} {r.messages:>7,} {r.seconds:>7.2f} {r.rate:>7.0f} {r.rate / base:>7.2f} "
                  f"{r.cpu_seconds:>7.2f} {r.peak_one_mib:>12.0f} / {r.peak_total_mib:<10.0f}")
        one, two = results[1], results[2]
        print(f"\nratios: scan --jobs 1 / baseline = {one.rate / base:.2f} (target >= 0.5); "
              f"--jobs 2 / --jobs 1 = {two.rate / one.rate:.2f} (target close to 2); CPU seconds of "
              f"--jobs 2 / --jobs 1 = {two.cpu_seconds / one.cpu_seconds:.2f} (the parallel run's overhead)")
        print(f"load average while measuring (other users of this machine): {os.getloadavg()[0]:.2f}")
        for note in notes:
            print(note)
        if args.profile:
            print()
            print(profile(mbox, tmp))

    startup = Path(__file__).with_name("filter_startup.py")
    if startup.exists():
        print("\nfilter start-up (benchmarks/filter_startup.py):")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(startup)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
