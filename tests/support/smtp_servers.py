"""Real SMTP servers on 127.0.0.1 for probe tests, one pytest fixture per behaviour.

Well-behaved servers are aiosmtpd (each behaviour is a handler); servers that break the protocol on
purpose (hang, close at once, 554/421 greetings, garbage, endless replies) are plain sockets. Every
server records each connection and the commands it received, so tests can assert that no DATA was sent
and that no second connection was made.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"
KNOWN_USER = "alice@sender.test"


@dataclass
class Conversation:
    """One connection a server accepted, and every command line it read on it."""

    commands: list[str] = field(default_factory=list)

    @property
    def verbs(self) -> list[str]:
        return [c.split(" ", 1)[0].upper() for c in self.commands]


class Recorder:
    """What a server saw; appended to from the server's thread, read from the test's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.conversations: list[Conversation] = []

    def open(self) -> Conversation:
        conversation = Conversation()
        with self._lock:
            self.conversations.append(conversation)
        return conversation

    @property
    def verbs(self) -> list[str]:
        with self._lock:
            return [v for c in self.conversations for v in c.verbs]


# -- aiosmtpd: servers that speak SMTP properly ---------------------------------------------------


class _RecordingSMTP(SMTP):
    """aiosmtpd's server, recording every command line before aiosmtpd handles it."""

    def __init__(self, handler: Any, recorder: Recorder, banner_delay: float, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._banner_delay = banner_delay
        self._conversation = recorder.open()
        # aiosmtpd dispatches through this table (aiosmtpd 1.4); wrapping it sees every command,
        # including DATA, before any handler hook runs.
        self._smtp_methods = {name: self._recording(name, method) for name, method in self._smtp_methods.items()}

    def _recording(self, name: str, method: Callable[[str | None], Any]) -> Callable[[str | None], Any]:
        async def record(arg: str | None) -> Any:
            self._conversation.commands.append(f"{name} {arg}" if arg else name)
            return await method(arg)

        return record

    async def _handle_client(self) -> None:
        if self._banner_delay:
            await asyncio.sleep(self._banner_delay)  # a greet-pause, as Postfix postscreen does
        await super()._handle_client()


class AcceptAll:
    """Every recipient exists (a catch-all domain, or a server that cannot tell)."""

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"


class RejectUnknown:
    """Only KNOWN_USER exists; others get Postfix's 'User unknown' reply."""

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if address != KNOWN_USER:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"


class RejectUnknownPlain:
    """Like RejectUnknown, but an old server: no enhanced status codes, only the text says why."""

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if address != KNOWN_USER:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 Ok"


class Tempfail:
    """Greylisting: every recipient is deferred."""

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        return f"450 4.2.0 <{address}>: Recipient address rejected: Greylisted, try again later"


class PolicyReject:
    """Rejects every recipient for a policy reason (e.g. our IP is listed): says nothing about users."""

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        return "550 5.7.1 Service unavailable; client host blocked"


class RefuseNullSender:
    """Breaks RFC 5321 §4.5.5: will not take MAIL FROM:<>."""

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        return "553 5.1.8 Null sender not accepted"


class NoEhlo:
    """An old server that only knows HELO."""

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        return ["502 5.5.2 Error: command not recognized"]

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        return "250 Ok"


class RefuseGreeting:
    """Refuses our EHLO name (as servers do for 'localhost' or names that do not resolve)."""

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        return [f"550 5.7.1 <{hostname}>: Helo command rejected: Host not found"]


class AiosmtpdServer:
    """An aiosmtpd server on 127.0.0.1 and an ephemeral port, on its own event loop thread."""

    def __init__(self, handler: Any, banner_delay: float = 0.0) -> None:
        self.recorder = Recorder()
        self._handler = handler
        self._banner_delay = banner_delay
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._protocols: list[SMTP] = []
        self.port = 0

    def _factory(self) -> SMTP:
        protocol = _RecordingSMTP(self._handler, self.recorder, self._banner_delay, hostname="mx.sender.test",
                                  ident="ESMTP test server", loop=self._loop)
        self._protocols.append(protocol)
        return protocol

    def __enter__(self) -> AiosmtpdServer:
        self._thread.start()
        create = self._loop.create_server(self._factory, HOST, 0)
        self._server = asyncio.run_coroutine_threadsafe(create, self._loop).result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def shutdown() -> None:
            self._server.close()
            for protocol in self._protocols:
                if protocol.transport is not None:
                    protocol.transport.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._server.wait_closed()
            await asyncio.sleep(0)  # let the closed transports run their connection_lost callbacks

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


# -- plain sockets: servers that misbehave ---------------------------------------------------------

Script = Callable[[socket.socket, Conversation, threading.Event], None]


class ScriptedServer:
    """A TCP server on 127.0.0.1 that runs `script` for each connection, in a thread per connection."""

    def __init__(self, script: Script) -> None:
        self.recorder = Recorder()
        self._script = script
        self._stop = threading.Event()
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            worker = threading.Thread(target=self._run, args=(conn,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _run(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # the client may go away at any time: its right
            self._script(conn, self.recorder.open(), self._stop)

    def __enter__(self) -> ScriptedServer:
        self._acceptor = threading.Thread(target=self._serve, daemon=True)
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._acceptor.join(timeout=10)
        for worker in self._threads:
            worker.join(timeout=10)
        self._listener.close()


def _lines(conn: socket.socket, stop: threading.Event) -> Iterator[str]:
    """Command lines the client sends, until it closes or the server is stopped."""
    conn.settimeout(0.05)
    buffer = b""
    while not stop.is_set():
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            continue
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, _, buffer = buffer.partition(b"\n")
            yield line.rstrip(b"\r").decode("ascii", "replace")


def greet_then_refuse(banner: bytes) -> Script:
    """RFC 5321 §3.1: after a 554 (or 421) greeting, answer 503 to everything until QUIT."""

    def script(conn: socket.socket, conversation: Conversation, stop: threading.Event) -> None:
        conn.sendall(banner)
        for line in _lines(conn, stop):
            conversation.commands.append(line)
            if line.upper() == "QUIT":
                conn.sendall(b"221 2.0.0 Bye\r\n")
                return
            conn.sendall(b"503 5.5.1 Error: bad sequence of commands\r\n")

    return script


def hang(conn: socket.socket, conversation: Conversation, stop: threading.Event) -> None:
    """Accept, then never say anything (a tarpit); keep reading so commands are still recorded."""
    conversation.commands.extend(_lines(conn, stop))


def close_at_once(conn: socket.socket, conversation: Conversation, stop: threading.Event) -> None:
    """Accept and close without a greeting."""


def garbage(conn: socket.socket, conversation: Conversation, stop: threading.Event) -> None:
    """Not SMTP at all (an HTTP server on port 25, say)."""
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")


def endless_reply(conn: socket.socket, conversation: Conversation, stop: threading.Event) -> None:
    """A hostile server: continuation lines of a greeting, forever (until the client leaves)."""
    while not stop.is_set():
        conn.sendall(b"220-still greeting you\r\n" * 50)
        time.sleep(0.001)


# -- fixtures ---------------------------------------------------------------------------------------


def _aiosmtpd(handler: Any, banner_delay: float = 0.0) -> Iterator[AiosmtpdServer]:
    with AiosmtpdServer(handler, banner_delay) as server:
        yield server


def _scripted(script: Script) -> Iterator[ScriptedServer]:
    with ScriptedServer(script) as server:
        yield server


@pytest.fixture
def smtp_accept_all() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(AcceptAll())


@pytest.fixture
def smtp_reject_unknown() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(RejectUnknown())


@pytest.fixture
def smtp_reject_unknown_plain() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(RejectUnknownPlain())


@pytest.fixture
def smtp_tempfail() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(Tempfail())


@pytest.fixture
def smtp_policy_reject() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(PolicyReject())


@pytest.fixture
def smtp_refuse_null_sender() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(RefuseNullSender())


@pytest.fixture
def smtp_no_ehlo() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(NoEhlo())


@pytest.fixture
def smtp_refuse_greeting() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(RefuseGreeting())


@pytest.fixture
def smtp_slow_banner() -> Iterator[AiosmtpdServer]:
    yield from _aiosmtpd(RejectUnknown(), banner_delay=0.4)


@pytest.fixture
def smtp_banner_554() -> Iterator[ScriptedServer]:
    yield from _scripted(greet_then_refuse(b"554 5.7.1 mx.sender.test: no SMTP service for you\r\n"))


@pytest.fixture
def smtp_banner_421() -> Iterator[ScriptedServer]:
    yield from _scripted(greet_then_refuse(b"421-4.3.2 mx.sender.test busy,\r\n421 4.3.2 try again later\r\n"))


@pytest.fixture
def smtp_hang() -> Iterator[ScriptedServer]:
    yield from _scripted(hang)


@pytest.fixture
def smtp_close() -> Iterator[ScriptedServer]:
    yield from _scripted(close_at_once)


@pytest.fixture
def smtp_garbage() -> Iterator[ScriptedServer]:
    yield from _scripted(garbage)


@pytest.fixture
def smtp_endless() -> Iterator[ScriptedServer]:
    yield from _scripted(endless_reply)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.create_server((HOST, 0)) as probe:
        return int(probe.getsockname()[1])
