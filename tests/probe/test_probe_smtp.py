"""The SMTP conversation (mailcheck.probe.smtp) against real servers on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from support.smtp_servers import HOST, KNOWN_USER, AiosmtpdServer, ScriptedServer

from mailcheck.probe.smtp import Reply, Session, converse, says_no_such_mailbox
from mailcheck.probe.vocabulary import CalloutAnswer, Outcome, safe_path

HELO = "probe.mailcheck.test"
RANDOM = "no-such-user-0123456789ab@sender.test"


def talk(port: int, sender: str | None = None, timeout: float = 2.0) -> Session:
    callout = (sender, RANDOM) if sender is not None else None
    return converse("mx.sender.test", HOST, port, HELO, timeout, callout)


def test_responsive_says_ehlo_and_quit_only(smtp_accept_all: AiosmtpdServer) -> None:
    session = talk(smtp_accept_all.port)
    assert session.outcome is Outcome.ANSWERED
    assert session.banner is not None and session.banner.code == 220
    assert session.banner.lines[0].startswith("mx.sender.test")
    assert session.greeting is not None and session.greeting.code == 250 and not session.used_helo
    assert session.commands == (f"EHLO {HELO}", "QUIT")
    assert smtp_accept_all.recorder.verbs == ["EHLO", "QUIT"]
    assert 0 <= session.seconds < 2


def test_callout_existing_sender(smtp_reject_unknown: AiosmtpdServer) -> None:
    session = talk(smtp_reject_unknown.port, KNOWN_USER)
    assert session.callout is not None
    assert session.callout.answer is CalloutAnswer.EXISTS
    assert session.callout.random_reply is not None and session.callout.random_reply.code == 550
    assert session.callout.sender_reply is not None and session.callout.sender_reply.code == 250
    # The made-up address first, then the sender, each in its own transaction; never DATA.
    assert smtp_reject_unknown.recorder.verbs == ["EHLO", "MAIL", "RCPT", "RSET", "MAIL", "RCPT", "RSET", "QUIT"]
    commands = smtp_reject_unknown.recorder.conversations[0].commands
    assert commands[1] == "MAIL FROM:<>"
    assert commands[2] == f"RCPT TO:<{RANDOM}>"
    assert commands[5] == f"RCPT TO:<{KNOWN_USER}>"


def test_callout_unknown_sender(smtp_reject_unknown: AiosmtpdServer) -> None:
    session = talk(smtp_reject_unknown.port, "mallory@sender.test")
    assert session.callout is not None
    assert session.callout.answer is CalloutAnswer.NO_SUCH_USER
    assert session.callout.sender_reply is not None
    assert session.callout.sender_reply.enhanced == "5.1.1"
    assert "DATA" not in smtp_reject_unknown.recorder.verbs


def test_callout_unknown_sender_without_enhanced_codes(smtp_reject_unknown_plain: AiosmtpdServer) -> None:
    session = talk(smtp_reject_unknown_plain.port, "mallory@sender.test")
    assert session.callout is not None and session.callout.answer is CalloutAnswer.NO_SUCH_USER


def test_callout_accept_all_stops_after_the_made_up_address(smtp_accept_all: AiosmtpdServer) -> None:
    session = talk(smtp_accept_all.port, "anyone@sender.test")
    assert session.callout is not None
    assert session.callout.answer is CalloutAnswer.ACCEPTS_ALL
    assert session.callout.sender_reply is None
    assert smtp_accept_all.recorder.verbs == ["EHLO", "MAIL", "RCPT", "RSET", "QUIT"]
    assert all("anyone@" not in c for c in smtp_accept_all.recorder.conversations[0].commands)


def test_callout_tempfail(smtp_tempfail: AiosmtpdServer) -> None:
    session = talk(smtp_tempfail.port, KNOWN_USER)
    assert session.callout is not None and session.callout.answer is CalloutAnswer.TEMPFAIL
    assert session.callout.random_reply is not None and session.callout.random_reply.code == 450


def test_callout_policy_rejection_is_not_no_such_user(smtp_policy_reject: AiosmtpdServer) -> None:
    session = talk(smtp_policy_reject.port, KNOWN_USER)
    assert session.callout is not None and session.callout.answer is CalloutAnswer.REJECTED_OTHER


def test_callout_null_sender_refused(smtp_refuse_null_sender: AiosmtpdServer) -> None:
    session = talk(smtp_refuse_null_sender.port, KNOWN_USER)
    assert session.callout is not None
    assert session.callout.answer is CalloutAnswer.NULL_SENDER_REFUSED
    assert smtp_refuse_null_sender.recorder.verbs == ["EHLO", "MAIL", "RSET", "QUIT"]


def test_helo_after_ehlo_is_refused(smtp_no_ehlo: AiosmtpdServer) -> None:
    session = talk(smtp_no_ehlo.port)
    assert session.used_helo
    assert session.greeting is not None and session.greeting.code == 250
    assert smtp_no_ehlo.recorder.verbs == ["EHLO", "HELO", "QUIT"]


def test_refused_greeting_ends_the_callout(smtp_refuse_greeting: AiosmtpdServer) -> None:
    session = talk(smtp_refuse_greeting.port, KNOWN_USER)
    assert session.outcome is Outcome.ANSWERED
    assert session.greeting is not None and session.greeting.code == 550
    assert session.callout is not None and session.callout.answer is CalloutAnswer.INCOMPLETE
    assert "our greeting was refused: 550 5.7.1" in session.callout.problem
    assert smtp_refuse_greeting.recorder.verbs == ["EHLO", "QUIT"]


def test_slow_banner_within_timeout(smtp_slow_banner: AiosmtpdServer) -> None:
    session = talk(smtp_slow_banner.port, timeout=3.0)
    assert session.outcome is Outcome.ANSWERED
    assert session.seconds >= 0.35


def test_slow_banner_beyond_timeout(smtp_slow_banner: AiosmtpdServer) -> None:
    session = talk(smtp_slow_banner.port, timeout=0.15)
    assert session.outcome is Outcome.BANNER_TIMEOUT
    assert session.commands == ()


def test_554_banner_gets_quit_only(smtp_banner_554: ScriptedServer) -> None:
    session = talk(smtp_banner_554.port, KNOWN_USER)
    assert session.outcome is Outcome.BANNER_REJECT
    assert session.banner is not None and session.banner.code == 554
    assert session.callout is None
    assert smtp_banner_554.recorder.verbs == ["QUIT"]


def test_multiline_421_banner(smtp_banner_421: ScriptedServer) -> None:
    session = talk(smtp_banner_421.port)
    assert session.outcome is Outcome.BANNER_TEMPFAIL
    assert session.banner == Reply(421, ("4.3.2 mx.sender.test busy,", "4.3.2 try again later"))


def test_hanging_server_times_out(smtp_hang: ScriptedServer) -> None:
    started = time.monotonic()
    session = talk(smtp_hang.port, KNOWN_USER, timeout=0.3)
    assert session.outcome is Outcome.BANNER_TIMEOUT
    assert 0.25 <= time.monotonic() - started < 2
    assert smtp_hang.recorder.verbs == []  # nothing was said to a server that never greeted


def test_server_closing_at_once(smtp_close: ScriptedServer) -> None:
    session = talk(smtp_close.port)
    assert session.outcome is Outcome.CLOSED
    assert "closed" in session.detail


def test_connection_refused(closed_port: int) -> None:
    session = talk(closed_port)
    assert session.outcome is Outcome.REFUSED
    assert session.banner is None


def test_not_smtp(smtp_garbage: ScriptedServer) -> None:
    session = talk(smtp_garbage.port)
    assert session.outcome is Outcome.GARBLED
    assert "HTTP/1.1 400" in session.detail


def test_endless_reply_is_cut_off(smtp_endless: ScriptedServer) -> None:
    started = time.monotonic()
    session = talk(smtp_endless.port, timeout=5.0)
    assert session.outcome is Outcome.GARBLED
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(("code", "text", "expected"), [
    (550, "5.1.1 <x@example.com>: Recipient address rejected: User unknown", True),
    (550, "5.1.10 RESOLVER.ADR.RecipientNotFound; not found", True),
    (553, "5.1.3 bad address syntax", True),
    (551, "User not local; please try <x@example.net>", True),
    (550, "No such user here", True),
    (550, "5.7.1 Service unavailable; client host blocked", False),  # policy: says nothing about users
    (550, "Access denied", False),
    (554, "5.1.1 odd code with an address status", False),
    (552, "5.2.2 mailbox full", False),
    (450, "4.1.1 try later", False),
])
def test_no_such_mailbox_vocabulary(code: int, text: str, expected: bool) -> None:
    assert says_no_such_mailbox(Reply(code, (text,))) is expected


@pytest.mark.parametrize(("address", "ok"), [
    ("alice@sender.test", True),
    ("first.last+tag@mail.sender.test", True),
    ("a@b>\r\nDATA", False),  # command injection
    ("alice@sender.test>\r\nRCPT TO:<x@y.test", False),
    ("a b@sender.test", False),
    ('"quoted"@sender.test', False),
    ("ålice@sender.test", False),  # needs SMTPUTF8
    ("alice@-bad-.test", False),
    ("alice@", False),
    ("no-at-sign", False),
    ("x" * 65 + "@sender.test", False),
    ("a..b@sender.test", False),
])
def test_safe_path(address: str, ok: bool) -> None:
    assert safe_path(address) is ok
