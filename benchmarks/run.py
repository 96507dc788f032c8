"""`mailcheck scan` throughput and memory against a stdlib baseline, on an mbox of the SpamAssassin corpus.

    python benchmarks/run.py [--corpus DIR] [--runs N] [--with-dns] [--flat] [--profile] [--keep DIR]

Builds one mbox from ../shared/corpora/spamassassin-publiccorpus (6,294 messages, each file already
starting with its mbox From line; body lines are mboxrd-quoted as a writer would) in a temporary
folder, then, in the same run, times each command below in its own process and samples the resident
memory of its whole process tree (/proc, every 20 ms). `--runs N` rounds, each running every command in
turn (so the shared machine's other load falls on all alike); the medians are quoted (benchmarks/rounds.py):

- baseline: mailbox.mbox + email.message_from_bytes(policy=compat32), touching every header;
- mailcheck scan --offline --format jsonl at --jobs 1 and --jobs 2 (records to a file; the record
  count is checked against the message count), and the records' size per message and against the input;
- scan --offline --engine dask on a 2-worker LocalCluster (started and stopped by the scan, so its
  start-up is in the time), when dask and distributed are installed (the `dask` extra); its records
  and --jobs 2's are compared with --jobs 1's byte for byte;
- --with-dns: scan --jobs 2 with the DNS checks, against the loopback test DNS server
  (tests/support/dns_server.py) serving a generated zone: MX, A and SPF for every sender and From
  domain, DMARC p=none, and a DKIM key for the one message in ten the benchmark signs itself;
- --flat: scan --jobs 2 of the same corpus repeated 3 times, to show peak memory does not grow;
- --profile: cProfile of scan --jobs 1 on the first 1,500 messages, time by pipeline stage and check;
- benchmarks/filter_startup.py, when present (the filter's start-up time).

Prints a table (median msg/s and CPU seconds, each against the baseline's), the ratios (scan --jobs 1 /
baseline, --jobs 2 / --jobs 1, dask / --jobs 2) and, with --profile, where time goes.
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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the project's root
from benchmarks.rounds import (
    Result,
    dask_available,
    measure,
    ratios,
    record_size,
    same_records,
    scan_commands,
    summary_table,
)
from benchmarks.scan_profile import profile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "spamassassin-publiccorpus"
FOLDERS = ("easy_ham", "easy_ham_2", "hard_ham", "hard_ham_2", "spam", "spam_2")
SIGN_EVERY = 10
SEPARATOR_DATE = "Thu Aug 22 12:00:00 2002"

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


# -- commands ---------------------------------------------------------------------------------------


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


# -- main ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=1, help="rounds of every command (medians quoted)")
    parser.add_argument("--with-dns", action="store_true", help="also scan with DNS against a loopback server")
    parser.add_argument("--flat", action="store_true", help="also scan the corpus 3 times over (memory)")
    parser.add_argument("--profile", action="store_true", help="profile scan --jobs 1 on a subset")
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask engine")
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
        with_dask = not args.no_dask and dask_available()
        commands = scan_commands(mbox, tmp, scan_cmd, BASELINE, with_dask=with_dask)
        results: dict[str, list[Result]] = {c.name: [] for c in commands}
        for round_ in range(args.runs):
            for command in commands:
                result = measure(command.name, command.argv, count)
                if command.output is None and int(result.output.split()[0]) != count:
                    raise SystemExit(f"baseline read {result.output.split()[0]} messages, expected {count}")
                results[command.name].append(result)
            print(f"round {round_ + 1} of {args.runs} done", flush=True)
        outputs = [c.output for c in commands if c.output is not None]
        verdicts = [check_records(out, count) for out in outputs]
        notes = [f"verdicts (--jobs 1): {verdicts[0]}", same_records(outputs[0], outputs[1:]),
                 record_size(outputs[0], mbox, count)]
        if not with_dask:
            notes.append("dask engine: " + ("left out (--no-dask)" if args.no_dask else "dask not installed"))
        if args.flat:
            big = tmp / "spamassassin-x3.mbox"
            big_count, _, _ = build_mbox(args.corpus, big, repeat=3)
            results["scan --offline --jobs 2, corpus x3"] = [
                measure("scan --offline --jobs 2, corpus x3", scan_cmd(big, tmp / "x3.jsonl", 2, "--offline"),
                        big_count)]
            big.unlink()
        if args.with_dns:
            result, counts, note = dns_run(args.corpus, tmp, args.runs)
            results[result.name] = [result]
            notes.append(f"DNS run (best of {args.runs}): {counts}; {note}")

        print(f"\nmedians of {args.runs} round(s); x base: msg/s over the baseline's, and the baseline's CPU s "
              "over the command's (higher is better in both)")
        print("\n".join(summary_table(results)))
        print(ratios(results))
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
