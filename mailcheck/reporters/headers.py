"""Report → the header fields `mailcheck filter` adds: the verdict, each field's label, Authentication-Results.

Nothing the message wrote reaches these headers except field names, and those pass through
`safe_name` (a short whitelist, everything else percent-encoded): a sender cannot end a line,
start a header of its own or plant a `name=label` pair. Evidence sentences stay out on purpose;
they quote the message, and `mailcheck FILE` shows them.

Fields are returned as text: physical lines joined by "\n" (the filter turns that into the
message's own line ending), folded per RFC 5322 §2.2.3 with every line ≤ 78 characters where a
token allows it and always far below the 998-octet limit of §2.1.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mailcheck.model import Label, Report
from mailcheck.parse.lazy_pattern import lazy_compile

VERDICT_HEADER = "X-Mailcheck-Verdict"
FIELDS_HEADER = "X-Mailcheck"
INCOMPLETE_HEADER = "X-Mailcheck-Incomplete"  # only when something could not be examined
AUTHRES_HEADER = "Authentication-Results"
ERROR = "error"  # the fourth verdict token: the filter could not analyse the message

LINE_LIMIT = 78  # RFC 5322 §2.1.1: "SHOULD be no more than 78 characters"
NAME_LIMIT = 60  # a field name longer than this is cut: " name=unverifiable;" then fits one line
MAX_FIELDS = 200  # more labels than this: forged ones first, the rest counted
REASON_LIMIT = 200

# Field names are ours ("from", "received[2]", "url[7]") except the header names some checks embed
# ("header:X-Spam-Flag[0]"); anything outside this set is percent-encoded so that ';', '=', spaces
# and controls from a sender cannot reshape the list.
_SAFE_NAME = lazy_compile(r"[^A-Za-z0-9._:\[\]-]")
# RFC 2045 token (RFC 8601 §2.2 authserv-id = value): operators pass domain names, which fit.
_TOKEN = lazy_compile(r"[A-Za-z0-9!#$&'*+.^_`{|}~-]+")
_PRINTABLE = lazy_compile(r"[^\x20-\x7e]")

# RFC 8601 §2.7: the registered methods, read from the fields whose label is that method's result.
#   spf   ← envelope-sender: labelled by SPF for MAIL FROM alone (pass validated, fail forged)
#   dkim  ← dkim[N]: validated when the signature verifies, forged when a hash does not match
#   dmarc ← from: validated when an aligned identity passes; forged when DMARC fails under an
#           enforcing policy, or for several From authors (which RFC 7489 §6.6.1 lets receivers fail)
#   arc   ← arc: the chain's validation (RFC 8617 cv)
# Only the two definite results are written: our "unverifiable" merges results the label cannot tell
# apart (temperror, permerror, neutral, softfail, none, policy), and a method not run must not be
# listed. No unregistered method is invented for the other fields (§2.7.6 wants methods registered;
# readers ignore unknown ones): X-Mailcheck carries them.
_METHODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("spf", lazy_compile(r"envelope-sender\Z")),
    ("dkim", lazy_compile(r"dkim\[\d+\]\Z")),
    ("dmarc", lazy_compile(r"from\Z")),
    ("arc", lazy_compile(r"arc\Z")),
)
_RESULTS = {Label.VALIDATED: "pass", Label.FORGED: "fail"}


def safe_name(name: str) -> str:
    """A field name that is printable ASCII without spaces, ';', '=' or '%' of its own, ≤ NAME_LIMIT."""
    encoded = _SAFE_NAME.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), name)
    if len(encoded) > NAME_LIMIT:
        encoded = encoded[: NAME_LIMIT - 2] + ".."
    return encoded or "%00"


def safe_reason(text: str) -> str:
    """Our own error text, defensively: printable ASCII on one line, cut to REASON_LIMIT."""
    text = _PRINTABLE.sub("?", " ".join(text.split()))
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 3] + "..."


def fold(name: str, tokens: Iterable[str]) -> str:
    """`Name: tok tok …` folded at the spaces between tokens (RFC 5322 §2.2.3). A token never
    contains a line break; one longer than a line gets a line of its own (still < 998 octets)."""
    lines: list[str] = []
    current = f"{name}:"
    for token in tokens:
        if len(current) + 1 + len(token) > LINE_LIMIT and current.strip() and not current.endswith(":"):
            lines.append(current)
            current = ""
        current += f" {token}"
    lines.append(current)
    return "\n".join(lines)


def _label_tokens(report: Report) -> list[str]:
    fields = report.fields
    keep: set[int] = set()
    # Forged labels are what a reader or recipe acts on: they are never the ones left out.
    for wanted in (True, False):
        for i, f in enumerate(fields):
            if len(keep) >= MAX_FIELDS:
                break
            if (f.label is Label.FORGED) == wanted:
                keep.add(i)
    tokens = [f"{safe_name(f.name)}={f.label.value};" for i, f in enumerate(fields) if i in keep]
    omitted = len(fields) - len(keep)
    if omitted:
        tokens.append(f"({omitted} more not listed)")
    elif tokens:
        tokens[-1] = tokens[-1].rstrip(";")
    return tokens


def verdict_field(verdict: str) -> str:
    return f"{VERDICT_HEADER}: {verdict}"


def fields_field(report: Report) -> str:
    """`X-Mailcheck: from=validated; received[0]=validated; …` — every field's label."""
    tokens = _label_tokens(report)
    return fold(FIELDS_HEADER, tokens or ["(no fields)"])


def incomplete_field(report: Report) -> str:
    """`X-Mailcheck-Incomplete: check:from; body-part[1]` — what could not be examined. A header of its own:
    X-Mailcheck-Verdict stays one token, so recipes that match it keep working."""
    names = [safe_name(name) for name in report.not_examined[:MAX_FIELDS]]
    tokens = [name + ";" for name in names[:-1]] + names[-1:]
    if len(report.not_examined) > MAX_FIELDS:
        tokens[-1] += ";"
        tokens.append(f"({len(report.not_examined) - MAX_FIELDS} more not listed)")
    return fold(INCOMPLETE_HEADER, tokens)


def check_authserv_id(authserv_id: str) -> str:
    """The --authserv-id to write; raises ValueError unless it is an RFC 2045 token (a domain name is)."""
    if not _TOKEN.fullmatch(authserv_id):
        raise ValueError(f"--authserv-id {authserv_id!r} is not a token (use a domain name)")
    return authserv_id


def authres_field(report: Report, authserv_id: str) -> str:
    """RFC 8601 Authentication-Results with the registered methods our checks decided, else `none`.

    Written by hand rather than with authres: it needs no parsing, only these few tokens, and authres
    neither folds nor checks the authserv-id."""
    results: list[str] = []
    for method, pattern in _METHODS:
        for f in report.fields:
            result = _RESULTS.get(f.label)
            if result is not None and pattern.match(f.name):
                results.append(f"{method}={result} ({f.name})")  # a comment (§2.2) naming our field
    tokens = [f"{check_authserv_id(authserv_id)};"]
    tokens += [r + ";" for r in results[:-1]] + results[-1:] if results else ["none"]
    return fold(AUTHRES_HEADER, tokens)


def report_fields(report: Report, authserv_id: str | None = None) -> list[str]:
    """The fields to add for an analysed message, in the order they go on top of the message."""
    added = [verdict_field(report.verdict.value)]
    if not report.complete:
        added.append(incomplete_field(report))
    if authserv_id is not None:
        added.append(authres_field(report, authserv_id))
    added.append(fields_field(report))
    return added


def error_fields(reason: str) -> list[str]:
    """The fields to add when the message could not be analysed: the verdict `error` and why."""
    return [verdict_field(ERROR), fold(FIELDS_HEADER, ["error:", *(safe_reason(reason).split() or ["unknown"])])]


def physical_lines(fields: Sequence[str]) -> list[str]:
    return [line for f in fields for line in f.split("\n")]
