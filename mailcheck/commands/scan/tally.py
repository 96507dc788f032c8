"""A scan's totals: what each message contributes (Outcome) and the counts the summary shows (Tally)."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mailcheck.reporters.sanitize import safe_text

if TYPE_CHECKING:
    from mailcheck.model import Finding

# Every count below is bounded so that memory stays flat however many messages a scan reads.
MAX_LISTED = 50  # unreadable / skipped messages kept by name (the rest are only counted)
MAX_KEYS = 2000  # distinct forged-finding patterns, problems or field families kept
MAX_FORGED_LISTED = 10_000  # forged messages kept by name and position for the summary (the rest are counted)
MAX_FORGED_FIELDS = 8  # forged fields kept per listed message, each with its one-line reason
REASON_CHARS = 200
OTHER = "(other)"


@dataclass(frozen=True)
class Outcome:
    """What one item of a scan came to: small and picklable, computed in the worker process."""

    name: str  # the message as reports name it (path, or path#N inside an mbox)
    position: dict[str, Any]
    size: int  # input bytes it accounts for (progress)
    status: str  # the verdict ("validated", "forged", "unverifiable"), "error" or "skipped"
    reason: str = ""  # error / skipped: why
    labels: tuple[tuple[str, str], ...] = ()  # (field family, label) for every field
    forged: tuple[tuple[str, str], ...] = ()  # (check, normalised first evidence) for every forged field
    problems: tuple[str, ...] = ()  # the report's errors: input problems, checks that crashed
    line: str | None = None  # the JSON record, when the scan writes them
    forged_fields: tuple[tuple[str, str], ...] = ()  # (field name, one-line reason), the first MAX_FORGED_FIELDS
    forged_field_count: int = 0


@dataclass(frozen=True)
class ForgedMessage:
    """A forged message as the summary lists it: where it is and which fields are forged, and why."""

    name: str
    position: dict[str, Any]  # source, index, path, offset (sources.Item.position)
    fields: tuple[tuple[str, str], ...]
    more_fields: int = 0  # forged fields beyond those kept


def forged_fields(fields: Iterable[Finding]) -> tuple[tuple[tuple[str, str], ...], int]:
    """The forged fields of a report as (name, one-line reason), at most MAX_FORGED_FIELDS, and how many."""
    from mailcheck.reporters.findings import one_line_reason

    forged = [f for f in fields if f.label == "forged"]  # Label is a str: no enum property on every field
    kept = tuple((f.name, safe_text(one_line_reason(f), REASON_CHARS)) for f in forged[:MAX_FORGED_FIELDS])
    return kept, len(forged)


_INDEX = re.compile(r"\[\d+\]")


# Every field of every message passes here, and names recur ("url[3]", "received[0]"): the answer is kept.
@lru_cache(maxsize=4096)
def field_family(name: str) -> str:
    """'received[3]' → 'received', 'header:X-Spam-Status[0]' → 'header:x-spam-status'."""
    family = _INDEX.sub("", name) if "[" in name else name
    if family.startswith("header:"):
        family = "header:" + family[7:].lower()  # RFC 5322 §1.2.2: field names are case-insensitive
    return family


# Order matters: addresses before domains; IPs, dates, times and durations before bare numbers.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|«[^»]*»"), "'…'"),
    (re.compile(r"<[^<>\s]*>"), "<…>"),
    (re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+"), "ADDRESS"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), "IP"),
    (re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}(?![\w:])"
                r"|(?<![\w:])[0-9a-fA-F:]*::[0-9a-fA-F:]*(?![\w:])"), "IP"),
    (re.compile(r"\b(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b"), "DOMAIN"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?"), "DATE"),
    (re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"), "TIME"),
    (re.compile(r"\b(?:\d+[dhms])+\b"), "DURATION"),
    (re.compile(r"\d+(?:\.\d+)*"), "N"),
)


def pattern_of(text: str, limit: int = 160) -> str:
    """A sentence with its particulars (names, addresses, numbers, quoted values) replaced, so that
    the same finding about different messages counts as one."""
    text = safe_text(text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return safe_text(text, limit)


def _bump(counter: Counter[Any], key: Any, other: Any = OTHER) -> None:
    if key in counter or len(counter) < MAX_KEYS:
        counter[key] += 1
    else:
        counter[other] += 1


_FOLD_AT = 8 * MAX_KEYS  # pairs held before families past the first MAX_KEYS are folded into OTHER


def _fold(pairs: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """The first MAX_KEYS families (in the order first seen) as they are, every later one as OTHER."""
    kept: set[str] = set()
    folded: Counter[tuple[str, str]] = Counter()
    for (family, label), n in pairs.items():
        if family not in kept and len(kept) < MAX_KEYS:
            kept.add(family)
        folded[(family if family in kept else OTHER, label)] += n
    return folded


@dataclass
class Tally:
    """Running totals of a scan; the summary reporter renders them."""

    records: int = 0  # messages read (analysed or failed); skipped files are not messages
    bytes: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    # (field family, label) → count, flat so that a message's labels are counted in one C call; `labels`
    # nests them. At most MAX_KEYS families keep their names (the first seen), the rest count as OTHER.
    label_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    forged: Counter[tuple[str, str]] = field(default_factory=Counter)
    forged_example: dict[tuple[str, str], str] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (message, why), the first MAX_LISTED
    failure_count: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    skipped_count: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    forged_messages: list[ForgedMessage] = field(default_factory=list)  # the first MAX_FORGED_LISTED
    dns: Counter[str] = field(default_factory=Counter)  # asked / local / shared / forwarded / sent
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        self.bytes += outcome.size
        if outcome.status == "skipped":
            self.skipped_count += 1
            if len(self.skipped) < MAX_LISTED:
                self.skipped.append((outcome.name, outcome.reason))
            return
        self.records += 1
        self.verdicts[outcome.status] += 1
        if outcome.status == "error":
            self.failure_count += 1
            if len(self.failures) < MAX_LISTED:
                self.failures.append((outcome.name, outcome.reason))
            return
        pairs = self.label_pairs
        pairs.update(outcome.labels)
        if len(pairs) > _FOLD_AT:
            self.label_pairs = _fold(pairs)
        if outcome.status == "forged" and len(self.forged_messages) < MAX_FORGED_LISTED:
            self.forged_messages.append(ForgedMessage(
                outcome.name, outcome.position, outcome.forged_fields,
                max(outcome.forged_field_count - len(outcome.forged_fields), 0)))
        for key in outcome.forged:
            _bump(self.forged, key, ("", OTHER))
            if key in self.forged and key not in self.forged_example:
                self.forged_example[key] = outcome.name
        for problem in outcome.problems:
            _bump(self.problems, pattern_of(problem))

    @property
    def labels(self) -> dict[str, Counter[str]]:
        """Field family → label → count."""
        nested: dict[str, Counter[str]] = {}
        for (family, label), n in _fold(self.label_pairs).items():
            nested.setdefault(family, Counter())[label] += n
        return nested

    def finish(self, interrupted: bool = False) -> None:
        self.elapsed = time.monotonic() - self.started
        self.interrupted = interrupted

    @property
    def rate(self) -> float:
        elapsed = self.elapsed or (time.monotonic() - self.started)
        return self.records / elapsed if elapsed > 0 else 0.0

    @property
    def any_forged(self) -> bool:
        return self.verdicts["forged"] > 0
