"""Talk SMTP to one mail host without sending mail: greeting, EHLO, an optional callout, QUIT — never DATA.

Written on raw sockets rather than smtplib on purpose: the host is chosen by whoever wrote the message,
so it may be hostile, and smtplib reads multi-line replies without a bound on their number or on the
time they take. Here every reply must arrive whole within one timeout and fit a size limit.
"""

from __future__ import annotations

import re
import socket
import time

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.probe.vocabulary import CalloutAnswer, Outcome
from mailcheck.reporters.sanitize import safe_text
from mailcheck.value_types import NamedTuple

# RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers exceed it a little, so allow more,
# but bound a reply as a whole so a hostile server cannot stream continuation lines forever.
_MAX_LINE = 2048
_MAX_LINES = 100
_REPLY_LINE = lazy_compile(rb"([2-5][0-9][0-9])(?:([ -])(.*))?")
# RFC 3463 §2: class.subject.detail at the start of the reply text (RFC 2034 ENHANCEDSTATUSCODES).
_ENHANCED = lazy_compile(r"([245])\.(\d{1,3})\.(\d{1,3})\b")
# RFC 3463 §3.2 address statuses that say the mailbox is not valid there. 5.1.7 and 5.1.8 concern
# the sender's address (ours, the null path), so they say nothing about the address asked about.
_NO_MAILBOX_STATUSES = frozenset({"5.1.0", "5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10"})
# Without an enhanced status, a plain 550 may be a policy refusal (RFC 5321 §4.2.2 lists both), so the
# text must say that the mailbox does not exist.
_NO_MAILBOX_TEXT = lazy_compile(
    r"unknown|no such|not exist|doesn'?t exist|not found|invalid (recipient|mailbox|user|address)"
    r"|user not local|mailbox unavailable|no mailbox|unrouteable|undeliverable",
    re.IGNORECASE,
)


class Reply(NamedTuple):
    """One SMTP reply: its code and its text lines (sanitised for display)."""

    code: int
    lines: tuple[str, ...]

    @property
    def enhanced(self) -> str | None:
        match = _ENHANCED.match(self.lines[0]) if self.lines else None
        return ".".join(match.groups()) if match else None

    def show(self) -> str:
        """The code and the first line, as evidence: '550 5.1.1 <x@example.com>: no such user'."""
        first = self.lines[0] if self.lines else ""
        more = f" (+{len(self.lines) - 1} lines)" if len(self.lines) > 1 else ""
        return f"{self.code} {first}".strip() + more


class Callout(NamedTuple):
    """The callout part of a conversation; a reply is None when that command was not reached."""

    sender: str
    random_address: str
    answer: CalloutAnswer
    null_sender_reply: Reply | None
    random_reply: Reply | None
    sender_reply: Reply | None
    problem: str = ""  # why the callout stopped early, when it did


class Session(NamedTuple):
    """One connection attempt to one address and everything said on it."""

    host: str
    address: str
    port: int
    outcome: Outcome
    seconds: float  # from starting to connect until the greeting (or the failure)
    banner: Reply | None = None
    greeting: Reply | None = None  # reply to our EHLO, or to HELO after a 500/502 to EHLO
    used_helo: bool = False
    callout: Callout | None = None
    commands: tuple[str, ...] = ()  # every command we sent, in order (for evidence and tests)
    detail: str = ""  # the error text of a failed connection

    def where(self) -> str:
        shown = f"[{self.address}]" if ":" in self.address else self.address
        return f"{safe_text(self.host, 120)} ({shown}:{self.port})"  # the host name came from DNS


class _Broken(Exception):
    """The conversation cannot go on: closed, timed out or garbled. str() says which."""

    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome


class _Connection:
    """Line-based SMTP I/O on one socket; every reply must arrive whole within `timeout` seconds."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock = sock
        self._timeout = timeout
        self._buffer = b""
        self.sent: list[str] = []

    def send(self, command: str) -> None:
        self.sent.append(command)
        self._sock.settimeout(self._timeout)
        try:
            self._sock.sendall(command.encode("ascii") + b"\r\n")
        except OSError as exc:
            raise _Broken(Outcome.CLOSED, f"sending {command.split()[0]} failed: {exc}") from exc

    def reply(self) -> Reply:
        deadline = time.monotonic() + self._timeout
        code: bytes | None = None
        lines: list[str] = []
        while True:
            line = self._line(deadline)
            match = _REPLY_LINE.fullmatch(line)
            if match is None or (code is not None and match.group(1) != code):
                raise _Broken(Outcome.GARBLED, "not an SMTP reply: " + safe_text(repr(line)[2:-1], 80))
            code = match.group(1)
            lines.append(safe_text((match.group(3) or b"").decode("utf-8", "replace"), 200))
            if match.group(2) != b"-":
                return Reply(int(code), tuple(lines))
            if len(lines) >= _MAX_LINES:
                raise _Broken(Outcome.GARBLED, f"a reply longer than {_MAX_LINES} lines")

    def _line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            if len(self._buffer) > _MAX_LINE:
                raise _Broken(Outcome.GARBLED, f"a reply line longer than {_MAX_LINE} bytes")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Broken(Outcome.BANNER_TIMEOUT, f"no complete reply within {self._timeout:g} s")
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(4096)
            except TimeoutError as exc:
                raise _Broken(Outcome.BANNER_TIMEOUT, f"no complete reply within {self._timeout:g} s") from exc
            except OSError as exc:
                raise _Broken(Outcome.CLOSED, f"the connection failed: {exc}") from exc
            if not chunk:
                raise _Broken(Outcome.CLOSED, "the server closed the connection")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.rstrip(b"\r")


def says_no_such_mailbox(reply: Reply) -> bool:
    """550/551/553 whose enhanced status (RFC 3463) or, lacking one, whose text says 'no such mailbox'."""
    if reply.code not in (550, 551, 553):
        return False
    status = reply.enhanced
    if status is not None:
        return status in _NO_MAILBOX_STATUSES
    return _NO_MAILBOX_TEXT.search(" ".join(reply.lines)) is not None


def _callout(conn: _Connection, sender: str, random_address: str) -> Callout:
    """MAIL FROM:<> + RCPT for a random address, then RSET + MAIL FROM:<> + RCPT for the sender.

    The null reverse-path (RFC 5321 §4.5.5) is what bounces use; servers must accept it. The random
    address comes first: a server that accepts it accepts anything, and then asking about the sender
    would bother it for a meaningless answer, so we stop there.
    """
    replies: dict[str, Reply | None] = {"null": None, "random": None, "sender": None}

    def result(answer: CalloutAnswer, problem: str = "") -> Callout:
        return Callout(sender, random_address, answer, replies["null"], replies["random"], replies["sender"],
                       problem)

    def ask(key: str, command: str) -> Reply:
        conn.send(command)
        reply = conn.reply()
        replies[key] = reply
        return reply

    try:
        null = ask("null", "MAIL FROM:<>")
        if null.code // 100 != 2:
            answer = CalloutAnswer.TEMPFAIL if null.code // 100 == 4 else CalloutAnswer.NULL_SENDER_REFUSED
            return result(answer)
        rand = ask("random", f"RCPT TO:<{random_address}>")
        if rand.code // 100 == 2:
            return result(CalloutAnswer.ACCEPTS_ALL)
        if rand.code // 100 == 4:
            # Greylisting tempfails every new triplet; asking about the sender would only be tempfailed too.
            return result(CalloutAnswer.TEMPFAIL)
        conn.send("RSET")
        conn.reply()
        again = ask("null", "MAIL FROM:<>")
        if again.code // 100 != 2:
            return result(CalloutAnswer.INCOMPLETE, f"MAIL FROM:<> after RSET got {again.show()}")
        answer_reply = ask("sender", f"RCPT TO:<{sender}>")
    except _Broken as exc:
        return result(CalloutAnswer.INCOMPLETE, str(exc))
    if answer_reply.code // 100 == 2:
        return result(CalloutAnswer.EXISTS)
    if answer_reply.code // 100 == 4:
        return result(CalloutAnswer.TEMPFAIL)
    if says_no_such_mailbox(answer_reply):
        return result(CalloutAnswer.NO_SUCH_USER)
    return result(CalloutAnswer.REJECTED_OTHER)


def _connect(address: str, port: int, timeout: float) -> socket.socket | _Broken:
    try:
        return socket.create_connection((address, port), timeout=timeout)
    except ConnectionRefusedError:
        return _Broken(Outcome.REFUSED, "connection refused")
    except TimeoutError:
        return _Broken(Outcome.CONNECT_TIMEOUT, f"no connection within {timeout:g} s")
    except OSError as exc:
        return _Broken(Outcome.UNREACHABLE, exc.strerror or str(exc))


def converse(host: str, address: str, port: int, helo: str, timeout: float,
             callout: tuple[str, str] | None = None) -> Session:
    """One conversation: greeting, EHLO (HELO after 500/502), the callout if asked, RSET/QUIT.

    `callout` is (sender, random address); both must already be checked as safe SMTP paths.
    Nothing here raises for anything the other side does.
    """
    started = time.monotonic()
    sock = _connect(address, port, timeout)
    if isinstance(sock, _Broken):
        return Session(host, address, port, sock.outcome, time.monotonic() - started, detail=str(sock))
    conn = _Connection(sock, timeout)
    try:
        return _talk(conn, host, address, port, helo, callout, started)
    finally:
        sock.close()


def _talk(conn: _Connection, host: str, address: str, port: int, helo: str,
          callout: tuple[str, str] | None, started: float) -> Session:
    try:
        banner = conn.reply()
    except _Broken as exc:
        return Session(host, address, port, exc.outcome, time.monotonic() - started, detail=str(exc))
    seconds = time.monotonic() - started
    outcome = {2: Outcome.ANSWERED, 4: Outcome.BANNER_TEMPFAIL}.get(banner.code // 100, Outcome.BANNER_REJECT)
    greeting: Reply | None = None
    used_helo = False
    done: Callout | None = None
    detail = ""
    try:
        if outcome is Outcome.ANSWERED:
            conn.send(f"EHLO {helo}")
            greeting = conn.reply()
            if greeting.code in (500, 502):  # RFC 5321 §3.2 / RFC 1869 §4.7: an old server, say HELO
                used_helo = True
                conn.send(f"HELO {helo}")
                greeting = conn.reply()
            if callout is not None:
                if greeting.code // 100 == 2:
                    done = _callout(conn, *callout)
                else:
                    done = Callout(callout[0], callout[1], CalloutAnswer.INCOMPLETE, None, None, None,
                                   f"our greeting was refused: {greeting.show()}")
                if done.null_sender_reply is not None:
                    conn.send("RSET")
                    conn.reply()
        # RFC 5321 §3.1: even after a 554 greeting the client should say QUIT.
        conn.send("QUIT")
        conn.reply()
    except _Broken as exc:
        detail = f"the conversation broke off: {exc}"
        if callout is not None and done is None:
            done = Callout(callout[0], callout[1], CalloutAnswer.INCOMPLETE, None, None, None, str(exc))
    return Session(host, address, port, outcome, seconds, banner, greeting, used_helo, done,
                   tuple(conn.sent), detail)
