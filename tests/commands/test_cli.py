"""`mailcheck FILE`: exit codes, JSON schema, and a terminal report untrusted text cannot drive."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from support.messages import SAMPLES, build

from mailcheck.cli import cli


def invoke(*args: str, input: bytes | None = None) -> tuple[int, str]:
    # A wide terminal, so no table cell wraps the text the assertions look for.
    result = CliRunner(env={"COLUMNS": "400"}).invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_forged_message_exits_1_clean_exits_0() -> None:
    assert invoke("--offline", str(SAMPLES / "flabbia.eml"))[0] == 1
    assert invoke("check", "--offline", str(SAMPLES / "clean.eml"))[0] == 0


def test_unreadable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    code, out = invoke("--offline", str(tmp_path / "missing.eml"))
    assert code == 2
    assert "cannot read" in out and "Traceback" not in out
    assert invoke("--no-such-option", "x")[0] == 2


def test_json_report_schema() -> None:
    code, out = invoke("--offline", "--format", "json", str(SAMPLES / "flabbia.eml"))
    data = json.loads(out)
    assert code == 1
    assert data["schema"] == "mailcheck/report/2" and data["tool"]["name"] == "mailcheck"
    assert data["verdict"] == "forged"
    names = [f["name"] for f in data["fields"]]
    for expected in ("envelope-sender", "from", "from-display-name", "date", "message-id", "received[0]",
                     "header:X-Spam[0]", "subject", "body-claims", "client-ip"):
        assert expected in names
    for f in data["fields"]:
        assert set(f) == {"name", "value", "label", "basis", "check", "evidence"}
        assert f["label"] in ("validated", "forged", "unverifiable") and f["evidence"]
    hop_keys = {"ip", "rdns", "helo", "by", "id", "ident", "envelope_from", "for", "protocol", "auth",
                "timestamp", "relay", "raw", "trusted"}
    assert all(hop_keys <= set(h) for h in data["hops"])


def test_stdin_dash() -> None:
    code, out = invoke("--offline", "--format", "json", "-", input=(SAMPLES / "clean.eml").read_bytes())
    assert code == 0 and json.loads(out)["source"] == "<stdin>"


def test_terminal_report_cannot_be_driven_by_the_message() -> None:
    hostile = (
        "From: \"\x1b[2J\x1b]0;pwned\x07[bold red]VALIDATED[/]\" <a@example.com>\n"
        "Subject: =?utf-8?q?evil=1B[31m?=\u202e\n"
        "X-Spam-Status: [link=http://example.com]x[/link]\n"
    )
    _code, out = invoke("--offline", "-", input=build(hostile))
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out
    assert "[bold red]VALIDATED[/]" in out  # shown literally, not interpreted as markup
