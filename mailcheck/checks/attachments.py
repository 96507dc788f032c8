"""Attached files: what each one claims to be, what its bytes are, and what it would do if opened.

Every attached file becomes one field, ``attachment[N]`` (N counts from 0 in MIME order), whose value is
its file name. Its evidence gives the declared Content-Type and disposition, the type libmagic reads in
its bytes, its decoded size and its SHA-256. Attached messages (message/rfc822) are listed too, and the
files inside them after them, saying which message they sit in. mailcheck never opens, runs or renders
an attachment; zip archives are listed from their directory, nothing in them is decompressed.

forged
    The file name's extension or the declared Content-Type names a kind of file that is only looked at
    (a PDF, an image, audio or video, an Office document, an archive, text) and the bytes are a kind that
    acts when opened: a program (PE, ELF, Mach-O, an installer, a shortcut), a script, or a web page.
    ``invoice.pdf`` whose bytes are a Windows program is forged, and so is an ``image/png`` that is HTML.
    A generic type (application/octet-stream, which many mailers send for every file) claims nothing and
    so never contradicts anything; a script sent as text/plain is text, so it is not a contradiction
    either. An Office name on HTML bytes (Office itself saves web pages with .doc and .xls names) and a
    mismatch between two passive kinds (a "PNG" that is a JPEG) are reported, never forged.

unverifiable
    Everything else: what a file does when it is opened cannot be known without opening it. The evidence
    names what makes an attachment risky: a program or a script (by its bytes or its name), a web page or
    SVG image and whether it holds a form, a password field or scripts, an Office file with macros
    (oletools' olevba detection, or a macro-enabled format such as .docm), an encrypted archive or
    document, archive members named as programs, a double extension (``invoice.pdf.exe``), and a
    right-to-left override character that makes a name display reversed.

Bounds: the type is sniffed from a file's first 64 KiB; a file over 64 MiB decoded is measured from its
encoded size, sniffed from its start, and reported as too large to hash. At most 100 attachments are
listed per message (a further field named ``attachments`` says how many more there were) and 1,000
members per archive.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.attachments import ATTACHMENT_CAP, find_attachments

ID = "attachments"
SUMMARY = "each attached file's name, declared type and real type, its size and SHA-256, and what makes it risky"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def run(facts: Facts, ctx: Context) -> Iterable[Finding]:
    scan = find_attachments(facts.message)
    findings: list[Finding] = []
    if scan.attachments:
        # libmagic, the archive and macro readers and their tables load only for a message with files:
        # most messages have none, and the filter starts one process per message.
        from mailcheck.parse.attachment_labels import label

        findings = [label(attachment) for attachment in scan.attachments]
    if scan.total > len(scan.attachments):
        findings.append(Finding(
            "attachments", f"{len(scan.attachments)} of {scan.total} attachments listed", Label.UNVERIFIABLE,
            (f"The message has {scan.total} attached files; only the first {ATTACHMENT_CAP} are listed and "
             "labelled, so the rest were not checked.",), ID, Basis.NOT_RUN))
    return findings

