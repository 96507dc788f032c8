"""How the attachments check labels one attached file: its claims (name, declared type) against its bytes.

Kept apart from checks/attachments.py so that the file-type sniffing and risk tables load only when a
message has attachments.
"""

from __future__ import annotations

from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.attachment_risks import ACTIVE, INERT, risks
from mailcheck.parse.attachments import HASH_CAP, SNIFF_BYTES, Attachment
from mailcheck.parse.filetypes import Kind, Sniffed, kind_of_name, kind_of_type, sniff

CHECK = "attachments"  # the check these findings belong to (checks/attachments.py)

_NEVER_OPENED = ("mailcheck never opens, runs or renders an attachment, so what it does when opened "
                 "cannot be checked.")
# Office saves web pages under .doc/.xls names, so HTML bytes under an Office claim are reported, not forged.
_HTML_MAY_CLAIM = frozenset({Kind.OFFICE, Kind.TEXT, Kind.HTML})
_SCRIPT_MAY_CLAIM = frozenset({Kind.TEXT, Kind.SCRIPT, Kind.HTML})  # a script is text, and HTML holds scripts


def contradiction(attachment: Attachment, sniffed: Sniffed) -> str | None:
    """The sentence that proves the attachment disguised, or None when its claims fit its bytes."""
    found = sniffed.kind
    if found not in ACTIVE:
        return None
    allowed = _HTML_MAY_CLAIM if found is Kind.HTML else _SCRIPT_MAY_CLAIM if found is Kind.SCRIPT else frozenset()
    claims = []
    name_kind = kind_of_name(attachment.filename)
    if name_kind in INERT and name_kind not in allowed:
        claims.append(f"its name {attachment.filename!r} says {_article(name_kind)}")
    declared_kind = kind_of_type(attachment.declared)
    if declared_kind in INERT and declared_kind not in allowed:
        claims.append(f"its declared type {attachment.declared} says {_article(declared_kind)}")
    if not claims:
        return None
    return (f"The attachment is disguised: {' and '.join(claims)}, but its bytes are "
            f"{_article(found)} ({sniffed.description[:120]}).")


def _article(kind: Kind) -> str:
    text = {Kind.EXECUTABLE: "program", Kind.OTHER: "data file"}.get(kind, kind.value)
    return ("an " if text[0].lower() in "aeiou" else "a ") + text


def _mismatch(attachment: Attachment, sniffed: Sniffed) -> str | None:
    """A disagreement between claim and bytes that proves nothing (mailers mislabel files all the time)."""
    declared = kind_of_type(attachment.declared)
    named = kind_of_name(attachment.filename)
    for source, claimed in (("declared type", declared), ("name", named)):
        if claimed is None or sniffed.kind is None or claimed is sniffed.kind:
            continue
        if claimed in (Kind.OTHER, Kind.TEXT) or sniffed.kind in (Kind.OTHER, Kind.TEXT):
            continue  # "data" and "text" are what libmagic says when it cannot tell more
        return (f"Its {source} says {_article(claimed)} but its bytes are {_article(sniffed.kind)}; "
                "mailers often mislabel files, so this alone shows no deceit.")
    return None


def _facts(attachment: Attachment, sniffed: Sniffed) -> list[str]:
    name = repr(attachment.filename) if attachment.filename else "no file name"
    where = f" It is inside the attached message attachment[{attachment.inside}]." if attachment.inside is not None \
        else ""
    lines = [f"Attachment with {name}, declared Content-Type {attachment.declared or '(none)'}, "
             f"Content-Disposition {attachment.disposition or '(none)'}.{where}"]
    if sniffed.kind is None and not sniffed.mime:
        lines.append(f"Its bytes were not sniffed: {sniffed.description or 'libmagic could not be loaded'}.")
    else:
        lines.append(f"libmagic reads its bytes as {sniffed.mime} ({sniffed.description[:200]}).")
    if attachment.data is not None:
        lines.append(f"Size {attachment.size:,} bytes; SHA-256 {attachment.sha256}.")
    else:
        lines.append(f"Size about {attachment.size:,} bytes: too large to hash (over the {HASH_CAP // 2**20} MiB "
                     f"cap); only its first {SNIFF_BYTES // 1024} KiB were sniffed.")
    if attachment.decode_problem:
        lines.append(f"Decoding: {attachment.decode_problem}.")
    return lines


def _value(attachment: Attachment) -> str:
    return attachment.filename if attachment.filename else f"({attachment.declared or 'untyped'} part, no name)"


def label(attachment: Attachment) -> Finding:
    sniffed = sniff(attachment.head) if attachment.size else Sniffed("application/x-empty", "empty", Kind.OTHER)
    name = f"attachment[{attachment.index}]"
    facts = _facts(attachment, sniffed)
    if attachment.is_message:
        facts.append("Its own attached files, if any, are listed after it.")
    found = risks(attachment, sniffed)
    mismatch = _mismatch(attachment, sniffed)
    notes = [*found, *([mismatch] if mismatch else [])]
    reason = contradiction(attachment, sniffed)
    if reason is not None:
        return Finding(name, _value(attachment), Label.FORGED, (reason, *facts, *found), CHECK)
    return Finding(name, _value(attachment), Label.UNVERIFIABLE, (*facts, *notes, _NEVER_OPENED), CHECK,
                   Basis.UNCHECKABLE)


