"""Attached files found in real MIME structures, decoded within the caps, and typed by their bytes."""

from __future__ import annotations

import base64
import hashlib

import pytest
from support.office_files import docm, tiny_pe, zip_archive

from mailcheck.parse import attachments as attachments_module
from mailcheck.parse.attachments import find_attachments
from mailcheck.parse.containers import Macros, list_zip, scan_macros
from mailcheck.parse.filetypes import Kind, extensions, kind_of_name, kind_of_type, sniff
from mailcheck.parse.message import parse


def mixed(*parts: str, boundary: str = "b0") -> bytes:
    body = "".join(f"--{boundary}\n{part}\n" for part in parts)
    return (f"From: a@example.com\nTo: b@example.org\nSubject: s\nMIME-Version: 1.0\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n{body}--{boundary}--\n').encode()


def file_part(data: bytes, ctype: str, name: str | None = None, extra: str = "") -> str:
    disposition = f'Content-Disposition: attachment; filename="{name}"\n' if name else ""
    encoded = base64.encodebytes(data).decode()
    return f"Content-Type: {ctype}\n{disposition}{extra}Content-Transfer-Encoding: base64\n\n{encoded}"


TEXT = "Content-Type: text/plain; charset=us-ascii\n\nHello.\n"


def test_body_text_is_not_an_attachment_but_files_are() -> None:
    raw = mixed(TEXT, file_part(b"%PDF-1.4\n%\xe2\xe3\n", "application/pdf", "a.pdf"),
                file_part(b"GIF89a\x01\x00\x01\x00", "image/gif", extra="Content-ID: <logo@x>\n"))
    scan = find_attachments(parse(raw))
    assert [(a.index, a.filename, a.declared) for a in scan.attachments] == [
        (0, "a.pdf", "application/pdf"), (1, None, "image/gif")]
    pdf = scan.attachments[0]
    assert pdf.size == 13 and pdf.sha256 == hashlib.sha256(b"%PDF-1.4\n%\xe2\xe3\n").hexdigest()
    assert pdf.disposition == "attachment" and scan.total == 2


def test_file_names_are_decoded_from_rfc2231_and_rfc2047() -> None:
    rfc2231 = ("Content-Type: application/pdf\n"
               "Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf\n\nx\n")
    rfc2047 = 'Content-Type: application/pdf; name="=?UTF-8?B?0KHRh9C10YIucGRm?="\n\nx\n'
    names = [a.filename for a in find_attachments(parse(mixed(rfc2231, rfc2047))).attachments]
    assert names == ["Rechnung März.pdf", "Счет.pdf"]


def test_a_text_file_with_a_name_is_an_attachment() -> None:
    part = 'Content-Type: text/plain; name="notes.txt"\nContent-Disposition: attachment\n\nsome notes\n'
    found = find_attachments(parse(mixed(TEXT, part))).attachments
    assert [a.filename for a in found] == ["notes.txt"] and found[0].data == b"some notes\n"


def test_an_attached_message_and_the_files_inside_it() -> None:
    inner = mixed(TEXT, file_part(tiny_pe(), "application/octet-stream", "inner.exe"), boundary="in").decode()
    raw = mixed(TEXT, f"Content-Type: message/rfc822\n\n{inner}")
    found = find_attachments(parse(raw)).attachments
    assert [(a.declared, a.filename, a.inside) for a in found] == [
        ("message/rfc822", None, None), ("application/octet-stream", "inner.exe", 0)]
    assert found[0].is_message and b"inner.exe" in (found[0].data or b"")
    assert found[1].data == tiny_pe()


def test_over_the_hash_cap_only_the_head_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments_module, "HASH_CAP", 1000)
    big = b"%PDF-1.7\n" + b"0" * 5000
    found = find_attachments(parse(mixed(file_part(big, "application/pdf", "big.pdf")))).attachments[0]
    assert found.data is None and found.sha256 is None
    assert abs(found.size - len(big)) < 8 and found.head.startswith(b"%PDF-1.7")


def test_damaged_base64_is_decoded_as_far_as_it_goes() -> None:
    part = "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK*Zm9v\n"
    found = find_attachments(parse(mixed(part))).attachments[0]
    assert found.head.startswith(b"%PDF-1.4")


def test_attachments_past_the_cap_are_counted_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments_module, "ATTACHMENT_CAP", 2)
    parts = [file_part(b"x", "image/png", f"{n}.png") for n in range(3)]
    scan = find_attachments(parse(mixed(*parts)))
    assert len(scan.attachments) == 2 and scan.total == 3


def test_a_single_part_message_that_is_a_file() -> None:
    raw = b"From: a@example.com\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
    assert [a.declared for a in find_attachments(parse(raw)).attachments] == ["application/pdf"]
    plain = b"From: a@example.com\nContent-Type: text/plain\n\nhello\n"
    assert find_attachments(parse(plain)).attachments == ()


# -- types ---------------------------------------------------------------------------------------


def test_extensions_and_the_kinds_they_name() -> None:
    assert extensions("Invoice.PDF.exe") == ["exe", "pdf"]
    assert extensions("Mr. Smith's notes") == []
    assert kind_of_name("photo.JPG") is Kind.IMAGE and kind_of_name("run.ps1") is Kind.SCRIPT
    assert kind_of_name(None) is None and kind_of_name("README") is None


def test_generic_types_claim_nothing() -> None:
    assert kind_of_type("application/octet-stream") is None
    assert kind_of_type("Application/PDF") is Kind.PDF
    assert kind_of_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document") is Kind.OFFICE
    assert kind_of_type("image/x-icon") is Kind.IMAGE and kind_of_type("application/x-foo") is Kind.OTHER


@pytest.mark.parametrize(("data", "kind"), [
    (tiny_pe(), Kind.EXECUTABLE),
    (b"<!DOCTYPE html><html><body><form action='x'>", Kind.HTML),
    (b"#!/bin/sh\necho hi\n", Kind.SCRIPT),
    (b"%PDF-1.4\n", Kind.PDF),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Kind.IMAGE),
    (docm(), Kind.OFFICE),
    (zip_archive({"a.txt": b"a"}), Kind.ARCHIVE),
])
def test_libmagic_reads_the_kind_from_the_bytes(data: bytes, kind: Kind) -> None:
    assert sniff(data).kind is kind


# -- containers ----------------------------------------------------------------------------------


def test_zip_members_and_their_encrypted_flag_are_listed_without_extracting() -> None:
    listing = list_zip(zip_archive({"secret.exe": b"MZ", "readme.txt": b"hi"}, encrypted=("secret.exe",)))
    assert listing is not None and listing.names == ("secret.exe", "readme.txt")
    assert listing.encrypted == ("secret.exe",) and listing.total == 2
    assert list_zip(b"not a zip") is None


def test_oletools_finds_the_vba_project_in_a_docm() -> None:
    assert scan_macros("a.docm", docm()).state is Macros.FOUND
    plain = zip_archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert scan_macros("a.docx", plain).state is Macros.NONE
