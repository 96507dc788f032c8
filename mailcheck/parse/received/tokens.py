"""A Received value's text → its RFC 5321 §4.4 clauses (from, by, via, with, id, for) with their comments,
and the date after the last ';'."""

from __future__ import annotations

import re

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

# A bracketed literal (which may hold ':' or even '(' as in "[(1.2.3.4)]"), a parenthesis, or a word.
_TOKEN = lazy_compile(
    r"\((?:[^()]++|\((?:[^()]++|\([^()]*+\))*+\))*+\)"  # a comment, nested up to three deep
    r"|\[[^\]\s]*+\][^\s()]*+|[()]|[^\s()]++"
)
_PARENS = lazy_compile(r"[()]")
_SEMI_PARENS = lazy_compile(r"[();]")
# RFC 5321 §4.4 clause keywords in the spellings MTAs use (simta writes them upper case)
_KEYWORDS = {
    spelling: word
    for word in ("from", "by", "via", "with", "id", "for")
    for spelling in (word, word.upper(), word.capitalize())
}
# A date at the end of a header whose writer forgot the ';'.
_TRAILING_DATE = lazy_compile(
    r"(?:\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?\b\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{2,4}\s+\d{1,2}:\d{2}",
    re.IGNORECASE,
)

class Clause:
    """One clause as the walk fills it: its keyword, then the words and comments that follow."""

    __slots__ = ("comments", "keyword", "words")

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword
        self.words: list[str] = []
        self.comments: list[str] = []


class Parsed(NamedTuple):
    leading: Clause
    clauses: dict[str, Clause]
    extra: list[Clause]  # repeated keywords ("by uid 502", XMail's trailing "from <sender>")
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

    __slots__ = ("clauses", "current", "extra", "leading")

    def __init__(self) -> None:
        self.leading = Clause("")
        self.clauses: dict[str, Clause] = {}
        self.extra: list[Clause] = []
        self.current = self.leading

    def comment(self, text: str) -> None:
        self.current.comments.append(text.strip())

    def word(self, tok: str) -> None:
        low = _KEYWORDS.get(tok)
        if low is None:
            self.current.words.append(tok)
        elif not (low == "from" and self.current.keyword == "from"):  # Smail's "from relay from [ip] by …"
            self.current = Clause(low)
            if low in self.clauses:
                self.extra.append(self.current)
            else:
                self.clauses[low] = self.current

    def done(self, unbalanced: bool) -> Parsed:
        return Parsed(self.leading, self.clauses, self.extra, unbalanced)


def tokenise(text: str) -> Parsed:
    toks = _TOKEN.findall(text)
    if "(" in toks or ")" in toks:
        return _tokenise_slow(text)
    # _Walk inlined: this loop runs for every token of every Received line, and method calls dominated it
    leading = current = Clause("")
    words, comments = leading.words, leading.comments
    clauses: dict[str, Clause] = {}
    extra: list[Clause] = []
    keywords = _KEYWORDS
    for tok in toks:
        if tok[0] == "(":
            comments.append(tok[1:-1].strip())
            continue
        if tok not in keywords:  # an operator, not a method call: most tokens are no keyword
            words.append(tok)
            continue
        low = keywords[tok]
        if not (low == "from" and current.keyword == "from"):  # Smail's "from relay from [ip] by …"
            current = Clause(low)
            words, comments = current.words, current.comments
            if low in clauses:
                extra.append(current)
            else:
                clauses[low] = current
    return Parsed(leading, clauses, extra, False)


def _tokenise_slow(text: str) -> Parsed:
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


def split_date(text: str) -> tuple[str, str | None]:
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
