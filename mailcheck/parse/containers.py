"""Looking inside archives and Office files without extracting or running anything.

A zip archive's central directory is read with the stdlib's zipfile: member names and the "encrypted" flag
(general-purpose bit 0, APPNOTE 4.4.4) are listed; no member is decompressed. Office files are asked
whether they carry VBA macros with oletools (olevba), the detector malware analysts use; it reads the OLE
or OOXML structure and never runs the macros. It is imported only when an Office file is found.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from enum import StrEnum

from mailcheck.value_types import NamedTuple

MEMBER_CAP = 1000  # zip members listed; an archive can claim millions of entries in a small directory


class ZipListing(NamedTuple):
    """What a ZIP archive's central directory lists."""

    names: tuple[str, ...]  # the first MEMBER_CAP member names, as stored
    total: int
    encrypted: tuple[str, ...]  # members whose encrypted flag is set
    problem: str | None = None  # why the directory could not be read


def list_zip(data: bytes) -> ZipListing | None:
    """The zip archive's members, or None when the bytes are not a zip archive at all."""
    import zipfile  # here, not at the top: zipfile (with shutil, bz2, lzma) is a third of the filter's start-up

    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError) as exc:
        return ZipListing((), 0, (), f"its directory could not be read ({exc.__class__.__name__})")
    names = tuple(info.filename for info in infos[:MEMBER_CAP])
    encrypted = tuple(info.filename for info in infos[:MEMBER_CAP] if info.flag_bits & 0x1)
    return ZipListing(names, len(infos), encrypted)


class Macros(StrEnum):
    FOUND = "found"
    NONE = "none"
    UNKNOWN = "unknown"  # oletools is missing or could not read the file: nothing is claimed


class MacroScan(NamedTuple):
    """Whether an Office file carries macros, in a state and one sentence."""

    state: Macros
    detail: str  # one sentence: what oletools said, or why it could not say


def scan_macros(filename: str, data: bytes) -> MacroScan:
    """Does this Office file (OLE or OOXML) carry VBA or Excel 4 macros? Asks oletools; never raises."""
    try:
        # ~130 ms to import, so only when an Office file is seen; its pyparsing grammar uses names pyparsing 3
        # deprecates, which would warn on every first import.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from oletools.olevba import VBA_Parser
    except ImportError:
        return MacroScan(Macros.UNKNOWN, "oletools is not installed, so macros were not looked for")
    parser = None
    try:
        parser = VBA_Parser(filename or "attachment", data=data)
        found = bool(parser.detect_vba_macros())
        xlm = bool(getattr(parser, "contains_xlm_macros", False))
    except Exception as exc:  # olevba raises its own errors for files it cannot parse (and sometimes others)
        return MacroScan(Macros.UNKNOWN, f"oletools could not read it ({exc.__class__.__name__})")
    finally:
        if parser is not None:
            with contextlib.suppress(Exception):  # closing only releases olefile's handles
                parser.close()
    if found or xlm:
        what = "VBA macros" if found else "Excel 4 (XLM) macros"
        return MacroScan(Macros.FOUND, f"oletools found {what} in it")
    return MacroScan(Macros.NONE, "oletools found no macros in it")
