"""The attachments check: forged only when a name or type hides an active file; risks named as evidence."""

from __future__ import annotations

import base64

import pytest
from support.messages import SAMPLES, field, run
from support.office_files import docm, tiny_pe, zip_archive

from mailcheck.checks import CHECKS
from mailcheck.checks import attachments as check
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse import filetypes

HOP = ("Received: from sender.example.net (sender.example.net [203.0.113.9])\n"
       "\tby mx.example.org (Postfix) with ESMTP id ABC123; Wed, 18 Nov 2026 12:00:00 +0000\n")


def message(*files: tuple[bytes, str, str | None]) -> bytes:
    parts = ["Content-Type: text/plain; charset=us-ascii\n\nPlease see the attachment.\n"]
    for data, ctype, name in files:
        disposition = f'Content-Disposition: attachment; filename="{name}"\n' if name else ""
        parts.append(f"Content-Type: {ctype}\n{disposition}Content-Transfer-Encoding: base64\n\n"
                     + base64.encodebytes(data).decode())
    body = "".join(f"--b0\n{part}\n" for part in parts)
    return (HOP + "From: a@example.com\nTo: b@example.org\nSubject: s\nDate: Wed, 18 Nov 2026 11:59:00 +0000\n"
            'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n\n' + body + "--b0--\n").encode()


def attachment(data: bytes, ctype: str, name: str | None = None, index: int = 0) -> Finding:
    return field(run(message((data, ctype, name))), f"attachment[{index}]")


HTML_FORM = (b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action='https://x.example/p'>"
             b"<input type='password' name='pw'><script>document.title='x'</script></form></body></html>")


def test_a_pdf_that_is_a_program_is_forged() -> None:
    finding = attachment(tiny_pe(), "application/pdf", "Invoice.pdf")
    assert finding.label is Label.FORGED and finding.value == "Invoice.pdf"
    assert "its bytes are a program" in finding.evidence[0] and "PE32" in finding.evidence[0]
    assert any("SHA-256 " in line and "312 bytes" in line for line in finding.evidence)


def test_an_image_png_that_is_html_is_forged() -> None:
    finding = attachment(HTML_FORM, "image/png", None)
    assert finding.label is Label.FORGED
    assert "declared type image/png says an image" in finding.evidence[0]


def test_a_generic_type_never_contradicts() -> None:
    finding = attachment(tiny_pe(), "application/octet-stream", "setup")
    assert finding.label is Label.UNVERIFIABLE and finding.basis is Basis.UNCHECKABLE
    assert "Its bytes are a program: opening it runs it." in finding.evidence


def test_a_script_sent_as_text_is_not_a_contradiction() -> None:
    finding = attachment(b"#!/bin/sh\nrm -rf /tmp/build\n", "text/plain", "build.sh")
    assert finding.label is Label.UNVERIFIABLE
    assert any(line.startswith("Its bytes are a script") for line in finding.evidence)


def test_html_under_an_office_name_is_reported_not_forged() -> None:
    finding = attachment(b"<html><body><table><tr><td>1</td></tr></table></body></html>", "application/msword",
                         "report.doc")
    assert finding.label is Label.UNVERIFIABLE
    assert any("shows no deceit" in line for line in finding.evidence)


def test_an_html_attachment_names_its_forms_and_scripts() -> None:
    finding = attachment(HTML_FORM, "text/html", "login.html")
    assert finding.label is Label.UNVERIFIABLE
    tells = next(line for line in finding.evidence if line.startswith("It is a web page"))
    assert "a form" in tells and "a password field" in tells and "scripts (<script>)" in tells


def test_double_extension_and_right_to_left_override() -> None:
    double = attachment(tiny_pe(), "application/octet-stream", "scan.pdf.exe")
    assert double.label is Label.UNVERIFIABLE  # the name says .exe: it does not hide what it is from Windows
    assert any("ends in .pdf.exe" in line for line in double.evidence)
    reversed_name = attachment(b"MZ", "application/octet-stream", "invoice\u202efdp.exe")
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in line for line in reversed_name.evidence)


def test_an_encrypted_archive_with_a_program_inside() -> None:
    archive = zip_archive({"Invoice.pdf.exe": tiny_pe(), "readme.txt": b"password: 1234"},
                          encrypted=("Invoice.pdf.exe",))
    finding = attachment(archive, "application/zip", "invoice.zip")
    assert finding.label is Label.UNVERIFIABLE
    text = " ".join(finding.evidence)
    assert "1 of its 2 archive members are encrypted" in text
    assert "named as programs, scripts or web pages: 'Invoice.pdf.exe'" in text
    assert "The archive member 'Invoice.pdf.exe' ends in .pdf.exe" in text


def test_macros_found_by_oletools() -> None:
    finding = attachment(docm(), "application/vnd.ms-word.document.macroEnabled.12", "Salary.docm")
    assert finding.label is Label.UNVERIFIABLE
    assert any("oletools found VBA macros" in line for line in finding.evidence)
    assert any("made to carry macros" in line for line in finding.evidence)


def test_an_empty_attachment_says_so() -> None:
    finding = attachment(b"", "application/pdf", "statement.pdf")
    assert finding.label is Label.UNVERIFIABLE
    assert any(line.startswith("The part is empty") for line in finding.evidence)


def test_without_libmagic_nothing_is_forged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filetypes, "_magic", lambda: None)
    finding = attachment(tiny_pe(), "application/pdf", "Invoice.pdf")
    assert finding.label is Label.UNVERIFIABLE
    assert any("not sniffed" in line for line in finding.evidence)


def test_registered_and_listed_after_the_links() -> None:
    assert check in CHECKS
    raw = message((b"%PDF-1.4\n", "application/pdf", "a.pdf")).replace(
        b"Please see the attachment.", b"See https://www.example.com/x")
    names = [f.name for f in run(raw).fields]
    assert names.index("url[0]") < names.index("attachment[0]") < names.index("body-claims")


def test_sample_disguised_invoice() -> None:
    report = run((SAMPLES / "disguised-invoice.eml").read_bytes())
    assert report.verdict is Label.FORGED
    assert field(report, "attachment[0]").label is Label.FORGED
    assert [f.name for f in report.fields if f.label is Label.FORGED] == ["attachment[0]"]


def test_sample_macro_document() -> None:
    report = run((SAMPLES / "macro-document.eml").read_bytes())
    finding = field(report, "attachment[0]")
    assert finding.label is Label.UNVERIFIABLE and finding.value == "Salary_Scale_2027.docm"
    assert any("oletools found VBA macros" in line for line in finding.evidence)
    assert report.verdict is not Label.FORGED
