"""What one `mailcheck filter --offline` process loads: nothing that only DNS, probes, the terminal or Dask need.

procmail starts a process per message, so every module the filter imports is paid for per message
(benchmarks/filter_startup.py measures it). These tests read the process's sys.modules at exit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.filtermode import SAMPLES, child_env, run_filter

# Packages no offline filter run needs: the CLI framework and terminal report, DNS and the DNS-based
# authentication libraries, Dask and its file systems.
NEVER_OFFLINE = {"click", "rich", "dns", "dkim", "spf", "nacl", "authres", "dask", "distributed", "fsspec"}
# Our own modules that only a probe, a DNS answer or the click commands need.
OURS_NEVER_OFFLINE = {"mailcheck.probe.smtp", "mailcheck.probe.prober", "mailcheck.lookup.mx",
                      "mailcheck.commands.group"}
# Loaded only for a message with attachments.
FOR_ATTACHMENTS = {"mailcheck.parse.attachment_labels", "mailcheck.parse.filetypes", "mailcheck.parse.containers"}

RUN_AND_LIST = """
import atexit, sys
listing = sys.argv[1]
atexit.register(lambda: open(listing, "w").write("\\n".join(sorted(sys.modules))))
sys.argv = ["mailcheck", "filter", "--offline"]
from mailcheck.cli import main
main()
"""


def loaded(raw: bytes, tmp_path: Path) -> tuple[set[str], bytes]:
    listing = tmp_path / "modules.txt"
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST, str(listing)], input=raw, capture_output=True,
                          env=child_env(), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return set(listing.read_text().split()), done.stdout


def test_offline_filter_loads_no_dns_probe_terminal_or_dask_module(tmp_path: Path) -> None:
    raw = (SAMPLES / "clean.eml").read_bytes()
    modules, out = loaded(raw, tmp_path)
    assert out == run_filter(raw, "--offline").stdout  # the listing wrapper is the filter itself
    assert not {m for m in modules if m.split(".")[0] in NEVER_OFFLINE}
    assert not modules & OURS_NEVER_OFFLINE
    assert "mailcheck.checks.probe" in modules  # the probe check still runs (its fields say "not run")


def test_attachment_readers_load_only_for_a_message_with_attachments(tmp_path: Path) -> None:
    plain, _ = loaded((SAMPLES / "clean.eml").read_bytes(), tmp_path)
    assert not plain & FOR_ATTACHMENTS
    with_files, out = loaded((SAMPLES / "macro-document.eml").read_bytes(), tmp_path)
    assert with_files >= FOR_ATTACHMENTS
    assert b"attachment[0]=" in out


def test_offline_filter_builds_no_dataclass(tmp_path: Path) -> None:
    # A dataclass costs ~0.6 ms to build and `import dataclasses` ~11 ms (it brings inspect, ast, dis):
    # the value types on the filter's path are NamedTuples and small classes (mailcheck/model.py says why).
    # (A DKIM signature or an Office file still loads them, through dkimpy's dnspython and oletools' pyparsing.)
    for sample in ("clean.eml", "phishing.eml", "disguised-invoice.eml"):  # the last with attachments
        modules, _ = loaded((SAMPLES / sample).read_bytes(), tmp_path)
        assert not modules & {"dataclasses", "inspect"}, sample
