"""Tiny Office files and programs for attachment tests, built byte by byte (nothing in them runs).

- compound_file(): an OLE2 compound file (MS-CFB, version 3) holding given streams, written by hand
  because olefile reads but cannot create one. Every stream is padded to 4096 bytes so that it lives in
  ordinary sectors and no mini stream is needed.
- vba_project(): the storages a VBA project has (PROJECT, VBA/dir, VBA/_VBA_PROJECT), which is what
  oletools looks for; the
  streams hold filler, not compiled macros.
- docm(): a Word macro-enabled document (OOXML zip) carrying that project as word/vbaProject.bin.
- tiny_pe(): the headers of a Windows program with no code at all (no sections), which libmagic reads as
  "PE32 executable (GUI) Intel 80386".
"""

from __future__ import annotations

import io
import struct
import zipfile

_SECTOR = 512
_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_MIN_STREAM = 4096  # at or above the mini-stream cutoff: stored in regular sectors


def _entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size))


def compound_file(project: bytes, dir_stream: bytes, vba_project_stream: bytes) -> bytes:
    """A compound file laid out as MS-OVBA §2.2.1 says a VBA project is: a stream PROJECT and a storage
    VBA holding the streams dir and _VBA_PROJECT."""
    streams = [data.ljust(_MIN_STREAM, b"\0") for data in (project, dir_stream, vba_project_stream)]
    fat = [_FATSECT, 2, _END]  # sector 0 is the FAT, sectors 1-2 the directory (4 entries a sector)
    starts = []
    for data in streams:
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + len(data) // _SECTOR))
        fat.append(_END)
    fat.extend([_FREE] * (_SECTOR // 4 - len(fat)))
    # The directory is a red-black tree per storage, names compared shortest first: the root holds PROJECT
    # with VBA as its left sibling; VBA holds dir with _VBA_PROJECT as its right sibling.
    directory = (_entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 1, _END, 0)
                 + _entry("PROJECT", 2, 2, _NOSTREAM, _NOSTREAM, starts[0], len(project))
                 + _entry("VBA", 1, _NOSTREAM, _NOSTREAM, 3, 0, 0)
                 + _entry("dir", 2, _NOSTREAM, 4, _NOSTREAM, starts[1], len(dir_stream))
                 + _entry("_VBA_PROJECT", 2, _NOSTREAM, _NOSTREAM, _NOSTREAM, starts[2], len(vba_project_stream)))
    directory = directory.ljust(2 * _SECTOR, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(streams)


def vba_project() -> bytes:
    return compound_file(b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument/&H00000000\r\n',
                         b"\x01" * 64, b"\xcc\x61\xff\xff\x00")


def docm() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
                         'application/vnd.ms-word.document.macroEnabled.main+xml"/><Default Extension="bin" '
                         'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
                         'openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
        archive.writestr("word/vbaProject.bin", vba_project())
    return buffer.getvalue()


def tiny_pe() -> bytes:
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)  # e_lfanew: where the PE header starts
    coff = struct.pack("<HHIIIHH", 0x14C, 0, 0, 0, 0, 224, 0x0102)  # i386, no sections, executable 32-bit
    optional = bytearray(224)
    struct.pack_into("<H", optional, 0, 0x10B)  # PE32
    struct.pack_into("<H", optional, 68, 2)  # subsystem: Windows GUI
    return bytes(dos) + b"PE\0\0" + coff + bytes(optional)


def zip_archive(members: dict[str, bytes], encrypted: tuple[str, ...] = ()) -> bytes:
    """A zip archive; the members named in encrypted get the "encrypted" flag (APPNOTE 4.4.4 bit 0) set in
    their local and central headers, as a password-protected archive has (their data stays plain)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    for name in encrypted:
        encoded = name.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = raw.find(signature)
            while at != -1:
                if raw[at + name_at: at + name_at + len(encoded)] == encoded:
                    raw[at + flag_at] |= 1
                at = raw.find(signature, at + 4)
    return bytes(raw)
