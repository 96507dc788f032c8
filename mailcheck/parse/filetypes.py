"""What kind of file bytes are (libmagic), and what kind a file name or a declared Content-Type claims.

The bytes are sniffed with libmagic through python-magic. libmagic is the detector behind file(1): its
magic database covers thousands of formats, is kept up to date by its maintainers and by every Linux
distribution, and tells PE from ELF from Mach-O, HTML from SVG, and OLE from OOXML Office files. The
pure-Python detectors (filetype, puremagic) know fewer formats and do not recognise text formats such as
HTML or scripts, which are what a disguised attachment most often is. When libmagic cannot be loaded,
attachments are still listed and hashed, and nothing is labelled forged from their type.

A MIME type is sorted into a Kind by one table (KIND_OF_TYPE) and its prefixes; a file name's extension by
another (KIND_OF_EXTENSION). These tables say what a type *is*; deciding what is suspicious is the check's.
"""

from __future__ import annotations

import _thread  # the lock alone: threading is a start-up cost the filter does not need
from enum import StrEnum
from functools import lru_cache
from typing import Any

from mailcheck.value_types import NamedTuple


class Kind(StrEnum):
    EXECUTABLE = "executable"  # runs as a program when opened (PE, ELF, Mach-O, MSI, shortcuts, Java)
    SCRIPT = "script"  # text a script host runs (JavaScript, VBScript, batch, PowerShell, shell…)
    HTML = "HTML"  # opens in a browser, where it can show forms and run scripts
    SVG = "SVG image"  # an image format that can carry scripts and links
    PDF = "PDF"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    OFFICE = "Office document"
    ARCHIVE = "archive"
    MESSAGE = "mail message"
    TEXT = "text"
    OTHER = "data"  # anything else, including libmagic's "application/octet-stream" (it could not tell)


# Types a sender writes when it does not know or care: they claim nothing about the content.
GENERIC_TYPES = frozenset({
    "application/octet-stream", "application/binary", "application/unknown", "application/x-unknown",
    "application/download", "application/force-download", "application/x-download", "binary/octet-stream",
    "application/x-msdownload-unknown", "unknown/unknown", "application/data",
})

KIND_OF_TYPE: dict[str, Kind] = {
    "application/x-dosexec": Kind.EXECUTABLE,
    "application/vnd.microsoft.portable-executable": Kind.EXECUTABLE,
    "application/x-msdownload": Kind.EXECUTABLE,
    "application/x-msdos-program": Kind.EXECUTABLE,
    "application/x-executable": Kind.EXECUTABLE,
    "application/x-sharedlib": Kind.EXECUTABLE,
    "application/x-pie-executable": Kind.EXECUTABLE,
    "application/x-mach-binary": Kind.EXECUTABLE,
    "application/x-elf": Kind.EXECUTABLE,
    "application/x-msi": Kind.EXECUTABLE,
    "application/x-ms-shortcut": Kind.EXECUTABLE,
    "application/java-archive": Kind.EXECUTABLE,
    "application/x-java-archive": Kind.EXECUTABLE,
    "application/hta": Kind.SCRIPT,
    "application/javascript": Kind.SCRIPT,
    "application/x-javascript": Kind.SCRIPT,
    "text/javascript": Kind.SCRIPT,
    "application/ecmascript": Kind.SCRIPT,
    "text/vbscript": Kind.SCRIPT,
    "application/x-vbscript": Kind.SCRIPT,
    "text/x-msdos-batch": Kind.SCRIPT,
    "application/x-bat": Kind.SCRIPT,
    "text/x-shellscript": Kind.SCRIPT,
    "application/x-sh": Kind.SCRIPT,
    "application/x-powershell": Kind.SCRIPT,
    "text/x-python": Kind.SCRIPT,
    "text/x-script.python": Kind.SCRIPT,
    "text/x-perl": Kind.SCRIPT,
    "text/x-php": Kind.SCRIPT,
    "text/x-ruby": Kind.SCRIPT,
    "text/x-tcl": Kind.SCRIPT,
    "text/x-awk": Kind.SCRIPT,
    "text/html": Kind.HTML,
    "application/xhtml+xml": Kind.HTML,
    "image/svg+xml": Kind.SVG,
    "application/pdf": Kind.PDF,
    "application/x-pdf": Kind.PDF,
    "application/msword": Kind.OFFICE,
    "application/rtf": Kind.OFFICE,
    "text/rtf": Kind.OFFICE,
    "application/x-ole-storage": Kind.OFFICE,
    "application/cdfv2": Kind.OFFICE,
    "application/zip": Kind.ARCHIVE,
    "application/x-zip-compressed": Kind.ARCHIVE,
    "application/x-rar": Kind.ARCHIVE,
    "application/x-rar-compressed": Kind.ARCHIVE,
    "application/vnd.rar": Kind.ARCHIVE,
    "application/x-7z-compressed": Kind.ARCHIVE,
    "application/gzip": Kind.ARCHIVE,
    "application/x-gzip": Kind.ARCHIVE,
    "application/x-tar": Kind.ARCHIVE,
    "application/x-bzip2": Kind.ARCHIVE,
    "application/x-xz": Kind.ARCHIVE,
    "application/x-lzh-compressed": Kind.ARCHIVE,
    "application/x-arj": Kind.ARCHIVE,
    "application/x-ace-compressed": Kind.ARCHIVE,
    "application/x-cab": Kind.ARCHIVE,
    "application/vnd.ms-cab-compressed": Kind.ARCHIVE,
    "application/x-iso9660-image": Kind.ARCHIVE,
    "application/x-compressed": Kind.ARCHIVE,
    "message/rfc822": Kind.MESSAGE,
    "message/global": Kind.MESSAGE,
    "application/vnd.ms-outlook": Kind.MESSAGE,
}
# Whole families, matched by prefix after KIND_OF_TYPE.
_TYPE_PREFIXES: tuple[tuple[str, Kind], ...] = (
    ("application/vnd.openxmlformats-officedocument.", Kind.OFFICE),
    ("application/vnd.ms-word", Kind.OFFICE),
    ("application/vnd.ms-excel", Kind.OFFICE),
    ("application/vnd.ms-powerpoint", Kind.OFFICE),
    ("application/vnd.oasis.opendocument.", Kind.OFFICE),
    ("image/", Kind.IMAGE),
    ("audio/", Kind.AUDIO),
    ("video/", Kind.VIDEO),
    ("text/", Kind.TEXT),
)

KIND_OF_EXTENSION: dict[str, Kind] = {
    **dict.fromkeys(("exe", "scr", "com", "pif", "dll", "cpl", "msi", "msp", "sys", "lnk", "jar", "appx",
                     "msix", "elf", "bin", "app", "dmg"), Kind.EXECUTABLE),
    **dict.fromkeys(("bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta", "ps1", "psm1", "sh",
                     "py", "pl", "reg", "scf", "url", "iqy", "mjs"), Kind.SCRIPT),
    **dict.fromkeys(("html", "htm", "shtml", "xhtml", "mht", "mhtml"), Kind.HTML),
    "svg": Kind.SVG,
    "pdf": Kind.PDF,
    **dict.fromkeys(("png", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "webp", "heic", "ico"), Kind.IMAGE),
    **dict.fromkeys(("mp3", "wav", "ogg", "m4a", "amr", "opus"), Kind.AUDIO),
    **dict.fromkeys(("mp4", "mov", "avi", "mkv", "wmv", "webm"), Kind.VIDEO),
    **dict.fromkeys(("doc", "docx", "docm", "dot", "dotx", "dotm", "xls", "xlsx", "xlsm", "xlsb", "xlt", "xltm",
                     "ppt", "pptx", "pptm", "pps", "ppsx", "ppsm", "odt", "ods", "odp", "rtf"), Kind.OFFICE),
    **dict.fromkeys(("zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "cab", "arj", "lzh", "ace", "iso",
                     "img", "vhd", "vhdx"), Kind.ARCHIVE),
    **dict.fromkeys(("eml", "msg"), Kind.MESSAGE),
    **dict.fromkeys(("txt", "csv", "log", "patch", "diff"), Kind.TEXT),
}
# Office formats whose names say "this file carries macros" (Office refuses to run macros in the others).
MACRO_EXTENSIONS = frozenset({"docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "ppam"})


def kind_of_type(mime: str) -> Kind | None:
    """The Kind a MIME type names; None for the generic types that name none."""
    mime = mime.strip().lower()
    if not mime or mime in GENERIC_TYPES:
        return None
    if mime in KIND_OF_TYPE:
        return KIND_OF_TYPE[mime]
    for prefix, kind in _TYPE_PREFIXES:
        if mime.startswith(prefix):
            return kind
    return Kind.OTHER


def extensions(filename: str) -> list[str]:
    """The name's extensions, last first, lower case: "Invoice.PDF.exe" → ["exe", "pdf"].

    Only short alphanumeric dot-separated tails count, so "Mr. Smith's notes" has none."""
    parts = filename.strip().rstrip(". ").split(".")[1:]
    found: list[str] = []
    for part in reversed(parts):
        ext = part.strip().lower()
        if not (0 < len(ext) <= 5 and ext.isascii() and ext.isalnum()):
            break
        found.append(ext)
    return found


def kind_of_name(filename: str | None) -> Kind | None:
    exts = extensions(filename) if filename else []
    return KIND_OF_EXTENSION.get(exts[0]) if exts else None


class Sniffed(NamedTuple):
    """What libmagic says the bytes are."""

    mime: str  # libmagic's MIME type, such as "application/pdf"; "" when libmagic is unavailable
    description: str  # libmagic's text, such as "PE32 executable (GUI) Intel 80386, for MS Windows"
    kind: Kind | None  # None when libmagic is unavailable or could not tell (application/octet-stream)


_LOCK = _thread.allocate_lock()  # one libmagic cookie per mode is shared; libmagic cookies are not thread-safe


@lru_cache(maxsize=1)
def _magic() -> tuple[Any, Any] | None:
    """libmagic handles for MIME type and description, or None when the library cannot be loaded."""
    try:
        import magic  # python-magic; loading it opens libmagic.so.1 and its compiled database
    except ImportError:
        return None
    try:
        return magic.Magic(mime=True), magic.Magic()
    except Exception:  # python-magic raises its own MagicException when the database is missing
        return None


def sniff(head: bytes) -> Sniffed:
    """The type libmagic sees in a file's first bytes. Never raises."""
    handles = _magic()
    if handles is None:
        return Sniffed("", "", None)
    by_mime, by_text = handles
    try:
        with _LOCK:
            mime = str(by_mime.from_buffer(head)).lower()
            description = str(by_text.from_buffer(head))
    except Exception as exc:
        return Sniffed("", f"libmagic failed: {exc.__class__.__name__}", None)
    return Sniffed(mime, description, kind_of_type(mime))
