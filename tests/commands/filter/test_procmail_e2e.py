"""End to end with real procmail: the README recipe (`:0 fw` through `mailcheck filter`, then forged mail
into its own folder) over real messages; every delivered message is its input plus our headers,
also when mailcheck fails.

procmail runs as a general-purpose filter (`-m RCFILE`) with `-f-` (so it writes the mbox `From `
line and hands it to the filter, as it does as an MDA) and delivers into Maildir folders under a
temporary HOME: nothing outside the test's directory is touched, even as root (without -m, procmail
creates the invoking user's /var/mail spool file).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.filtermode import ROOT, SAMPLES, SHARED, VERDICTS, split_added, verdict_of

CORPUS = SHARED / "corpora" / "spamassassin-publiccorpus"
CORPUS_SAMPLE = 20
FILTER = f"{shlex.quote(sys.executable)} -m mailcheck filter"
ENTRY = ("Received: from relay.example.net (relay.example.net [203.0.113.50])\n"
         "\tby mx.example.org (Postfix) with ESMTP id 1B2C3D4E5F\n"
         "\tfor <bob@example.org>; Wed, 18 Nov 2026 08:30:02 +0000 (UTC)\n")
REST = "From: alice@example.com\nTo: bob@example.org\nSubject: hello\nDate: Wed, 18 Nov 2026 08:30:00 +0000\n"
PLANTED = ("X-Mailcheck-Verdict : validated\nx-mailcheck: from=validated;\n dkim[0]=validated\n"
           "Authentication-Results: mx.example.org; spf=pass; dkim=pass; dmarc=pass\n")
OURS = "Authentication-Results: mx.example.org; spf=pass\n"  # above the entry hop: your MTA's, kept
# name → (input, what must be delivered besides our headers), each built from its parts.
SYNTHETIC = {
    # Two From fields naming different authors: forged offline (RFC 5322 §3.6 allows one).
    "two-authors": (ENTRY + "From: mallory@example.net\n" + REST + "\nHello.\n",) * 2,
    # A sender pre-setting our verdict (odd spelling, folded) and your servers' results: removed.
    "planted": (OURS + ENTRY + PLANTED + REST + "\nX-Mailcheck-Verdict: validated\n",
                OURS + ENTRY + REST + "\nX-Mailcheck-Verdict: validated\n"),
    "crlf": ((ENTRY + PLANTED + REST + "\nline\n").replace("\n", "\r\n"),
             (ENTRY + REST + "\nline\n").replace("\n", "\r\n")),
    "no-final-newline": (ENTRY + REST + "\nno newline at the end",) * 2,
    "no-body": (ENTRY + REST, ENTRY + REST),
}


def need_procmail() -> str:
    path = shutil.which("procmail")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("procmail is not installed: .ci/run must `apt-get install -y procmail`")
    pytest.skip("procmail is not installed (apt-get install procmail); CI installs it and runs this test")


def unfiltered(raw: bytes) -> bytes:
    """A message as procmail files it when no filter changed it: a Maildir file has no From_ line."""
    return raw.split(b"\n", 1)[1] if raw.startswith(b"From ") else raw


def as_delivered(raw: bytes) -> bytes:
    """What procmail hands a filter (and files after it), From_ line aside: the message ending in an
    empty line, as in an mbox — one newline is added, two when the last line has none... measured:
    b"body" → b"body\\n", b"body\\n" → b"body\\n\\n", b"body\\n\\n" stays."""
    raw = unfiltered(raw)
    if raw.endswith(b"\n\n"):
        return raw
    return raw + b"\n"


class Procmail:
    """A temporary HOME with the README's recipe, filing into Maildirs forged/ and inbox/."""

    def __init__(self, home: Path, filter_command: str, pycache: Path, match: str = "forged") -> None:
        self.home = home
        self.procmail = need_procmail()
        self.mail = home / "Mail"
        self.rc = home / ".procmailrc"
        self.log = home / "procmail.log"
        for folder in ("inbox", match):
            for sub in ("new", "cur", "tmp"):
                (self.mail / folder / sub).mkdir(parents=True, exist_ok=True)
        self.rc.write_text(
            f"SHELL=/bin/sh\nMAILDIR={self.mail}\nDEFAULT={self.mail}/inbox/\nLOGFILE={self.log}\n\n"
            f":0 fw\n| {filter_command}\n\n"
            f":0\n* ^X-Mailcheck-Verdict: {match}\n{self.mail}/{match}/\n\n"
            f":0\n{self.mail}/inbox/\n"
        )
        self.env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),  # this checkout's mailcheck, installed or not
            "PYTHONPYCACHEPREFIX": str(pycache),  # bytecode kept between runs, outside the repo
        }

    def deliver(self, raw: bytes) -> tuple[str, bytes]:
        """Run procmail on one message; (folder, the delivered file's bytes)."""
        done = subprocess.run([self.procmail, "-m", "-f-", str(self.rc)], input=raw, env=self.env,
                              capture_output=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        files = [p for p in self.mail.glob("*/new/*") if p.is_file()]
        assert len(files) == 1, (files, self.log.read_text() if self.log.exists() else "")
        data = files[0].read_bytes()
        files[0].unlink()
        return files[0].parent.parent.name, data


Case = tuple[str, bytes, bytes]  # name, input, what must be delivered besides our headers


def project_samples() -> list[Case]:
    """samples/*.eml as they are (none carries a header of ours: checked)."""
    cases = [(p.name, p.read_bytes(), as_delivered(p.read_bytes())) for p in sorted(SAMPLES.glob("*.eml"))]
    assert not any(b"\nx-mailcheck" in raw.lower() for _, raw, _ in cases)  # else they would be removed
    return cases


def synthetic() -> list[Case]:
    return [(name, raw.encode(), as_delivered(want.encode())) for name, (raw, want) in SYNTHETIC.items()]


def corpus_messages() -> list[Case]:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent (the shared corpora are not cloned with the project)")
    files = sorted(p for p in CORPUS.glob("*/*") if p.is_file())
    step = max(len(files) // CORPUS_SAMPLE, 1)
    return [(f"{p.parent.name}/{p.name}", p.read_bytes(), as_delivered(p.read_bytes()))
            for p in files[::step][:CORPUS_SAMPLE]]


@pytest.fixture(scope="module")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pycache")


def check_delivered(procmail: Procmail, cases: list[Case]) -> dict[str, str]:
    verdicts = {}
    for name, raw, expected in cases:
        folder, delivered = procmail.deliver(raw)
        verdict = verdict_of(delivered)
        assert verdict in VERDICTS, name
        assert folder == ("forged" if verdict == "forged" else "inbox"), name
        added, rest = split_added(delivered)
        assert rest == expected, name
        assert added[0].startswith(b"X-Mailcheck-Verdict: "), name
        verdicts[name] = verdict
    return verdicts


def test_samples_through_procmail(tmp_path: Path, pycache: Path) -> None:
    procmail = Procmail(tmp_path, f"{FILTER} --offline --authserv-id mx.example.org", pycache)
    verdicts = check_delivered(procmail, synthetic())
    assert verdicts["two-authors"] == "forged"
    assert verdicts["planted"] == "forged"  # the planted headers are evidence first, then removed
    assert "error" not in verdicts.values(), verdicts
    procmail = Procmail(tmp_path / "plain", f"{FILTER} --offline", pycache)
    verdicts = check_delivered(procmail, project_samples())
    assert "error" not in verdicts.values(), verdicts


def test_real_mail_through_procmail(tmp_path: Path, pycache: Path) -> None:
    cases = corpus_messages()
    procmail = Procmail(tmp_path, f"{FILTER} --offline", pycache)
    verdicts = check_delivered(procmail, cases)
    assert len(verdicts) == CORPUS_SAMPLE
    assert "error" not in verdicts.values(), verdicts


def test_budget_running_out_still_delivers_everything(tmp_path: Path, pycache: Path) -> None:
    tiny = f"{FILTER} --offline --budget 0.000001"
    procmail = Procmail(tmp_path, tiny, pycache)
    verdicts = check_delivered(procmail, project_samples() + (corpus_messages()[:5] if CORPUS.is_dir() else []))
    # Planted results go even then ("planted" aside: with no analysis to tell your servers' results
    # from planted ones, both go — test_filter.py checks that).
    procmail = Procmail(tmp_path / "ids", f"{tiny} --authserv-id mx.example.org", pycache)
    verdicts.update(check_delivered(procmail, [c for c in synthetic() if c[0] != "planted"]))
    assert set(verdicts.values()) == {"error"}
    assert "time budget" in procmail.log.read_text()


def test_unusable_config_still_delivers_everything(tmp_path: Path, pycache: Path) -> None:
    procmail = Procmail(tmp_path, f"{FILTER} --offline --config {tmp_path}/missing.toml", pycache)
    verdicts = check_delivered(procmail, project_samples() + synthetic()[:1])
    assert set(verdicts.values()) == {"error"}


def test_mailcheck_that_cannot_start_leaves_the_message_alone(tmp_path: Path, pycache: Path) -> None:
    # -I -S: no site-packages, no PYTHONPATH: a broken installation, "No module named mailcheck".
    # The filter exits non-zero with no output; the `w` flag makes procmail keep the original.
    broken = f"{shlex.quote(sys.executable)} -I -S -m mailcheck filter --offline"
    procmail = Procmail(tmp_path, broken, pycache)
    for name, raw, _ in project_samples() + synthetic():
        folder, delivered = procmail.deliver(raw)
        assert folder == "inbox", name
        assert delivered == unfiltered(raw), name
    log = procmail.log.read_text()
    assert "No module named mailcheck" in log and "Rescue of unfiltered data succeeded" in log


# A sender planting `validated` where procmail reads header but a parser might not (parse/header_block.py):
# after a line of CR LF in an LF message, after a line that is no field, in a CR LF message's body.
PLANTED_PAST_THE_BLOCK = {
    "crlf-line": ENTRY + REST + "\r\nX-Mailcheck-Verdict: validated\n\nbody\n",
    "no-colon": ENTRY + REST + "X-Spam-a=b c: yes\nX-Mailcheck-Verdict: validated\n\nbody\n",
    "crlf-body": (ENTRY + REST + "\nX-Mailcheck-Verdict: validated\nX-Mailcheck: from=validated\n").replace(
        "\n", "\r\n"),
}


def test_recipes_matching_validated_are_as_safe_as_ones_matching_forged(tmp_path: Path, pycache: Path) -> None:
    procmail = Procmail(tmp_path, f"{FILTER} --offline", pycache, match="validated")
    for name, raw in PLANTED_PAST_THE_BLOCK.items():
        folder, delivered = procmail.deliver(raw.encode())
        assert folder == "inbox", name  # our verdict (offline: never validated) is the only one procmail sees
        header = delivered.split(b"\n\n", 1)[0]  # procmail's header: up to the first line of LF alone
        verdicts = [line for line in header.split(b"\n") if line.lower().startswith(b"x-mailcheck-verdict")]
        assert len(verdicts) == 1 and verdict_of(delivered) != "validated", (name, verdicts)
