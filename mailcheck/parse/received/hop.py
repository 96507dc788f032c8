"""One Received header → Hop: the clauses read into who handed the message to whom, when, and how."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from mailcheck.model import Hop
from mailcheck.parse.dates import GARBAGE, IMPOSSIBLE, ODD, plain_moment, read_date
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.received.addresses import _OCTET, bad_v4, is_loopback, normalise_ip
from mailcheck.parse.received.client import _NOT_NAMES, Client, read_client, strip_name
from mailcheck.parse.received.tokens import _KEYWORDS, Clause, split_date, tokenise

_ENVELOPE = lazy_compile(r"(?i)\b(?:envelope-(?:from|sender)|return-path:?)[ =:]+<?([^\s<>,;()]*)>?")
_AUTH_COMMENT = lazy_compile(
    r"(?im)^(?:authenticated\b.*|authenticated sender:.*|auth:? \S+.*|\S+ authenticated user .*"
    r"|.*\bwith (?:login|plain|cram-md5)$|account \S+.*|.*authenticated_id[=: ].*)"
)
_AUTH_PROTOCOL = lazy_compile(r"(?i)^(?:UTF8)?(?:E?SMTP|LMTP)S?A$|^ASMTP$")
# A webmail hands on what a logged-in user wrote: "with HTTP", HTTPS (Horde), HTTPU (CommuniGate Pronto!)
_WEBMAIL_PROTOCOL = lazy_compile(r"(?i)^HTTP[SU]?$")
# GMX authenticates its submitters but shows it only by the shape of the line
_GMX = lazy_compile(
    r"^from \S* \((?:HELO|EHLO) \S*\) \[[0-9A-Fa-f.:]+\] by mail\.gmx\.(?:net|com) \([^)]+\) with E?SMTP\b"
)
_VIA_HTTP = lazy_compile(r"(?i)^via HTTPS?$")  # United Internet (web.de, GMX) webmail: "(via HTTP)"
# qmail's own line: "with SMTP" / "with QMQP" (perhaps after a cipher), never followed by an id
_QMAIL_PROTOCOL = lazy_compile(r"^(?:.* )?(?:SMTP|QMQP)$")
# Obtuse smtpd: "from name(1.2.3.4), claiming to be "helo" via SMTP by host, id smtpd…"
_OBTUSE = lazy_compile(r'^from (\S+?)\(([0-9A-Fa-f.:]+)\)(?:, claiming to be "([^"]*)")? via \S+ by \S+,')
_LOCAL_PROTOCOL = lazy_compile(
    r"(?i)^(?:local(?:-\w+)?|lmtps?a?|bsmtp|pop3?s?|imap4?s?|uucp|maildrop|spool|spam-scanned)$"
)
_INVOKED = lazy_compile(r"^\S+ \d+ (?:messnum \d+ )?invoked ")
_ID_AT_LITERAL = lazy_compile(r"[A-Za-z0-9.\-_+/=:$#]+@\[[0-9A-Fa-f.:]+\]")
_ID_OK = lazy_compile(r"[A-Za-z0-9.\-_+/=@:$#,]+")
# Comments of programs that fetch or hand over mail locally (one search instead of five substring tests)
_NOT_RELAY_NOTE = lazy_compile(r"fetchmail|getmail|\[unix: localhost\]|unix socket|from userid")
_EXIM_ID = lazy_compile(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}")


def _is_exim(text: str, hop_id: str | None) -> bool:
    return "(Exim " in text or (hop_id is not None and _EXIM_ID.fullmatch(hop_id) is not None)


def _first_word(clause: Clause | None) -> str | None:
    if clause is None or not clause.words:
        return None
    word = clause.words[0].strip(",;")
    return word or None


def _obtuse(text: str, frm: Client) -> None:
    """Obtuse smtpd writes the looked-up name glued to the address and the HELO only when it differs."""
    m = _OBTUSE.match(text)
    if m is None or normalise_ip(m.group(2)) != frm.ip:
        return
    name = m.group(1)
    frm.rdns = None if name.upper() == "UNKNOWN" else name
    frm.helo = m.group(3) or None


def _auth(protocol: str | None, blob: str, low_blob: str, text: str, comments: list[str],
          browser: bool) -> str | None:
    """How the client authenticated: the protocol name or the comment that says so.

    browser: the from clause names its client by address only, as webmails record a browser. Microsoft
    365 writes "with HTTPS" between its own servers (named) when it hands mail to the mailbox: no login.
    """
    if protocol and protocol[-1] in "aApP" and _AUTH_PROTOCOL.match(protocol):
        return protocol  # RFC 3848: the A suffix records SMTP AUTH; Exim and Earthlink write ASMTP
    if protocol and _WEBMAIL_PROTOCOL.match(protocol) and (protocol.upper() != "HTTPS" or browser):
        return f"webmail ({protocol})"
    # "http" guards the loop exactly: (?i) lets no other letters stand for h, t or p
    if "http" in low_blob and any(_VIA_HTTP.match(c) for c in comments):
        return "webmail (via HTTP)"
    if "gmx." in text and _GMX.match(text):
        return "GMX submission"
    if "auth" not in low_blob and "account" not in low_blob and " with " not in low_blob:
        return None
    for m in _AUTH_COMMENT.finditer(blob):
        if "<none>" not in m.group():
            return m.group()
    return None


def _relay(
    leading: Clause, clauses: dict[str, Clause], extra: list[Clause], frm: Client,
    protocol: str | None, low_comments: str,
) -> bool:
    """False for hand-offs that are not one machine relaying to another over SMTP."""
    if leading.comments and "from" not in clauses and _INVOKED.match(leading.comments[0]):
        return False  # qmail-queue's own line: "(qmail 123 invoked from network)"
    if protocol and (_LOCAL_PROTOCOL.match(protocol) or protocol.lower().startswith("qmail-scanner")):
        return False
    if _NOT_RELAY_NOTE.search(low_comments):
        return False
    if extra and any(c.keyword == "by" and c.words[:1] == ["uid"] for c in extra):
        return False  # qmail-scanner: "from x by host by uid 502 with qmail-scanner"
    if frm.local_user:
        return False
    # A client on loopback is a hand-off between services on one machine (scanner, re-injection).
    return frm.ip is None or not is_loopback(frm.ip)


def _id_problem(ident: str | None) -> str | None:
    if ident is None or _ID_OK.fullmatch(ident):
        return None
    if _ID_AT_LITERAL.fullmatch(ident):
        return None  # InterMail and LSMTP ids end in "@[client address]"
    odd = "".join(sorted({ch for ch in ident if not _ID_OK.fullmatch(ch)}))
    return f"{GARBAGE} an id like {ident!r}: it contains {odd!r}, which queue ids never do"


_GARBAGE_COMMENT = lazy_compile(r"[<>]")


def _garbage_comments(comments: list[str]) -> list[str]:
    """Comments with an unpaired '<' or '>': MTAs write angle brackets only around addresses."""
    found = []
    for c in comments:
        if not _GARBAGE_COMMENT.search(c):
            continue
        stripped = re.sub(r"<[^<>]*>", "", c)
        if "<" in stripped or ">" in stripped:
            found.append(f"{GARBAGE} a comment like ({c}): it has an unpaired angle bracket")
    return found


# Values longer than this are read afresh each time: no real Received line is near it, and a hostile one
# must not be kept in memory by the cache.
_CACHED_LENGTH = 2048


def parse_received(value: str) -> Hop:
    """Parse one Received header value (unfolded) into a Hop. Never raises."""
    if len(value) > _CACHED_LENGTH:
        return _parse(value)
    return _parse_cached(value)


@lru_cache(maxsize=4096)  # Hop is frozen: a line seen again (lists, resent copies, one relay's stamps) is shared
def _parse_cached(value: str) -> Hop:
    return _parse(value)


# The shape most MTAs (Postfix, sendmail, amavisd) write: "from helo (rdns [ip]) by host (comment) (comment)
# with ESMTP id ID for <rcpt>; date", where sendmail may put an ident before the rDNS ("user@rdns",
# "IDENT:user@rdns") and "(may be forged)" after the address. Read in one match, it gives exactly what the
# general path gives; anything the match leaves in doubt falls back to it. Every part is a run of one
# character class up to a literal, so the match stays linear on hostile text.
_NAME = r"[A-Za-z0-9._-]++"
_COMMON = lazy_compile(
    rf"from ({_NAME}) \(((?:(?:(IDENT:)?([^\s()<>\[\];@=:]++)@)?({_NAME}) )?\[({_OCTET}(?:\.{_OCTET}){{3}})\]"
    r"(?: \(may be forged\))?)\) by ([^\s()<>,;]++)"
    r"(?: \(([^()<>;]*+)\))?(?: \(([^()<>;]*+)\))? with (E?SMTPS?) id ([A-Za-z0-9.\-_+/=:$#]++)"
    r"(?: for <([^\s<>()]++)>)?; ([^\s;][^;]*+)"
)
_COMMON_DATE_GROUP = 13


def _common(value: str, text: str) -> Hop | None:
    """The hop of a line in the common shape, or None to leave it to the general path."""
    m = _COMMON.fullmatch(text)
    if m is None:
        return None
    helo_word, comment, _ident_tag, ident, rdns_word, ip, by, note1, note2, protocol, hop_id, for_, date_text = \
        m.groups()
    low = text.lower()
    if "claiming" in low or " via " in low or "envelope" in low or "return-path" in low or "helo" in low \
            or "ehlo" in low or helo_word in _KEYWORDS or by in _KEYWORDS or hop_id in _KEYWORDS:
        return None  # read by the general path: the HELO, envelope and Obtuse rules look at these
    # a name of these characters can be an address (or a bad one) only when it starts with a digit
    if helo_word[0].isdigit() and (normalise_ip(helo_word) is not None or bad_v4(helo_word)):
        return None
    name = strip_name(helo_word)
    if not name:
        return None
    clause_text = text[: m.start(_COMMON_DATE_GROUP) - 2]
    if rdns_word is None:
        rdns = name if _is_exim(clause_text, hop_id) else None  # Exim names only the rDNS it verified
    else:
        rdns = strip_name(rdns_word)
        if rdns.lower() in _NOT_NAMES:
            # Postfix's "unknown [ip]", a local hop's "localhost [127.0.0.1]": no rDNS was found, except that
            # Exim names only an rDNS it verified; a "verified" note is left to the general path.
            if (note1 and "verified" in note1) or (note2 and "verified" in note2):
                return None
            rdns = name if _is_exim(clause_text, hop_id) else None
        elif normalise_ip(rdns) is not None or (
                rdns_word[0].isdigit() and (normalise_ip(rdns_word) is not None or bad_v4(rdns_word))):
            return None
    comments = [comment]
    if note1 is not None:
        comments.append(note1.strip())
    if note2 is not None:
        comments.append(note2.strip())
    blob = "\n".join(comments)
    low_blob = blob.lower()
    problems: list[str] = []
    timestamp, envelope_from = _stamp(date_text, None, problems)
    # positional: a NamedTuple built from keywords costs three times as much. The address is a canonical
    # dotted quad (_COMMON), so it is on loopback exactly when it starts with 127.
    return Hop(value, ip, rdns, name, by, hop_id, ident, envelope_from, for_, protocol,
               _auth(protocol, blob, low_blob, text, comments, False), timestamp, date_text,
               not _NOT_RELAY_NOTE.search(low_blob) and not ip.startswith("127."), tuple(problems))


def _stamp(date_text: str, envelope_from: str | None, problems: list[str]) -> tuple[datetime | None, str | None]:
    """The hop's time and (sendmail writes "(envelope-from x)" after the date) its envelope sender."""
    # most dates end in a zone comment ("(BST)"): the search is for the few that also name the sender
    if envelope_from is None and "(" in date_text:
        low = date_text.lower()
        if "envelope-" in low or "return-path" in low:
            m = _ENVELOPE.search(date_text)
            if m:
                envelope_from = m.group(1) or None
    moment = plain_moment(date_text)
    if moment is not None:
        return moment, envelope_from
    stamp = read_date(date_text)
    problems.extend(stamp.problems)
    return stamp.when, envelope_from


def _parse(value: str) -> Hop:
    text = " ".join(value.split())
    if text[:5] == "from ":
        hop = _common(value, text)
        if hop is not None:
            return hop
    if text.startswith("(from "):
        # sendmail's local submission "(from user@localhost) by host …": read it as a from clause
        close = text.find(")")
        if close > 0:
            text = text[1:close] + text[close + 1:]
    clause_text, date_text = split_date(text)
    # Only the date differs between many lines (fetchmail's, qmail's, a list server's own): the clauses are
    # read once. GMX's submissions are told by the whole line (_auth), so those are read afresh.
    if len(clause_text) <= _CACHED_LENGTH and "gmx." not in text:
        read = _clauses_cached(clause_text)
    else:
        read = _clauses(clause_text, text)
    ip, rdns, helo, by, hop_id, ident, envelope_from, for_, protocol, auth, relay, clause_problems = read
    problems: list[str] = []
    timestamp = None
    if date_text:
        timestamp, envelope_from = _stamp(date_text, envelope_from, problems)
    else:
        problems.append(f"{ODD}: no date (RFC 5321 §4.4 requires one after ';')")
    problems.extend(clause_problems)
    return Hop(value, ip, rdns, helo, by, hop_id, ident, envelope_from, for_, protocol, auth, timestamp, date_text,
               relay, tuple(problems))


# What a line's clauses say, apart from its date: Hop's fields from ip to auth, then relay and the problems.
_Clauses = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None, str | None,
                 str | None, str | None, bool, tuple[str, ...]]


@lru_cache(maxsize=4096)
def _clauses_cached(clause_text: str) -> _Clauses:
    return _clauses(clause_text, clause_text)


def _clauses(clause_text: str, text: str) -> _Clauses:
    """text: the whole line, which only GMX's shape is read from."""
    problems: list[str] = []
    parsed = tokenise(clause_text)
    clauses = parsed.clauses
    comments = [c for cl in (parsed.leading, *clauses.values(), *parsed.extra) for c in cl.comments]
    with_clause = clauses.get("with")
    protocol = " ".join(with_clause.words).strip(",;") if with_clause and with_clause.words else None
    # qmail writes its keywords in lower case: upper-case "FROM … BY … WITH" lines are other MTAs'
    qmail = ("id" not in clauses and protocol is not None and _QMAIL_PROTOCOL.match(protocol) is not None
             and " with " in clause_text and "via" not in clauses)
    hop_id = _first_word(clauses.get("id"))
    frm = read_client(clauses.get("from"), _is_exim(clause_text, hop_id), qmail)
    if "claiming" in clause_text or " via " in clause_text:
        _obtuse(clause_text, frm)
    by = _first_word(clauses.get("by"))
    if protocol is None:
        protocol = _first_word(clauses.get("via"))
    if hop_id:
        hop_id = hop_id.strip("<>") or None
    for_ = _first_word(clauses.get("for"))
    if for_:
        for_ = for_.strip("<>") or None
    blob = "\n".join(comments)
    low_blob = blob.lower()
    envelope_from: str | None = None
    m = _ENVELOPE.search(blob) if ("envelope" in low_blob or "return-path" in low_blob) else None
    if m:
        envelope_from = m.group(1) or None
    else:
        for cl in parsed.extra:
            if cl.keyword == "from" and cl.words and cl.words[0].startswith("<"):
                envelope_from = cl.words[0].strip("<>") or None  # XMail: "… from <sender>"
    if parsed.unbalanced:
        problems.append(f"{ODD}: unbalanced parentheses")
    if "by" in clauses and not clauses["by"].words:
        problems.append(f"{ODD}: a 'by' clause without the receiving host's name")
    if "<" in blob or ">" in blob:
        problems.extend(_garbage_comments(comments))
    id_problem = _id_problem(hop_id)
    if id_problem:
        problems.append(id_problem)
    if frm.bad_ip:
        problems.append(f"{IMPOSSIBLE} address {frm.bad_ip}: not an IPv4 address any socket reports")
    protocol_word = protocol.split()[0] if protocol else None
    auth = _auth(protocol_word, blob, low_blob, text, comments, frm.ip is not None and frm.name is None)
    relay = _relay(parsed.leading, clauses, parsed.extra, frm, protocol_word, low_blob)
    return (frm.ip, frm.rdns, frm.helo, by, hop_id, frm.ident, envelope_from, for_, protocol, auth, relay,
            tuple(problems))
