"""The from clause of a Received line → the client: its address, rDNS name, HELO name and ident."""

from __future__ import annotations

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.received.addresses import bad_v4, normalise_ip
from mailcheck.parse.received.tokens import Clause

_HELO = lazy_compile(r"(?:^|[\s(\"])(?:helo=|(?:HELO|EHLO|helo|ehlo) +)\"?([^\s)\"]*)")
_IDENT_EQ = lazy_compile(r"\bident=(\S+)")
_NOT_NAMES = frozenset({"unknown", "softdnserr", "unverified", "may", "localhost", "[local]", ""})
_LOCAL_USER = lazy_compile(r"(?i)[^\s@()]+@localhost(?:\.localdomain)?")
_LOCAL_NAME = lazy_compile(r"(?i)mail pickup service|(?:\S+/)?spool(?:dir|er)|conversion-daemon\.\S+")
_EMPTY_HELO = lazy_compile(r"(?i)HELO|EHLO")  # qmail's "(HELO )": the client sent an empty name
_VERIFIED = lazy_compile(r"\[[0-9A-Fa-f.:]+\] verified")  # CommuniGate: the name was checked against the rDNS
_PLAIN_NAME = lazy_compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")  # a host name, nothing else
# qmail writes only the address (with the ident) when the HELO equals the rDNS name
_BARE_ADDRESS = lazy_compile(r"(?:[^\s@()]*@)?\[?[0-9A-Fa-f.:]+\]?")


class Client:
    """What read_client finds in a from clause, filled in as it reads (every part None until found)."""

    __slots__ = ("bad_ip", "helo", "ident", "ip", "local_user", "name", "rdns")

    def __init__(self) -> None:
        self.ip: str | None = None
        self.rdns: str | None = None
        self.helo: str | None = None
        self.ident: str | None = None
        self.name: str | None = None  # the first word after "from"
        self.local_user = False  # "from user@localhost": a local submitter, no network client
        self.bad_ip: str | None = None


def strip_name(name: str) -> str:
    return name.strip("()<>,;").rstrip(".")


_GREETINGS = frozenset({"HELO", "EHLO", "helo", "ehlo"})


def _comment_addresses(comment: str, out: Client, bracketed: list[str], bare: list[str]) -> None:
    """Collect address candidates and the rDNS name written before a bracketed address."""
    toks = comment.replace("(", " ").replace(")", " ").split()
    prev: str | None = None
    skip_next = False
    for tok in toks:
        first = tok[0]  # split() gives no empty token; the first letter spares two slices and lower()s
        if skip_next or (first in "hH" and tok[:5].lower() == "helo=") or (
                first in "iI" and tok[:6].lower() == "ident="):
            # Exim's "helo=[10.0.0.1]", qmail's "HELO [10.0.0.1]": the client's claim, not the peer
            prev, skip_next = None, False
            continue
        if tok in _GREETINGS:
            prev, skip_next = None, True
            continue
        body = tok
        bracket = tok.find("[")
        if bracket > 0:
            # "name[1.2.3.4]" (no space): the name is rDNS, as with "name [1.2.3.4]"
            prev, body = tok[:bracket], tok[bracket:]
        if bracket >= 0:
            close = body.find("]")
            inner = body[1:close] if close >= 0 else body[1:]
            ip = normalise_ip(inner)
            if ip is not None:
                bracketed.append(ip)
                if prev and out.rdns is None:
                    name = prev
                    if name.upper().startswith("IDENT:"):
                        name = name[6:]
                    if "@" in name:
                        user, name = name.rsplit("@", 1)
                        out.ident = out.ident or user
                    name = strip_name(name)
                    if name.lower() not in _NOT_NAMES and normalise_ip(name) is None:
                        out.rdns = name
            elif bad_v4(inner):
                out.bad_ip = inner
        else:
            user, at, host = body.rpartition("@")
            host = host.strip(",;")
            if host and (host[0].isdigit() or ":" in host):
                ip = normalise_ip(host)
                if ip is not None:
                    bare.append(ip)
                    if at and user and out.ident is None:
                        out.ident = user
                elif bad_v4(host):
                    out.bad_ip = host
        prev = body


def read_client(clause: Clause | None, exim: bool, qmail: bool = False) -> Client:
    """exim: the line is Exim's; qmail: it may be qmail's "with SMTP" line (no id, an address comment)."""
    out = Client()
    if clause is None:
        return out
    words = clause.words
    bracketed: list[str] = []
    bare: list[str] = []
    explicit_helo: str | None = None
    for comment in clause.comments:
        low = comment.lower()
        if low.startswith("proxying for"):
            continue  # a webmail's note about its own client, not the TCP peer
        if explicit_helo is None and ("helo" in low or "ehlo" in low):
            m = _HELO.search(comment)
            if m:
                explicit_helo = m.group(1)
            elif _EMPTY_HELO.fullmatch(comment):
                explicit_helo = ""
        if low.startswith("ident:") and "@" not in comment:
            out.ident = comment[6:].strip() or None  # Courier's "(IDENT: user)"
        if "ident=" in low:
            m = _IDENT_EQ.search(comment)
            if m:
                out.ident = m.group(1)
        _comment_addresses(comment, out, bracketed, bare)
    word_ips: list[str] = []
    for w in words[1:]:
        ip = normalise_ip(w[: w.index("]") + 1] if w.startswith("[") and "]" in w else w)
        if ip is not None:
            word_ips.append(ip)
        elif bad_v4(w):
            out.bad_ip = w
    first = words[0] if words else None
    if first is not None and "[" in first and not first.startswith("["):
        # "name[1.2.3.4]" glued together: rDNS then address, as in a comment
        first, glued = first[: first.index("[")], first[first.index("["):]
        ip = normalise_ip(glued[: glued.index("]") + 1] if "]" in glued else glued)
        if ip is not None:
            word_ips.insert(0, ip)
            if explicit_helo is not None and out.rdns is None:
                out.rdns = strip_name(first)
    first_ip = None
    if first is not None:
        literal = first[: first.index("]") + 1] if first.startswith("[") and "]" in first else first
        first_ip = normalise_ip(literal)
        if first_ip is None and bad_v4(first):
            out.bad_ip = first
        if first_ip is None:
            out.name = strip_name(first)
    candidates = bracketed or bare or word_ips or ([first_ip] if first_ip else [])
    out.ip = candidates[0] if candidates else None
    if out.ip is None:
        local = next((c for c in clause.comments if _LOCAL_USER.fullmatch(c)), None)
        if out.name and "@" in out.name:
            # sendmail's "(from user@localhost)": a local program, no network peer
            out.local_user = True
            out.ident = out.ident or out.name.split("@", 1)[0]
        elif local is not None:
            out.local_user = True  # "from host (user@localhost)": sendmail -bs run by a local user
            out.ident = out.ident or local.split("@", 1)[0]
        elif out.name and _LOCAL_NAME.fullmatch(" ".join(words)):
            out.local_user = True  # IIS "mail pickup service", Mercury "SpoolDir", conversion daemons
        if out.local_user:
            return out
    named = out.name is not None and out.name.lower() not in _NOT_NAMES and "@" not in out.name
    if explicit_helo is None and exim and out.rdns is None and out.name and (bracketed or word_ips):
        # Exim writes a name outside the comment only after it verified the rDNS (Exim 3 without parentheses)
        out.rdns = out.name
        if not bracketed and len(clause.comments) == 1 and _PLAIN_NAME.fullmatch(clause.comments[0]):
            # Exim 3's "rdns (helo) [address]": the HELO in parentheses only when it differs
            explicit_helo = clause.comments[0]
    if explicit_helo is None and named and out.rdns is None and (
        any(_VERIFIED.fullmatch(c) for c in clause.comments)
        or (qmail and first_ip is None and any(_BARE_ADDRESS.fullmatch(c) for c in clause.comments))
    ):
        out.rdns = out.name  # the name is both the verified rDNS and the HELO
    if explicit_helo is not None:
        out.helo = explicit_helo or None
        # qmail, qpsmtpd and Exim write the rDNS first and the HELO only in a comment
        if out.rdns is None and named:
            out.rdns = out.name
    elif first is not None:
        out.helo = out.name if out.name else (first if first_ip and (bracketed or bare) else None)
    return out
