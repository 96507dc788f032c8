"""`mailcheck scan imap://…`: against a real Dovecot on 127.0.0.1, records equal a local scan of the same
messages, nothing on the server changes (no \\Seen flag, Maildir files untouched), and every failure to
open the mailbox is one line and exit 2; the batching and per-message errors with a scripted connection."""

from __future__ import annotations

import imaplib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from support.dovecot import MAILBOX, PASSWORD, USER, Dovecot, dovecot, free_port
from support.messages import SAMPLES

from mailcheck.cli import cli
from mailcheck.commands.scan import imap_source
from mailcheck.commands.scan.imap_source import PASSWORD_ENV, ImapItem, ImapSource, Mailbox, parse_url, password_for

NOW = "2026-11-20T00:00:00Z"


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


MESSAGES = [crlf(path.read_bytes()) for path in sorted(SAMPLES.glob("*.eml"))]


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    with dovecot(MESSAGES) as running:
        yield running


def scan(*args: str, env: dict[str, str | None] | None = None) -> Result:
    environment: dict[str, str | None] = {PASSWORD_ENV: PASSWORD, "NETRC": None}
    environment.update(env or {})
    return CliRunner().invoke(cli, ["scan", "--offline", "--now", NOW, "--jobs", "1", *args], env=environment)


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def without_place(record: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in record.items() if k not in ("source", "position")}, sort_keys=True)


def flags(server: Dovecot) -> dict[int, str]:
    conn = imaplib.IMAP4("127.0.0.1", server.port)
    try:
        conn.login(USER, PASSWORD)
        conn.select(MAILBOX, readonly=True)
        status, data = conn.uid("FETCH", "1:*", "(FLAGS)")
        assert status == "OK"
        found = {}
        for line in data:
            assert isinstance(line, bytes)
            words = line.decode().split("UID ", 1)[1]
            found[int(words.split()[0])] = words.split("FLAGS ", 1)[1]
        return found
    finally:
        conn.logout()


def files(maildir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (maildir / "cur").iterdir()} | {
        p.name: p.read_bytes() for p in (maildir / "new").iterdir()}


def test_records_equal_a_local_scan_and_nothing_changes(server: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap_source, "BATCH", 3)  # 7 messages: three FETCH batches, the last one short
    before = files(server.maildir)
    remote = scan("--format", "jsonl", server.url())
    local = scan("--format", "jsonl", str(server.maildir))
    assert remote.exit_code == local.exit_code == 1, remote.output  # the samples include forged mail
    got, expected = records(remote.stdout), records(local.stdout)
    assert len(got) == len(MESSAGES) == len(expected)
    assert sorted(map(without_place, got)) == sorted(map(without_place, expected))
    url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
    assert [r["position"] for r in got] == [{"source": url, "index": n, "uid": n + 1} for n in range(len(got))]
    assert [r["source"] for r in got] == [f"{url}#{n + 1}" for n in range(len(got))]
    pooled = scan("--format", "jsonl", "--jobs", "2", "--chunk", "2", server.url())  # items go to workers
    assert pooled.exit_code == 1 and pooled.stdout == remote.stdout, pooled.output
    assert all("\\Seen" not in value for value in flags(server).values()), flags(server)
    assert files(server.maildir) == before  # the same file names (flags live in them) and bytes
    # The flag check can see \Seen: a plain FETCH BODY[] in a SELECTed mailbox sets it.
    conn = imaplib.IMAP4("127.0.0.1", server.port)
    conn.login(USER, PASSWORD)
    conn.select(MAILBOX)
    conn.uid("FETCH", "7", "(BODY[])")
    conn.logout()
    assert "\\Seen" in flags(server)[7]


def test_netrc_password(server: Dovecot, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f'machine 127.0.0.1 login {USER} password "{PASSWORD}"\n')
    result = scan("--format", "jsonl", server.url(), env={PASSWORD_ENV: None, "NETRC": str(netrc)})
    assert result.exit_code == 1, result.output
    assert len(records(result.stdout)) == len(MESSAGES)


@pytest.mark.parametrize(("url", "env", "says"), [
    ("imap://{user}@127.0.0.1:{port}/Nowhere", {}, "cannot open the mailbox 'Nowhere'"),
    ("imap://{user}@127.0.0.1:{closed}/INBOX", {}, "cannot connect to 127.0.0.1:{closed}: Connection refused"),
    ("imap://{user}:hunter2@127.0.0.1:{port}/INBOX", {}, "URL with a password"),
    ("imap://{user}@127.0.0.1:{port}/INBOX", {PASSWORD_ENV: None, "NETRC": "/nonexistent"}, "no password for alice@"),
])
def test_cannot_open_is_one_line_and_exit_2(server: Dovecot, url: str, env: dict[str, str | None], says: str) -> None:
    values = {"user": USER, "port": server.port, "closed": free_port()}
    refused(scan(url.format(**values), env=env), says.format(**values))


def refused(result: Result, says: str) -> None:
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and says in errors[0], result.output
    assert "Traceback" not in result.output and "hunter2" not in result.output


@pytest.mark.parametrize(("url", "box"), [
    ("imaps://bob@mail.example.org/INBOX", Mailbox("imaps", "bob", "mail.example.org", 993, "INBOX")),
    ("imap://bob%40example.org@[::1]:1143/Archive%202024", Mailbox("imap", "bob@example.org", "::1", 1143,
                                                                   "Archive 2024")),
    ("IMAPS://bob@host", Mailbox("imaps", "bob", "host", 993, "INBOX")),
])
def test_parse_url(url: str, box: Mailbox) -> None:
    assert parse_url(url) == box


def test_url_without_password_or_default_port() -> None:
    assert parse_url("imaps://bob@host:993/INBOX").url == "imaps://bob@host/INBOX"
    assert parse_url("imap://bob@[::1]:1143/A").url == "imap://bob@[::1]:1143/A"


@pytest.mark.parametrize("url", ["imaps://host/INBOX", "imaps://bob:pw@host/INBOX", "imaps://bob@/INBOX",
                                 "imaps://bob@host:99999/INBOX", "imaps://bob@host/INBOX;UIDVALIDITY=1",
                                 "imaps://bob@host/Entw%01rfe"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(ValueError):
        parse_url(url)


def test_netrc_entry_for_another_login_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine host login carol password carols\n")
    monkeypatch.setenv("NETRC", str(netrc))
    with pytest.raises(ValueError, match="no password"):
        password_for(parse_url("imaps://bob@host/INBOX"))
    netrc.write_text("machine host login bob password bobs\n")
    assert password_for(parse_url("imaps://bob@host/INBOX")) == "bobs"


class ScriptedConnection:
    """The replies imaplib gives, scripted: UID 3 cannot be fetched, UID 5 vanished, UID 6 is too large."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, ...]] = []

    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]:
        self.commands.append((command, *args))
        if command == "SEARCH":
            return "OK", [b"1 2 3 4 5 6"]
        uids = [int(u) for u in args[0].split(",")]
        if args[1] == "(RFC822.SIZE)":
            return "OK", [f"{u} (UID {u} RFC822.SIZE {(1 << 30) if u == 6 else 10})".encode() for u in uids if u != 5]
        if 3 in uids:
            return "NO", [b"[SERVERBUG] cannot read message"]
        parts: list[Any] = []
        for u in uids:
            parts += [(f"{u} (UID {u} BODY[] {{10}}".encode(), b"Subject: x"), b")"]
        return "OK", parts

    def logout(self) -> None:
        pass


def test_unfetchable_messages_become_error_records(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap_source, "BATCH", 4)
    source = object.__new__(ImapSource)
    source.box = parse_url("imaps://bob@host/INBOX")
    conn = ScriptedConnection()
    source.conn = conn  # type: ignore[assignment]
    got = list(source.items())
    assert all(isinstance(item, ImapItem) for item in got)
    assert [(i.uid, i.index, i.data is not None) for i in got if isinstance(i, ImapItem)] == [
        (1, 0, True), (2, 1, True), (3, 2, False), (4, 3, True), (5, 4, False), (6, 5, False)]
    assert "SERVERBUG" in (got[2].error or "") and "no message" in (got[4].error or "")
    assert "too large" in (got[5].error or "")
    assert got[0].name == "imaps://bob@host/INBOX#1"
    # Read-only by construction: only SEARCH and FETCH with BODY.PEEK, never STORE/EXPUNGE/SELECT.
    assert {c[0] for c in conn.commands} == {"SEARCH", "FETCH"}
    assert all(c[2] in ("(RFC822.SIZE)", "(BODY.PEEK[])") for c in conn.commands if c[0] == "FETCH")


class DroppingConnection(ScriptedConnection):
    """Drops the connection at the second batch's first FETCH."""

    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]:
        if command == "FETCH" and args[0].startswith("5"):
            raise imaplib.IMAP4.abort("socket error: EOF")
        return super().uid(command, *args)


def test_a_lost_connection_is_reopened_once_then_one_error_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap_source, "BATCH", 4)
    source = object.__new__(ImapSource)
    source.box = parse_url("imaps://bob@host/INBOX")
    source.conn = DroppingConnection()  # type: ignore[assignment]
    reopened: list[bool] = []

    def reopen() -> str | None:
        reopened.append(True)
        return None  # reconnected; the new connection drops again, at the same batch

    monkeypatch.setattr(source, "_reopen", reopen)
    got = list(source.items())
    assert [item.uid for item in got if isinstance(item, ImapItem)] == [1, 2, 3, 4, 5]
    assert reopened == [True]
    assert got[-1].error == "connection lost (socket error: EOF); 2 messages not read"
    assert source.conn is None  # logged out


class ReopenedConnection(ScriptedConnection):
    """A new connection to the same mailbox, which the server opened under `validity`."""

    def __init__(self, validity: int) -> None:
        super().__init__()
        self.validity = validity

    def response(self, code: str) -> tuple[str, list[Any]]:
        return code, [str(self.validity).encode()]


@pytest.mark.parametrize(("validity", "read"), [(7, [1, 2, 3, 4, 5, 6]), (8, [1, 2, 3, 4, 5])])
def test_a_reconnect_goes_on_only_under_the_same_uidvalidity(monkeypatch: pytest.MonkeyPatch, validity: int,
                                                             read: list[int]) -> None:
    monkeypatch.setattr(imap_source, "BATCH", 4)
    source = object.__new__(ImapSource)
    source.box, source.password = parse_url("imaps://bob@host/INBOX"), "pw"
    source.conn, source.validity = DroppingConnection(), 7  # type: ignore[assignment]
    monkeypatch.setattr(imap_source, "connect", lambda box, password: ReopenedConnection(validity))
    got = list(source.items())
    assert [item.uid for item in got if isinstance(item, ImapItem)] == read
    if validity != 7:
        assert got[-1].error == ("connection lost (socket error: EOF); on reconnecting, the mailbox's UIDVALIDITY was "
                                 "8 instead of 7: the UIDs listed before may name other messages now; 2 messages "
                                 "not read")
    else:
        fetched = [i.uid for i in got if isinstance(i, ImapItem) and i.data is not None]
        assert fetched == [1, 2, 4]  # 3: the server's error, 5: vanished, 6: too large


def test_the_server_reports_a_uidvalidity(server: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    source = ImapSource(server.url())
    try:
        assert isinstance(source.validity, int) and source.validity > 0
    finally:
        source._close()


def test_wrong_password_is_one_line_and_exit_2(server: Dovecot) -> None:
    # Last in this file: Dovecot delays the next logins from an IP after a failed one.
    result = scan(server.url(), env={PASSWORD_ENV: "wrong"})
    refused(result, f"login to 127.0.0.1:{server.port} as alice failed: [AUTHENTICATIONFAILED] Authentication failed.")
