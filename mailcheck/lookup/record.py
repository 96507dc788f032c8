"""--dns-record / --dns-replay: every DNS answer an analysis used, in a file that reproduces it later.

The file is JSON Lines, UTF-8. The first line names the format:
    {"format": "mailcheck-dns-record", "version": 1}
and every further line is one question and its outcome, keys sorted:
    {"detail": "", "name": "example.com", "records": ["10 mx.example.com"], "status": "ok", "type": "MX"}
name is lower-case without the trailing dot, type upper-case, status a DnsStatus value, records the
DnsAnswer text forms. Failures (timeout, servfail, …) are recorded too, so a replay reproduces the
analysis exactly as it was. Lines are appended as answers are first used (a crashed run still leaves
them); close() rewrites the file sorted by (name, type), so two runs that used the same answers write
identical files. Budget and offline outcomes are not recorded: they say nothing about DNS.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, TextIO

from mailcheck.lookup.contract import DnsAnswer, DnsStatus, RunDns, current_message, normalise_name

FORMAT = "mailcheck-dns-record"
VERSION = 1
_NOT_RECORDED = frozenset({DnsStatus.BUDGET, DnsStatus.OFFLINE})
# Files written before CNAME_LOOP was a status of its own carry a loop as "error" with this detail;
# they are read as CNAME_LOOP, so replaying them still gives the analysis they were recorded with.
_LEGACY_CNAME_LOOP = "the CNAME chain loops or is longer than 16 links"


def _line(answer: DnsAnswer) -> str:
    return json.dumps({"name": answer.name, "type": answer.rdtype, "status": answer.status.value,
                       "records": list(answer.records), "detail": answer.detail}, sort_keys=True)


def _header() -> str:
    return json.dumps({"format": FORMAT, "version": VERSION}, sort_keys=True)


class Recorder:
    """Collects the answers used in a run and writes them to `path` (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._answers: dict[tuple[str, str], DnsAnswer] = {}
        self._lock = threading.Lock()
        try:
            self._out: TextIO | None = path.open("w", encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"--dns-record {path}: {exc}") from exc
        self._out.write(_header() + "\n")
        self._out.flush()

    def add(self, answer: DnsAnswer) -> None:
        if answer.status in _NOT_RECORDED:
            return
        key = (answer.name, answer.rdtype)
        with self._lock:
            if key in self._answers or self._out is None:
                return
            self._answers[key] = answer
            self._out.write(_line(answer) + "\n")
            self._out.flush()

    def close(self) -> None:
        with self._lock:
            if self._out is None:
                return
            self._out.close()
            self._out = None
            lines = [_header()] + [_line(self._answers[k]) for k in sorted(self._answers)]
            self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_record(path: Path) -> dict[tuple[str, str], DnsAnswer]:
    """Read a --dns-record file; ValueError with the line number when it is not one."""
    answers: dict[tuple[str, str], DnsAnswer] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"--dns-replay {path}: {exc}") from exc
    lines = text.splitlines()
    try:
        header = json.loads(lines[0]) if lines else None
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
        raise ValueError(f"--dns-replay {path}: not a {FORMAT} version {VERSION} file")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            answer = _answer_from(json.loads(line))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"--dns-replay {path}, line {number}: {exc}") from exc
        answers[(answer.name, answer.rdtype)] = answer
    return answers


def _answer_from(item: Any) -> DnsAnswer:
    if not isinstance(item, dict):
        raise TypeError("expected an object")
    records = item["records"]
    if not isinstance(records, list) or not all(isinstance(r, str) for r in records):
        raise TypeError("records must be a list of strings")
    status, detail = DnsStatus(item["status"]), str(item.get("detail", ""))
    if status is DnsStatus.ERROR and detail == _LEGACY_CNAME_LOOP:
        status = DnsStatus.CNAME_LOOP
    return DnsAnswer(normalise_name(str(item["name"])), str(item["type"]).upper(), status, tuple(records), detail)


class ReplayDns:
    """--dns-replay: answers only from a recorded file; any other question is OFFLINE."""

    budget = None  # nothing here takes time
    offline = False  # questions missing from the file answer OFFLINE one by one; the run is not offline

    def __init__(self, path: Path, recorder: Recorder | None = None) -> None:
        self._answers = load_record(path)
        self.recorder = recorder
        self.path = path
        self.stats = RunDns()

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        key = (normalise_name(name), rdtype.upper())
        message = current_message()
        if message is not None:
            message.asked += 1
        self.stats.asked += 1
        answer = self._answers.get(key)
        if answer is None:
            return DnsAnswer(*key, DnsStatus.OFFLINE, detail="not in replay file")
        self.stats.cache_hits += 1
        if self.recorder is not None:
            self.recorder.add(answer)
        return answer

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()
