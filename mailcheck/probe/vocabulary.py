"""The probes' vocabulary, apart from the SMTP client: outcomes, callout answers and what may be sent.

checks/probe.py reads these on every run (its tables and the offline "not run" findings), while the
client in probe/smtp.py is only needed when a probe is made: keeping them here spares the filter's
start-up (one process per message) the client's sockets, regular expressions and classes.
"""

from __future__ import annotations

from enum import Enum

from mailcheck.parse.lazy_pattern import lazy_compile

# RFC 5321 §4.1.2 Dot-string made of RFC 5322 atext, at most 64 octets (§4.5.3.1.1).
_LOCAL_PART = lazy_compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_HOSTNAME = lazy_compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                       r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class Outcome(str, Enum):
    """How a connection attempt ended, before any command was sent."""

    ANSWERED = "answered"  # a 2xx greeting
    BANNER_TEMPFAIL = "banner-4xx"  # 4xx greeting, usually 421: not now
    BANNER_REJECT = "banner-5xx"  # 5xx greeting, usually 554: no service for us (RFC 5321 §3.1)
    REFUSED = "refused"  # nothing listens on the port
    CONNECT_TIMEOUT = "connect-timeout"
    BANNER_TIMEOUT = "banner-timeout"  # connected, but no greeting arrived in time
    CLOSED = "closed"  # connected, then closed without a greeting
    GARBLED = "garbled"  # something that is not an SMTP reply
    UNREACHABLE = "unreachable"  # any other socket error (no route, network down)


class CalloutAnswer(str, Enum):
    """What a callout learnt about the sender's address."""

    EXISTS = "exists"  # RCPT for the sender got 2xx, while a random address was rejected
    NO_SUCH_USER = "no-such-user"  # 550/551/553 saying the mailbox does not exist; random one rejected too
    REJECTED_OTHER = "rejected-other"  # 5xx that does not say the mailbox does not exist (policy, …)
    TEMPFAIL = "tempfail"  # 4xx somewhere (greylisting, rate limits)
    ACCEPTS_ALL = "accepts-all"  # the random address was accepted: the server says yes to anything
    NULL_SENDER_REFUSED = "null-sender-refused"  # MAIL FROM:<> rejected, against RFC 5321 §4.5.5
    INCOMPLETE = "incomplete"  # the conversation broke off, or our greeting was refused


def safe_path(address: str) -> bool:
    """Whether an address taken from a message can go into RCPT TO:<…> as it is.

    The address was written by whoever sent the message: anything beyond a plain dot-atom local part
    and a host name (CR/LF, spaces, angle brackets, quoting, non-ASCII) could inject commands or needs
    SMTPUTF8, so such addresses are not called out (RFC 5321 §4.1.2, §4.5.3.1 lengths).
    """
    local, at, domain = address.rpartition("@")
    if not at or len(local) > 64 or len(address) > 254:
        return False
    return _LOCAL_PART.fullmatch(local) is not None and safe_hostname(domain)


def safe_hostname(name: str) -> bool:
    """A plain LDH host name (RFC 1035 §2.3.1 as relaxed by RFC 1123 §2.1), e.g. for EHLO and RCPT."""
    return len(name) <= 253 and _HOSTNAME.fullmatch(name) is not None
