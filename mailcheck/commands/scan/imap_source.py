"""imap:// and imaps:// scan PATHs: the messages of one IMAP mailbox, read without changing anything on the server.

`mailcheck scan imaps://user@host/INBOX` (or ``imaps://user@host:993/Archive/2024``; ``imap://`` is a
plain connection, meant for a server on loopback) reads the mailbox the way an auditor must:

- the mailbox is opened with ``EXAMINE`` (read-only; never ``SELECT``), messages are fetched with
  ``UID FETCH uid BODY.PEEK[]`` (``PEEK``: the server does not set ``\\Seen``), and nothing is ever
  stored, expunged or appended;
- the password comes from the environment variable MAILCHECK_IMAP_PASSWORD or, when it is not set,
  from a netrc file (``$NETRC``, else ``~/.netrc``: ``machine HOST login USER password …``). It is
  never taken from the command line: a URL with a password in it is a usage error, since command
  lines are visible to every user of the machine and kept in shell histories;
- the mailbox name is given as the user reads it (``Entwürfe``, percent-encoded in the URL) and sent in
  IMAP's modified UTF-7 (imap_names.py);
- messages are fetched in batches of BATCH UIDs, in UID order, and streamed into the scan; each record's
  source is ``imaps://user@host/INBOX#UID`` and its position ``{source, index, uid}``;
- a server that cannot be reached, a refused login or a mailbox that does not exist is one line and
  exit 2 before any work; a message the server will not return becomes an error record and the scan
  goes on; a connection lost mid-scan is re-opened once — and the scan goes on only if the mailbox's
  UIDVALIDITY is unchanged — then the rest becomes one error record.

imaplib is imported only when a PATH is an IMAP URL (this module's top level does not import it:
worker processes import this module to unpickle the items).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from mailcheck.commands.scan.imap_names import modified_utf7
from mailcheck.commands.scan.sources import MESSAGE_CAP, Item
from mailcheck.commands.scan.urls import is_imap_url as is_imap_url

if TYPE_CHECKING:
    import imaplib

SCHEMES = {"imap": 143, "imaps": 993}
PASSWORD_ENV = "MAILCHECK_IMAP_PASSWORD"
BATCH = 50  # UIDs per FETCH: few round trips, and at most BATCH messages held at once
TIMEOUT = 60.0  # seconds for a connection or a reply: a stalled server must not hang the scan
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class ImapError(Exception):
    """A mailbox that cannot be opened: the message is the one line the user sees."""


@dataclass(frozen=True)
class ImapItem(Item):
    """A message of a mailbox: its place is a UID, not a file and offset."""

    uid: int = 0

    def position(self) -> dict[str, Any]:
        return {"source": self.source, "index": self.index, "uid": self.uid}


@dataclass(frozen=True)
class Mailbox:
    """Where to connect, and which mailbox: parsed from the URL (RFC 5092's form, without the options)."""

    scheme: str
    user: str
    host: str
    port: int
    name: str

    @property
    def url(self) -> str:
        """The URL as records name it: no password ever, the port only when it is not the default."""
        port = "" if self.port == SCHEMES[self.scheme] else f":{self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{self.user}@{host}{port}/{self.name}"


def parse_url(url: str) -> Mailbox:
    """imap[s]://user@host[:port]/MAILBOX → a Mailbox; ValueError (a usage error) for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if parts.password is not None:
        raise ValueError(f"{scheme}:// URL with a password: put it in ${PASSWORD_ENV} or a netrc file, "
                         "never on the command line")
    if not parts.username:
        raise ValueError(f"{scheme}:// URL without a user: write {scheme}://USER@HOST/MAILBOX")
    if not parts.hostname:
        raise ValueError(f"{scheme}:// URL without a host: write {scheme}://USER@HOST/MAILBOX")
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError as exc:
        raise ValueError(f"{scheme}:// URL with a bad port: {exc}") from None
    name = unquote(parts.path.lstrip("/")) or "INBOX"
    if parts.query or parts.fragment or ";" in name:
        raise ValueError(f"{scheme}:// URL: only USER@HOST[:PORT]/MAILBOX is understood (no ;options, ? or #)")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValueError(f"{scheme}:// URL: a mailbox name cannot hold control characters")
    modified_utf7(name)  # ValueError now, as a usage error, for a name IMAP cannot carry
    return Mailbox(scheme, unquote(parts.username), parts.hostname, port, name)


def password_for(box: Mailbox) -> str:
    """The password from the environment, else from netrc; ValueError when there is none."""
    secret = os.environ.get(PASSWORD_ENV)
    if secret:
        return secret
    import netrc

    path = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    if os.path.exists(path):
        try:
            entry = netrc.netrc(path).authenticators(box.host)
        except (OSError, netrc.NetrcParseError) as exc:
            raise ValueError(f"cannot read the netrc file {path}: {exc}") from None
        # An entry for another login on the same host is not this user's password.
        if entry is not None and entry[2] and entry[0] in ("", box.user):
            return entry[2]
    raise ValueError(f"no password for {box.user}@{box.host}: set ${PASSWORD_ENV} or add "
                     f"'machine {box.host} login {box.user} password …' to {path}")


def _quoted(name: str) -> str:
    """A mailbox name as an IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: list[Any]) -> str:
    words = [d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d) for d in data if d]
    return " ".join(words).strip() or "no reason given"


def connect(box: Mailbox, password: str) -> imaplib.IMAP4:
    """Log in and EXAMINE the mailbox; ImapError with one line saying what failed."""
    import imaplib
    import socket
    import ssl

    where = f"{box.host}:{box.port}"
    try:
        if box.scheme == "imaps":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=ssl.create_default_context(),
                                                    timeout=TIMEOUT)
        else:
            conn = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT)
    except (OSError, imaplib.IMAP4.error) as exc:  # refused, unknown host, TLS failure, not IMAP
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        if isinstance(exc, socket.gaierror):
            reason = f"unknown host ({reason})"
        raise ImapError(f"cannot connect to {where}: {reason}") from None
    try:
        try:
            conn.login(box.user, password)
        except imaplib.IMAP4.error as exc:
            raise ImapError(f"login to {where} as {box.user} failed: {_text(list(exc.args))}") from None
        # readonly=True makes imaplib send EXAMINE: the mailbox is opened read-only (RFC 3501 §6.3.2).
        status, data = conn.select(_quoted(modified_utf7(box.name)), readonly=True)
        if status != "OK":
            raise ImapError(f"cannot open the mailbox {box.name!r} on {where}: {_text(data)}")
    except (OSError, imaplib.IMAP4.error) as exc:
        close(conn)
        raise ImapError(f"{where}: {_text(list(exc.args)) if exc.args else type(exc).__name__}") from None
    except ImapError:
        close(conn)
        raise
    return conn


def uid_validity(conn: imaplib.IMAP4) -> int | None:
    """The UIDVALIDITY the server sent when the mailbox was opened (None when it sent none)."""
    _code, data = conn.response("UIDVALIDITY")
    try:
        return int(data[-1]) if data and data[-1] is not None else None
    except (TypeError, ValueError):
        return None


def close(conn: imaplib.IMAP4) -> None:
    """Log out without CLOSE (which would expunge in a SELECTed mailbox; here it is simply not needed)."""
    # The connection may already be gone (that is why it is being closed): nothing to report then.
    with contextlib.suppress(Exception):
        conn.logout()


class ImapSource:
    """One mailbox, opened (so that a failure is a usage error before the scan), then read by items()."""

    def __init__(self, url: str) -> None:
        self.box = parse_url(url)  # ValueError: a usage error
        self.password = password_for(self.box)
        self.conn: imaplib.IMAP4 | None = connect(self.box, self.password)
        self.validity = uid_validity(self.conn)  # what the UIDs listed on this connection are valid under

    def items(self) -> Iterator[Item]:
        try:
            yield from self._items()
        finally:  # also when the scan stops early (Ctrl-C, a closed pipe): log out
            self._close()

    def _items(self) -> Iterator[Item]:
        import imaplib

        url = self.box.url
        try:
            uids = self._uids()
        except (OSError, imaplib.IMAP4.error) as exc:
            yield ImapItem(url, 0, url, 0, url, error=f"cannot list the mailbox's messages: {exc}")
            return
        index = 0
        reopened = False
        for start in range(0, len(uids), BATCH):
            batch = uids[start:start + BATCH]
            try:
                try:
                    fetched = self._fetch(batch)
                except (OSError, imaplib.IMAP4.abort) as lost:
                    if reopened:
                        raise
                    reopened = True  # once per scan: a server that keeps dropping us is not retried forever
                    problem = self._reopen()
                    if problem is not None:
                        yield ImapItem(url, index, url, 0, f"{url}#{batch[0]}", uid=batch[0],
                                       error=f"connection lost ({lost}); {problem}; {len(uids) - start} "
                                             "messages not read")
                        return
                    fetched = self._fetch(batch)
            except (OSError, imaplib.IMAP4.abort) as exc:
                left = len(uids) - start
                yield ImapItem(url, index, url, 0, f"{url}#{batch[0]}", uid=batch[0],
                               error=f"connection lost ({exc}); {left} messages not read")
                return
            for uid in batch:
                yield _item(url, index, uid, fetched.get(uid))
                index += 1

    def _uids(self) -> list[int]:
        assert self.conn is not None
        status, data = self.conn.uid("SEARCH", "ALL")
        if status != "OK":
            raise OSError(_text(data))
        return sorted({int(word) for line in data if line for word in line.split()})

    def _fetch(self, batch: list[int]) -> dict[int, bytes | str]:
        """UID → message bytes, or the reason it was not returned. A batch the server refuses is
        fetched one UID at a time, so that one bad message does not take its neighbours with it."""
        import imaplib

        assert self.conn is not None
        found: dict[int, bytes | str] = {}
        try:
            status, data = self.conn.uid("FETCH", ",".join(map(str, batch)), "(RFC822.SIZE)")
        except imaplib.IMAP4.error as exc:
            if isinstance(exc, imaplib.IMAP4.abort):
                raise
            status, data = "NO", [str(exc).encode()]
        if status != "OK":
            return self._fetch_each(batch) if len(batch) > 1 else {batch[0]: _text(data)}
        small = []
        for line in data:
            uid, size = _UID.search(_head(line)), _SIZE.search(_head(line))
            if uid is None or size is None:
                continue  # an unsolicited update (FLAGS, EXISTS) mixed into the reply
            if int(size[1]) > MESSAGE_CAP:
                found[int(uid[1])] = f"too large to examine: {int(size[1])} bytes, over {MESSAGE_CAP >> 20} MiB"
            else:
                small.append(int(uid[1]))
        if not small:
            return found
        try:
            status, data = self.conn.uid("FETCH", ",".join(map(str, small)), "(BODY.PEEK[])")
        except imaplib.IMAP4.error as exc:
            if isinstance(exc, imaplib.IMAP4.abort):
                raise
            status, data = "NO", [str(exc).encode()]
        if status != "OK":
            found.update(self._fetch_each(small) if len(small) > 1 else {small[0]: _text(data)})
            return found
        for part in data:
            if isinstance(part, tuple) and (uid := _UID.search(part[0])) is not None:
                found[int(uid[1])] = part[1]
        return found

    def _fetch_each(self, batch: list[int]) -> dict[int, bytes | str]:
        found: dict[int, bytes | str] = {}
        for uid in batch:
            found.update(self._fetch([uid]))
        return found

    def _reopen(self) -> str | None:
        """Connect again: None when the scan can go on, else why it cannot. The UIDs were listed under the
        mailbox's UIDVALIDITY: if it has changed, they may name other messages now (RFC 3501 §2.3.1.1)."""
        self._close()
        try:
            self.conn = connect(self.box, self.password)
        except ImapError as exc:
            return f"reconnecting failed: {exc}"
        validity = uid_validity(self.conn)
        if validity != self.validity:
            self._close()
            return (f"on reconnecting, the mailbox's UIDVALIDITY was {validity} instead of {self.validity}: "
                    "the UIDs listed before may name other messages now")
        return None

    def _close(self) -> None:
        if self.conn is not None:
            close(self.conn)
            self.conn = None


def _head(line: Any) -> bytes:
    return line[0] if isinstance(line, tuple) else line if isinstance(line, bytes) else b""


def _item(url: str, index: int, uid: int, got: bytes | str | None) -> ImapItem:
    name = f"{url}#{uid}"
    if isinstance(got, bytes):
        return ImapItem(url, index, url, 0, name, data=got, size=len(got), uid=uid)
    why = got or "the server returned no message for this UID (expunged meanwhile?)"
    return ImapItem(url, index, url, 0, name, error=why, uid=uid)


# Mailboxes opened by check() (so that a failure is a usage error before any work), read by items().
_OPENED: dict[str, ImapSource] = {}


def check(url: str) -> str | None:
    """Open the mailbox of an imap[s]:// PATH now: None when it is open, else the one line saying why not
    (never containing the URL, which might hold a password)."""
    try:
        source = ImapSource(url)
    except (ValueError, ImapError) as exc:
        return str(exc)
    if (earlier := _OPENED.pop(url, None)) is not None:
        earlier._close()
    _OPENED[url] = source
    return None


def items(url: str) -> Iterator[Item]:
    """The messages of an imap[s]:// PATH, on the connection check() opened (or a new one)."""
    source = _OPENED.pop(url, None) or ImapSource(url)
    yield from source.items()
