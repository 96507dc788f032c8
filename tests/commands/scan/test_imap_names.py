"""Mailbox names in modified UTF-7 (RFC 3501 §5.1.3): the RFC's own example, "&", and mailboxes with such names
on a real Dovecot on 127.0.0.1, scanned by the names a reader sees."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from support.dovecot import PASSWORD, Dovecot, dovecot
from support.messages import SAMPLES

from mailcheck.cli import cli
from mailcheck.commands.scan.imap_names import modified_utf7
from mailcheck.commands.scan.imap_source import PASSWORD_ENV, Mailbox, parse_url


@pytest.mark.parametrize(("name", "sent"), [
    ("INBOX", "INBOX"),
    ("Archive 2024/Q1", "Archive 2024/Q1"),
    ("R&D", "R&-D"),
    ("Entwürfe", "Entw&APw-rfe"),
    ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501 §5.1.3's example
    ("Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"),
])
def test_known_names(name: str, sent: str) -> None:
    assert modified_utf7(name) == sent


def _decoded(sent: str) -> str:
    """An independent reading of modified UTF-7 back to text."""
    out, at = [], 0
    while at < len(sent):
        if sent[at] != "&":
            out.append(sent[at])
            at += 1
            continue
        end = sent.index("-", at)
        chunk = sent[at + 1:end]
        if chunk:
            data = chunk.replace(",", "/")
            out.append(base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-16-be"))
        else:
            out.append("&")
        at = end + 1
    return "".join(out)


def test_any_name_reads_back_and_is_printable_ascii() -> None:
    rng = random.Random(3501)
    alphabet = "aZ09 &-,/.~+" + "äöüßéç" + "台北日本語" + "Жж" + "\U0001f600\U00010348"
    for _ in range(2000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        sent = modified_utf7(name)
        assert all(" " <= c <= "~" for c in sent) and _decoded(sent) == name, (name, sent)
        assert "&&" not in sent.replace("&-", "")  # shifted runs are never split or joined oddly


def test_urls_name_the_mailbox_as_read() -> None:
    assert parse_url("imaps://bob@host/Entw%C3%BCrfe") == Mailbox("imaps", "bob", "host", 993, "Entwürfe")
    assert parse_url("imaps://bob@host/R%26D").name == "R&D"
    for bad in ("imaps://bob@host/A%01B", "imaps://bob@host/A%7FB"):
        with pytest.raises(ValueError, match="control characters"):
            parse_url(bad)


MESSAGES = sorted(SAMPLES.glob("*.eml"))
# Maildir++ directories as Dovecot names them (modified UTF-7 written out here, not by the code under test)
FOLDERS = {".Entw&APw-rfe": MESSAGES[:2], ".R&-D": MESSAGES[2:3], ".&U,BTFw-": MESSAGES[3:4]}


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    def crlf(data: bytes) -> bytes:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    folders = {name: [crlf(p.read_bytes()) for p in paths] for name, paths in FOLDERS.items()}
    with dovecot([], folders) as running:
        yield running


def _scan(path: str) -> tuple[int, list[dict[str, Any]]]:
    done = CliRunner().invoke(cli, ["scan", "--offline", "--now", "2026-11-20T00:00:00Z", "--jobs", "1",
                                    "--format", "jsonl", path], env={PASSWORD_ENV: PASSWORD, "NETRC": None})
    return done.exit_code, [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _content(record: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in record.items() if k not in ("source", "position")}, sort_keys=True)


@pytest.mark.parametrize(("shown", "directory"), [
    ("Entw%C3%BCrfe", ".Entw&APw-rfe"), ("R%26D", ".R&-D"), ("%E5%8F%B0%E5%8C%97", ".&U,BTFw-")])
def test_mailboxes_with_such_names_scan_as_their_files_do(server: Dovecot, shown: str, directory: str) -> None:
    status, remote = _scan(server.url(shown))
    assert status in (0, 1) and len(remote) == len(FOLDERS[directory]), remote
    _, local = _scan(str(server.maildir / directory))
    assert sorted(map(_content, remote)) == sorted(map(_content, local))
    assert all("error" not in r.get("verdict", "") for r in remote)
