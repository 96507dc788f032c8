"""The sentences that say what is risky about one attachment, read from its name, bytes and structure.

Each function reads names, bytes or structure only: nothing is opened, decompressed to disk, run or rendered.
"""

from __future__ import annotations

import re

from mailcheck.parse.attachments import Attachment
from mailcheck.parse.containers import Macros, list_zip, scan_macros
from mailcheck.parse.filetypes import KIND_OF_EXTENSION, MACRO_EXTENSIONS, Kind, Sniffed, extensions, kind_of_type
from mailcheck.parse.lazy_pattern import lazy_compile

# Kinds that do something when opened, rather than being shown.
ACTIVE = frozenset({Kind.EXECUTABLE, Kind.SCRIPT, Kind.HTML})
# Kinds a reader opens expecting only to look at them: a name hiding an active kind behind one is the trick.
INERT = frozenset({Kind.PDF, Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.OFFICE, Kind.ARCHIVE, Kind.TEXT, Kind.SVG})
# Characters that reverse how the rest of a name is displayed ("invoice\u202efdp.exe" shows as "invoiceexe.pdf").
BIDI_OVERRIDES = {"\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
                  "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u202d": "LEFT-TO-RIGHT OVERRIDE"}
_HTML_SCAN = 1024 * 1024  # bytes of an HTML or SVG file searched for forms and scripts
_HTML_TELLS: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("a form (<form>), which sends what is typed into it to a server", lazy_compile(rb"<form\b", re.I)),
    ("a password field", lazy_compile(rb"<input\b[^>]*\btype\s*=\s*[\"']?password", re.I)),
    ("scripts (<script>)", lazy_compile(rb"<script\b", re.I)),
    ("event-handler scripts (on…= attributes)",
     lazy_compile(rb"<[a-z][^>]*\son(?:load|error|click|mouseover)\s*=", re.I)),
    ("javascript: links", lazy_compile(rb"javascript\s*:", re.I)),
    ("a refresh that sends the browser to another page", lazy_compile(rb"http-equiv\s*=\s*[\"']?refresh", re.I)),
    ("an embedded frame (<iframe>)", lazy_compile(rb"<iframe\b", re.I)),
)
_NAMES_SHOWN = 5


def double_extension(name: str) -> tuple[str, str] | None:
    """("pdf", "exe") for "invoice.pdf.exe": an active last extension behind an inert one."""
    exts = extensions(name)
    if len(exts) < 2:
        return None
    last, before = KIND_OF_EXTENSION.get(exts[0]), KIND_OF_EXTENSION.get(exts[1])
    if last in ACTIVE and before in INERT:
        return exts[1], exts[0]
    return None


def name_risks(name: str, where: str = "Its name") -> list[str]:
    """Double extensions and display-reversing characters in a file name."""
    found: list[str] = []
    double = double_extension(name)
    if double is not None:
        found.append(f"{where} ends in .{double[0]}.{double[1]}: it shows a .{double[0]} file but is "
                     f"opened as .{double[1]} ({KIND_OF_EXTENSION[double[1]].value}).")
    tricks = [f"U+{ord(char):04X} {label}" for char, label in BIDI_OVERRIDES.items() if char in name]
    if tricks:
        found.append(f"{where} contains {', '.join(tricks)}, which makes mail clients display the end of the "
                     "name reversed, hiding its real extension.")
    return found


def _html_tells(data: bytes) -> list[str]:
    window = data[:_HTML_SCAN]
    return [what for what, pattern in _HTML_TELLS if pattern.search(window)]


def _zip_risks(data: bytes) -> list[str]:
    listing = list_zip(data)
    if listing is None:
        return []
    if listing.problem is not None:
        return [f"It is a zip archive, but {listing.problem}."]
    found: list[str] = []
    if listing.encrypted:
        found.append(f"{len(listing.encrypted)} of its {listing.total} archive members are encrypted "
                     "(password-protected), so no scanner on the way could look inside them.")
    active = [n for n in listing.names if KIND_OF_EXTENSION.get((extensions(n) or [""])[0]) in ACTIVE]
    if active:
        shown = ", ".join(repr(n) for n in active[:_NAMES_SHOWN]) + (" …" if len(active) > _NAMES_SHOWN else "")
        found.append(f"The archive holds {len(active)} member(s) named as programs, scripts or web pages: {shown}.")
    for member in listing.names:
        for sentence in name_risks(member, f"The archive member {member!r}"):
            found.append(sentence)
            if len(found) > _NAMES_SHOWN + 2:
                return found
    if listing.total > len(listing.names):
        found.append(f"Only the first {len(listing.names)} of its {listing.total} members were listed.")
    return found


def _is_office(attachment: Attachment, sniffed: Sniffed) -> bool:
    exts = extensions(attachment.filename or "")
    named = KIND_OF_EXTENSION.get(exts[0]) if exts else None
    return Kind.OFFICE in (sniffed.kind, kind_of_type(attachment.declared), named)


def _office_risks(attachment: Attachment, sniffed: Sniffed, data: bytes | None) -> list[str]:
    found: list[str] = []
    exts = extensions(attachment.filename or "")
    if exts and exts[0] in MACRO_EXTENSIONS:
        found.append(f"Its name ends in .{exts[0]}, an Office format made to carry macros.")
    elif "macroenabled" in attachment.declared:
        found.append(f"Its declared type {attachment.declared} is an Office format made to carry macros.")
    if data is not None and (sniffed.kind in (Kind.OFFICE, Kind.ARCHIVE) or sniffed.kind is None):
        scan = scan_macros(attachment.filename or "", data)
        if scan.state is Macros.FOUND:
            found.append(f"{scan.detail}: opening it and enabling content runs them.")
        elif scan.state is Macros.UNKNOWN and sniffed.kind is Kind.OFFICE:
            found.append(f"Whether it carries macros is unknown: {scan.detail}.")
    return found


def risks(attachment: Attachment, sniffed: Sniffed) -> list[str]:
    """Every risk sentence for one attachment, most serious first."""
    found: list[str] = []
    if attachment.size == 0 and not attachment.is_message:
        found.append("The part is empty: the file's content was stripped on the way or never sent.")
    data = attachment.data
    body = data if data is not None else attachment.head
    name_kind = KIND_OF_EXTENSION.get((extensions(attachment.filename or "") or [""])[0])
    if sniffed.kind is Kind.EXECUTABLE:
        found.append("Its bytes are a program: opening it runs it.")
    elif sniffed.kind is Kind.SCRIPT:
        found.append("Its bytes are a script: opening it may run it.")
    if name_kind in (Kind.EXECUTABLE, Kind.SCRIPT) and sniffed.kind not in (Kind.EXECUTABLE, Kind.SCRIPT):
        ext = extensions(attachment.filename or "")[0]
        what = "a program" if name_kind is Kind.EXECUTABLE else "a script"
        found.append(f"Its name ends in .{ext}, the extension of {what}: opening it may run it.")
    if Kind.HTML in (sniffed.kind, name_kind) or Kind.SVG in (sniffed.kind, name_kind):
        tells = _html_tells(body)
        what = "an SVG image (a format that can carry scripts)" if Kind.SVG in (sniffed.kind, name_kind) else \
            "a web page, which opens in a browser from the local disk, outside the mail client's protections"
        found.append(f"It is {what}" + (f"; it contains {', '.join(tells)}." if tells else "."))
    if attachment.filename:
        found.extend(name_risks(attachment.filename))
    if _is_office(attachment, sniffed):
        found.extend(_office_risks(attachment, sniffed, data))
    if "encrypted" in sniffed.description.lower():
        found.append(f"libmagic describes it as {sniffed.description!r}: its content is encrypted, "
                     "so no scanner on the way could look inside it.")
    if data is not None and sniffed.kind in (Kind.ARCHIVE, Kind.OFFICE, Kind.EXECUTABLE, None):
        found.extend(_zip_risks(data) if sniffed.kind is not Kind.OFFICE else [])
    return found
