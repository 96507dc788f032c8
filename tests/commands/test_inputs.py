"""What the commands accept: no mail at all exits 2 in `mailcheck FILE`, is listed by `scan`, passed on by `filter`."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.filtermode import run_filter, verdict_of
from support.messages import SAMPLES
from support.outlook_files import sample_msg

from mailcheck.cli import cli


def _zip() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("invoice.txt", "not mail")
    return out.getvalue()


NOT_MAIL = {
    "empty.eml": b"",
    "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    "archive.zip": _zip(),
    "junk.bin": bytes(range(256)) * 4,
    "prose.txt": b"Dear team,\nplease find the report below.\n",
    "nul.eml": b"Subject: hello\n\x00\x00\x00\n\nbody\n",
    "broken.msg": sample_msg()[:3000],
    "word.doc": sample_msg()[:8] + bytes(2040),  # OLE2 without MAPI property streams
}


def invoke(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(NOT_MAIL))
def test_input_that_is_no_mail_exits_2_with_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(NOT_MAIL[name])
    code, out, err = invoke("--offline", str(path))
    assert code == 2, (out, err)
    assert out == "" and len(err.strip().splitlines()) == 1 and str(path) in err
    assert "Traceback" not in err


def test_no_mail_on_stdin_exits_2() -> None:
    code, out, err = invoke("--offline", "-", input=b"\x00\x01\x02")
    assert code == 2 and "<stdin>" in err and out == ""


def test_a_msg_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "reported-phish.bin"
    path.write_bytes(sample_msg())
    code, out, _ = invoke("--offline", "--format", "json", str(path))
    record = json.loads(out)
    assert code == 1 and record["verdict"] == "forged"
    assert record["errors"][0].startswith("read from an Outlook .msg")
    dkim = next(f for f in record["fields"] if f["name"] == "dkim[0]")
    assert dkim["label"] == "unverifiable"


def test_headers_pasted_alone_give_a_report(tmp_path: Path) -> None:
    path = tmp_path / "headers.txt"
    # What an analyst copies out of a mail client's "show original": the header block, no blank line, no body.
    path.write_bytes((SAMPLES / "flabbia.eml").read_bytes().split(b"\n\n")[0])
    code, out, _ = invoke("--offline", "--format", "json", str(path))
    record = json.loads(out)
    assert code == 1 and record["verdict"] == "forged"
    assert "the message has no body (no blank line after the headers)" in record["errors"]
    assert any(f["name"] == "received[2]" and f["label"] == "forged" for f in record["fields"])


def test_scan_lists_what_is_no_mail_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "reported"
    folder.mkdir()
    for name, data in NOT_MAIL.items():
        (folder / name).write_bytes(data)
    (folder / "outlook.msg").write_bytes(sample_msg())
    (folder / "clean.eml").write_bytes((SAMPLES / "clean.eml").read_bytes())
    result = CliRunner().invoke(cli, ["scan", "--offline", "--jobs", "1", "--format", "jsonl", str(folder)])
    records = {Path(r["source"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert result.exit_code == 1  # the .msg is forged; what is no mail does not change the status
    assert records["outlook.msg"]["verdict"] == "forged"
    assert records["clean.eml"]["verdict"] != "error"
    # Read as one message (its first line is a header field, or it is a .msg), it is an error record …
    for name in ("nul.eml", "broken.msg", "word.doc"):
        assert records[name]["verdict"] == "error" and records[name]["error"], name
    # … and a file that does not even start like a message is skipped, and listed in the summary.
    skipped = ("empty.eml", "image.png", "archive.zip", "junk.bin", "prose.txt")
    assert not set(skipped) & set(records)
    assert f"{len(skipped)} files skipped as not messages" in result.stderr


def test_the_filter_still_passes_a_msg_on_with_the_verdict_error() -> None:
    data = sample_msg()
    done = run_filter(data, "--offline")
    assert done.returncode == 0
    assert verdict_of(done.stdout) == "error"
    assert done.stdout.endswith(data)  # fails open: the input, untouched, after our field
