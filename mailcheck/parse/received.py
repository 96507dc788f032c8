"""One Received header → Hop: a tokenising parser over the RFC 5321 §4.4 clauses and their comments."""

from __future__ import annotations

import calendar
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from mailcheck.model import Hop

# Problems come in two kinds. Contradictions are things no MTA writes (an impossible date, a zone
# offset that does not exist, garbage no software emits); the Received check may call a hop forged
# on them. Oddities (no date, a date in a form no standard describes) are only worth mentioning.
# Every problem text starts with one of these words so that the two kinds can be told apart.
IMPOSSIBLE = "impossible"
GARBAGE = "no MTA writes"
ODD = "odd"

# A bracketed literal (which may hold ':' or even '(' as in "[(1.2.3.4)]"), a parenthesis, or a word.
_TOKEN = re.compile(
    r"\((?:[^()]++|\((?:[^()]++|\([^()]*+\))*+\))*+\)"  # a comment, nested up to three deep
    r"|\[[^\]\s]*+\][^\s()]*+|[()]|[^\s()]++"
)
_PARENS = re.compile(r"[()]")
_SEMI_PARENS = re.compile(r"[();]")
# RFC 5321 §4.4 clause keywords in the spellings MTAs use (simta writes them upper case)
_KEYWORDS = {
    spelling: word
    for word in ("from", "by", "via", "with", "id", "for")
    for spelling in (word, word.upper(), word.capitalize())
}

# --- dates (RFC 5322 §3.3 and the obsolete forms of §4.3) --------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_abbr)}
_RFC_DATE = re.compile(
    r"(?:(?P<wd>[A-Za-z]{3})[a-z]*\.?,?\s*)?"
    r"(?P<d>\d{1,2})[\s-]+(?P<mon>[A-Za-z]{3})[a-z]*\.?[\s-]+(?P<y>\d{1,4}),?\s+"
    r"(?P<H>\d{1,2}):(?P<M>\d{1,2})(?::(?P<S>\d{1,2})(?:\.\d+)?)?"
    r"(?:\s*(?P<ap>[AaPp][Mm])\b)?"
    r"(?:\s*(?P<zone>[+-]\d{1,2}:?\d{2}\b|\d{4}\b|[A-Za-z]{1,5}\b))?"
)
# The form nearly every MTA writes: "Mon, 22 Jul 2002 16:18:03 +0100".
_COMMON_DATE = re.compile(
    r"(?:([A-Z][a-z]{2}), )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})\b"
)
# ctime()-style "Sun Nov 13 14:50:12 2005" and "Fri Sep 14 14:36:56 EDT 2018", and the ratware form
# "Aug, 01 2002 6:53:40 PM -0000": month before day.
_MONTH_FIRST = re.compile(
    r"(?:(?P<wd>[A-Za-z]{3})[a-z]*,?\s+)?(?P<mon>[A-Za-z]{3})[a-z]*,?\s+(?P<d>\d{1,2}),?\s+"
    r"(?:(?P<y1>\d{4})\s+)?"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ap>[AaPp][Mm])\b)?"
    r"(?:\s+(?P<zone1>[A-Za-z]{1,5}|[+-]\d{4})\b)?(?:\s+(?P<y2>\d{4})\b)?"
    r"(?:\s+(?P<zone2>[+-]\d{4}|[A-Za-z]{1,5})\b)?"
)
# A date at the end of a header whose writer forgot the ';'.
_TRAILING_DATE = re.compile(
    r"(?:\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?\b\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{2,4}\s+\d{1,2}:\d{2}",
    re.IGNORECASE,
)
# RFC 5322 §4.3 zone names, plus a few unambiguous ones MTAs print. Military letters count as -0000.
_ZONES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "met": 60,
    "mest": 120, "bst": 60, "eet": 120, "eest": 180, "wet": 0, "west": 60, "jst": 540, "kst": 540,
    "hkt": 480, "sgt": 480, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780, "akst": -540,
    "akdt": -480, "hst": -600,
}


@dataclass
class _Stamp:
    when: datetime | None = None
    problems: list[str] = field(default_factory=list)


def _zone_minutes(zone: str | None, problems: list[str]) -> int | None:
    """Minutes east of UTC, or None when the zone is absent or unknown."""
    if not zone:
        problems.append(f"{ODD}: the date has no time zone")
        return None
    if zone.isdigit():
        problems.append(f"{ODD}: zone offset {zone} has no sign")
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        if len(digits) != 4:
            problems.append(f"{ODD}: zone offset {zone} is not four digits (RFC 5322 §3.3)")
            return None
        hours, minutes = int(digits[:2]), int(digits[2:])
        # RFC 5322 §3.3: "mm" are minutes, so 60 or more cannot occur; real zones span -12..+14 h.
        if minutes >= 60 or hours > 14:
            problems.append(f"{IMPOSSIBLE} zone offset {zone}: no time zone is {hours} h {minutes} min from "
                             "UTC")
            return None
        sign = -1 if zone[0] == "-" else 1
        return sign * (hours * 60 + minutes)
    low = zone.lower()
    if low in _ZONES:
        return _ZONES[low]
    if len(low) == 1 and low != "j":
        return 0  # RFC 5322 §4.3: military zone letters are to be read as -0000
    problems.append(f"{ODD}: zone name {zone} is ambiguous or unknown")
    return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        return year + (2000 if year < 50 else 1900)  # RFC 5322 §4.3
    if len(text) == 3:
        return year + 1900
    return year


def _build(
    wd: str | None, day: int, mon: str, year: int, hour: int, minute: int, second: int,
    ampm: str | None, zone: str | None, text: str, stamp: _Stamp,
) -> None:
    problems = stamp.problems
    month = _MONTHS.get(mon.lower()[:3])
    if month is None:
        problems.append(f"{ODD}: unparseable date {text!r} (no month name)")
        return
    if ampm:
        if not 1 <= hour <= 12:
            problems.append(f"{IMPOSSIBLE} time in {text!r}: hour {hour} with {ampm.upper()}")
            return
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    if year < 1 or year > 9999:
        problems.append(f"{IMPOSSIBLE} date {text!r}: year {year}")
        return
    if hour > 23 or minute > 59 or second > 60:
        problems.append(f"{IMPOSSIBLE} time in {text!r}")
        return
    second = min(second, 59)  # a leap second (RFC 5322 §3.3 allows 60) is placed on :59
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        problems.append(f"{IMPOSSIBLE} date {text!r}: {calendar.month_abbr[month]} {year} has {last} days")
        return
    if wd:
        want = _WEEKDAYS.get(wd.lower()[:3])
        actual = naive.weekday()
        if want is not None and want != actual:
            problems.append(
                f"{IMPOSSIBLE} date {text!r}: {day} {calendar.month_abbr[month]} {year} "
                f"was a {calendar.day_name[actual]}"
            )
            return
    offset = _zone_minutes(zone, problems)
    if offset is None:
        return
    stamp.when = naive.replace(tzinfo=_tz(offset))


@lru_cache(maxsize=256)
def _tz(offset: int) -> timezone:
    return timezone(timedelta(minutes=offset))


def parse_date(text: str) -> _Stamp:
    """An MTA's date text → a tz-aware datetime plus problems (impossible values, odd forms)."""
    stamp = _Stamp()
    m = _COMMON_DATE.match(text)
    if m:
        _build(
            m[1], int(m[2]), m[3], int(m[4]), int(m[5]), int(m[6]), int(m[7]), None, m[8], text, stamp,
        )
        return stamp
    m = _RFC_DATE.match(text)
    if m:
        _build(
            m["wd"], int(m["d"]), m["mon"], _year(m["y"]), int(m["H"]), int(m["M"]), int(m["S"] or 0),
            m["ap"], m["zone"], text, stamp,
        )
        if m["ap"]:
            stamp.problems.append(f"{ODD}: 12-hour clock in the date, which RFC 5322 §3.3 does not allow")
        return stamp
    m = _MONTH_FIRST.match(text)
    if m and (m["y1"] or m["y2"]):
        stamp.problems.append(f"{ODD}: date {text!r} is not in RFC 5322 form (month before day)")
        _build(
            m["wd"], int(m["d"]), m["mon"], _year(m["y1"] or m["y2"]), int(m["H"]), int(m["M"]),
            int(m["S"] or 0), m["ap"], m["zone1"] or m["zone2"], text, stamp,
        )
        return stamp
    stamp.problems.append(f"{ODD}: unparseable date {text!r}")
    return stamp


# --- addresses ------------------------------------------------------------------------------------------

_IPISH = re.compile(r"[0-9A-Fa-f:.]*[.:][0-9A-Fa-f:.]*(?:%[\w.~-]+)?")
_V4_PORT = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3})(?:[.:]\d{1,5})")
_V4_DIGITS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


@lru_cache(maxsize=8192)
def normalise_ip(text: str) -> str | None:
    """Text an MTA wrote for an address → its canonical form (IPv4-mapped IPv6 becomes IPv4), or None.

    Accepts "IPv6:" prefixes (RFC 5321 §4.1.3), zone ids ("%6") and a port glued on with ':' or '.'.
    """
    t = text.strip("[]()")
    if t[:5].lower() == "ipv6:":
        t = t[5:]
    if not _IPISH.fullmatch(t):
        return None
    t = t.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(t)
    except ValueError:
        m = _V4_PORT.fullmatch(t)
        if not m:
            return None
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


@lru_cache(maxsize=4096)
def _is_loopback(ip: str) -> bool:
    return ipaddress.ip_address(ip).is_loopback


def _bad_v4(text: str) -> bool:
    """Four dotted numbers that are no IPv4 address ("[999.1.2.3]"): no socket ever reports that."""
    t = text.strip("[]()")
    return bool(_V4_DIGITS.fullmatch(t)) and normalise_ip(t) is None


# --- tokens and clauses ---------------------------------------------------------------------------------


@dataclass
class _Clause:
    keyword: str
    words: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class _Parsed:
    leading: _Clause
    clauses: dict[str, _Clause]
    extra: list[_Clause]  # repeated keywords ("by uid 502", XMail's trailing "from <sender>")
    unbalanced: bool


def _close(text: str, start: int) -> int:
    """Index just past the ')' matching the '(' at start, or -1 when it never closes."""
    depth = 0
    for m in _PARENS.finditer(text, start):
        depth += 1 if m.group() == "(" else -1
        if depth == 0:
            return m.end()
    return -1


class _Walk:
    """Groups tokens into clauses as they come: a keyword opens a clause, other words join the current one."""

    def __init__(self) -> None:
        self.leading = _Clause("")
        self.clauses: dict[str, _Clause] = {}
        self.extra: list[_Clause] = []
        self.current = self.leading

    def comment(self, text: str) -> None:
        self.current.comments.append(text.strip())

    def word(self, tok: str) -> None:
        low = _KEYWORDS.get(tok)
        if low is None:
            self.current.words.append(tok)
        elif not (low == "from" and self.current.keyword == "from"):  # Smail's "from relay from [ip] by …"
            self.current = _Clause(low)
            if low in self.clauses:
                self.extra.append(self.current)
            else:
                self.clauses[low] = self.current

    def done(self, unbalanced: bool) -> _Parsed:
        return _Parsed(self.leading, self.clauses, self.extra, unbalanced)


def _tokenise(text: str) -> _Parsed:
    toks = _TOKEN.findall(text)
    if "(" in toks or ")" in toks:
        return _tokenise_slow(text)
    walk = _Walk()
    for tok in toks:
        if tok[0] == "(":
            walk.comment(tok[1:-1])
        else:
            walk.word(tok)
    return walk.done(False)


def _tokenise_slow(text: str) -> _Parsed:
    """The same walk, for comments nested deeper than _TOKEN reaches and for unbalanced parentheses."""
    walk = _Walk()
    unbalanced = False
    pos = 0
    end = len(text)
    while pos < end:
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        tok = m.group()
        pos = m.end()
        if tok == "(":
            # nested deeper than the token pattern reaches, or never closed
            close = _close(text, m.start())
            if close < 0:
                walk.comment(text[m.end():])
                return walk.done(True)
            tok, pos = text[m.start():close], close
        if tok[0] == "(":
            walk.comment(tok[1:-1])
        elif tok == ")":
            unbalanced = True
        else:
            walk.word(tok)
    return walk.done(unbalanced)


def _split_date(text: str) -> tuple[str, str | None]:
    """Split "clauses ; date" at the last ';' outside comments (or the last one at all)."""
    if ";" not in text:
        found = list(_TRAILING_DATE.finditer(text))
        m = found[-1] if found else None
        if m is not None and m.start() > 0:
            return text[: m.start()].rstrip(), text[m.start():]
        return text, None
    cut = text.rfind(";")
    head = text[:cut]
    if head.count("(") == head.count(")"):
        return head.rstrip(" ;"), text[cut + 1:].strip(" ;")
    depth = 0
    top = -1
    last = -1
    for m in _SEMI_PARENS.finditer(text):
        ch = m.group()
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        else:
            last = m.start()
            if depth == 0:
                top = m.start()
    cut = top if top >= 0 else last
    return text[:cut].rstrip(" ;"), text[cut + 1:].strip(" ;")


# --- interpreting the clauses ---------------------------------------------------------------------------

_HELO = re.compile(r"(?:^|[\s(\"])(?:helo=|(?:HELO|EHLO|helo|ehlo) +)\"?([^\s)\"]*)")
_IDENT_EQ = re.compile(r"\bident=(\S+)")
_ENVELOPE = re.compile(r"(?i)\b(?:envelope-(?:from|sender)|return-path:?)[ =:]+<?([^\s<>,;()]*)>?")
_AUTH_COMMENT = re.compile(
    r"(?im)^(?:authenticated\b.*|authenticated sender:.*|auth:? \S+.*|\S+ authenticated user .*"
    r"|.*\bwith (?:login|plain|cram-md5)$|account \S+.*|.*authenticated_id[=: ].*)"
)
_AUTH_PROTOCOL = re.compile(r"(?i)^(?:UTF8)?(?:E?SMTP|LMTP)S?A$|^ASMTP$")
_LOCAL_PROTOCOL = re.compile(
    r"(?i)^(?:local(?:-\w+)?|lmtps?a?|bsmtp|pop3?s?|imap4?s?|uucp|maildrop|spool|spam-scanned)$"
)
_NOT_NAMES = frozenset({"unknown", "softdnserr", "unverified", "may", "localhost", "[local]", ""})
_LOCAL_USER = re.compile(r"(?i)[^\s@()]+@localhost(?:\.localdomain)?")
_LOCAL_NAME = re.compile(r"(?i)mail pickup service|(?:\S+/)?spool(?:dir|er)|conversion-daemon\.\S+")
_INVOKED = re.compile(r"^\S+ \d+ (?:messnum \d+ )?invoked ")
_ID_AT_LITERAL = re.compile(r"[A-Za-z0-9.\-_+/=:$#]+@\[[0-9A-Fa-f.:]+\]")
_ID_OK = re.compile(r"[A-Za-z0-9.\-_+/=@:$#,]+")


@dataclass
class _From:
    ip: str | None = None
    rdns: str | None = None
    helo: str | None = None
    ident: str | None = None
    name: str | None = None  # the first word after "from"
    local_user: bool = False  # "from user@localhost": a local submitter, no network client
    bad_ip: str | None = None


def _strip_name(name: str) -> str:
    return name.strip("()<>,;").rstrip(".")


def _comment_addresses(comment: str, out: _From, bracketed: list[str], bare: list[str]) -> None:
    """Collect address candidates and the rDNS name written before a bracketed address."""
    toks = comment.replace("(", " ").replace(")", " ").split()
    prev: str | None = None
    skip_next = False
    for tok in toks:
        if skip_next or tok[:5].lower() == "helo=" or tok[:6].lower() == "ident=":
            # Exim's "helo=[10.0.0.1]", qmail's "HELO [10.0.0.1]": the client's claim, not the peer
            prev, skip_next = None, False
            continue
        if tok in ("HELO", "EHLO", "helo", "ehlo"):
            prev, skip_next = None, True
            continue
        body = tok
        if "[" in tok and not tok.startswith("["):
            # "name[1.2.3.4]" (no space): the name is rDNS, as with "name [1.2.3.4]"
            prev, body = tok[: tok.index("[")], tok[tok.index("["):]
        if body.startswith("["):
            inner = body[1:body.find("]")] if "]" in body else body[1:]
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
                    name = _strip_name(name)
                    if name.lower() not in _NOT_NAMES and normalise_ip(name) is None:
                        out.rdns = name
            elif _bad_v4(inner):
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
                elif _bad_v4(host):
                    out.bad_ip = host
        prev = body


def _interpret_from(clause: _Clause | None, exim: bool) -> _From:
    out = _From()
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
        elif _bad_v4(w):
            out.bad_ip = w
    first = words[0] if words else None
    if first is not None and "[" in first and not first.startswith("["):
        # "name[1.2.3.4]" glued together: rDNS then address, as in a comment
        first, glued = first[: first.index("[")], first[first.index("["):]
        ip = normalise_ip(glued[: glued.index("]") + 1] if "]" in glued else glued)
        if ip is not None:
            word_ips.insert(0, ip)
            if explicit_helo is not None and out.rdns is None:
                out.rdns = _strip_name(first)
    first_ip = None
    if first is not None:
        literal = first[: first.index("]") + 1] if first.startswith("[") and "]" in first else first
        first_ip = normalise_ip(literal)
        if first_ip is None and _bad_v4(first):
            out.bad_ip = first
        if first_ip is None:
            out.name = _strip_name(first)
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
    if explicit_helo is None and exim and out.rdns is None and out.name and bracketed:
        out.rdns = out.name  # Exim writes a name outside the comment only after it verified the rDNS
    if explicit_helo is not None:
        out.helo = explicit_helo or None
        # qmail, qpsmtpd and Exim write the rDNS first and the HELO only in a comment
        if out.rdns is None and out.name and out.name.lower() not in _NOT_NAMES and "@" not in out.name:
            out.rdns = out.name
    elif first is not None:
        out.helo = out.name if out.name else (first if first_ip and (bracketed or bare) else None)
    return out


_EXIM_ID = re.compile(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}")


def _is_exim(text: str, hop_id: str | None) -> bool:
    return "(Exim " in text or (hop_id is not None and _EXIM_ID.fullmatch(hop_id) is not None)


def _first_word(clause: _Clause | None) -> str | None:
    if clause is None or not clause.words:
        return None
    word = clause.words[0].strip(",;")
    return word or None


def _auth(protocol: str | None, blob: str, low_blob: str) -> str | None:
    """How the client authenticated: the protocol name or the comment that says so."""
    if protocol and protocol[-1] in "aA" and _AUTH_PROTOCOL.match(protocol):
        return protocol  # RFC 3848: the A suffix records SMTP AUTH
    if "auth" not in low_blob and "account" not in low_blob and " with " not in low_blob:
        return None
    for m in _AUTH_COMMENT.finditer(blob):
        if "<none>" not in m.group():
            return m.group()
    return None


def _relay(
    leading: _Clause, clauses: dict[str, _Clause], extra: list[_Clause], frm: _From,
    protocol: str | None, low_comments: str,
) -> bool:
    """False for hand-offs that are not one machine relaying to another over SMTP."""
    if leading.comments and "from" not in clauses and _INVOKED.match(leading.comments[0]):
        return False  # qmail-queue's own line: "(qmail 123 invoked from network)"
    if protocol and (_LOCAL_PROTOCOL.match(protocol) or protocol.lower().startswith("qmail-scanner")):
        return False
    if any(k in low_comments for k in ("fetchmail", "getmail", "[unix: localhost]", "unix socket", "from "
                                                                                                   "userid")):
        return False
    if any(c.keyword == "by" and c.words[:1] == ["uid"] for c in extra):
        return False  # qmail-scanner: "from x by host by uid 502 with qmail-scanner"
    if frm.local_user:
        return False
    # A client on loopback is a hand-off between services on one machine (scanner, re-injection).
    return frm.ip is None or not _is_loopback(frm.ip)


def _id_problem(ident: str | None) -> str | None:
    if ident is None or _ID_OK.fullmatch(ident):
        return None
    if _ID_AT_LITERAL.fullmatch(ident):
        return None  # InterMail and LSMTP ids end in "@[client address]"
    odd = "".join(sorted({ch for ch in ident if not _ID_OK.fullmatch(ch)}))
    return f"{GARBAGE} an id like {ident!r}: it contains {odd!r}, which queue ids never do"


_GARBAGE_COMMENT = re.compile(r"[<>]")


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


def parse_received(value: str) -> Hop:
    """Parse one Received header value (unfolded) into a Hop. Never raises."""
    text = " ".join(value.split())
    problems: list[str] = []
    if text.startswith("(from "):
        # sendmail's local submission "(from user@localhost) by host …": read it as a from clause
        close = text.find(")")
        if close > 0:
            text = text[1:close] + text[close + 1:]
    clause_text, date_text = _split_date(text)
    parsed = _tokenise(clause_text)
    clauses = parsed.clauses
    comments = [c for cl in (parsed.leading, *clauses.values(), *parsed.extra) for c in cl.comments]
    frm = _interpret_from(clauses.get("from"), _is_exim(clause_text, _first_word(clauses.get("id"))))
    by = _first_word(clauses.get("by"))
    with_clause = clauses.get("with")
    protocol = " ".join(with_clause.words).strip(",;") if with_clause and with_clause.words else None
    if protocol is None:
        protocol = _first_word(clauses.get("via"))
    hop_id = _first_word(clauses.get("id"))
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
    timestamp = None
    if date_text:
        # sendmail writes "(envelope-from x)" after the date
        m = _ENVELOPE.search(date_text) if "(" in date_text else None
        if m and envelope_from is None:
            envelope_from = m.group(1) or None
        stamp = parse_date(date_text)
        timestamp = stamp.when
        problems.extend(stamp.problems)
    else:
        problems.append(f"{ODD}: no date (RFC 5321 §4.4 requires one after ';')")
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
    return Hop(
        raw=value,
        ip=frm.ip,
        rdns=frm.rdns,
        helo=frm.helo,
        by=by,
        id=hop_id,
        ident=frm.ident,
        envelope_from=envelope_from,
        for_=for_,
        protocol=protocol,
        auth=_auth(protocol_word, blob, low_blob),
        timestamp=timestamp,
        timestamp_text=date_text,
        relay=_relay(parsed.leading, clauses, parsed.extra, frm, protocol_word, low_blob),
        problems=tuple(problems),
    )


def is_contradiction(problem: str) -> bool:
    """True for problems no MTA produces (impossible values, garbage); False for mere oddities."""
    return problem.startswith((IMPOSSIBLE, GARBAGE))
