"""Authentication-Results sections → methods (`method=result (comments) reason=… ptype.prop=value`).

Two entry points: `parse_tolerant` reads any A-R-like value with the hand-written tokenizer (Microsoft's
form without authserv-id, providers.md §1.5); `parse_rfc8601` asks authres first (the strict RFC 8601
reading mailcheck/auth/authresults.py uses) and falls back to the tolerant reading when authres
refuses. Both keep the comments, which authres drops but which carry the provider's facts (Microsoft's
"sender IP is …", Google's "(p=REJECT sp=… dis=NONE)", providers.md §1.5, §2.3).
"""

from __future__ import annotations

from mailcheck.auth.provider_verdicts.tokens import Item, Section, tokenize
from mailcheck.value_types import NamedTuple

# Keys without a dot that belong to the method before them rather than starting a new one: RFC 8601
# `reason=`, Microsoft's `action=` after dmarc (MS-HDR).
_METHOD_ARGUMENTS = frozenset({"reason", "action"})


class Method(NamedTuple):
    """One result: `method=result`, its comments, `reason=`/`action=`, and ptype.property values."""

    method: str  # lower case: "spf", "dkim", "dmarc", "compauth", "arc", …
    result: str  # lower case as written: "pass", "fail", "bestguesspass", "perm_fail", …
    comments: tuple[str, ...] = ()
    reason: str | None = None
    action: str | None = None
    properties: tuple[tuple[str, str], ...] = ()  # ("smtp.mailfrom", "example.org"), …

    def get(self, name: str) -> str | None:
        """The first value of property `name` ("header.d", "smtp.mailfrom", …)."""
        name = name.lower()
        return next((value for key, value in self.properties if key == name), None)


class ParsedAr(NamedTuple):
    authserv_id: str | None
    methods: tuple[Method, ...]
    bare_tokens: tuple[str, ...] = ()  # words that are no method (Microsoft's older recipient-domain tokens)
    instance: str | None = None  # ARC-Authentication-Results `i=`
    strict: bool = False  # authres accepted the value as RFC 8601
    truncated: bool = False
    unbalanced: bool = False

    def of(self, method: str) -> tuple[Method, ...]:
        return tuple(m for m in self.methods if m.method == method)


class _Open:
    """The method being read; becomes a frozen Method when its section (or the next method) starts."""

    __slots__ = ("action", "comments", "method", "props", "reason", "result")

    def __init__(self, method: str, result: str, comments: list[str]) -> None:
        self.method = method
        self.result = result
        self.comments = comments
        self.reason: str | None = None
        self.action: str | None = None
        self.props: list[tuple[str, str]] = []

    def add(self, item: Item) -> None:
        self.comments.extend(item.comments)
        if item.key == "reason":
            self.reason = item.value
        elif item.key == "action":
            self.action = item.value.lower()
        else:
            self.props.append((item.key, item.value))

    def close(self) -> Method:
        return Method(self.method, self.result, tuple(self.comments), self.reason, self.action,
                      tuple(self.props))


def _is_method_start(item: Item) -> bool:
    return bool(item.key) and "." not in item.key and item.key not in _METHOD_ARGUMENTS


def _leading_id(section: Section) -> tuple[str | None, Section]:
    """The authserv-id (RFC 8601 §2.2: the first word, then an optional version number) and the rest."""
    items = list(section.items)
    if not items or items[0].key:
        return None, section
    authserv = items.pop(0).value
    if items and not items[0].key and items[0].value.isdigit():
        items.pop(0)  # `mx.microsoft.com 1` (providers.md §1.9)
    return authserv, Section(tuple(items))


def parse_tolerant(value: str) -> ParsedAr:
    """Read any A-R-like value; never raises. A bare first word is the authserv-id; bare words later
    are kept as `bare_tokens`."""
    tokens = tokenize(value)
    sections = list(tokens.sections)
    instance = None
    if sections and len(sections[0].items) == 1 and sections[0].items[0].key == "i":
        instance = sections.pop(0).items[0].value
    authserv = None
    if sections:
        authserv, sections[0] = _leading_id(sections[0])
    methods: list[Method] = []
    bare: list[str] = []
    for section in sections:
        current: _Open | None = None
        for item in section.items:
            if _is_method_start(item):
                if current is not None:
                    methods.append(current.close())
                current = _Open(item.key, item.value.lower(), list(item.comments))
            elif current is not None and item.key:
                current.add(item)
            else:
                bare.append(item.value)
        if current is not None:  # a `;` always ends a result
            methods.append(current.close())
    return ParsedAr(authserv, tuple(methods), tuple(bare), instance,
                    truncated=tokens.truncated, unbalanced=tokens.unbalanced)


def leading_word(value: str) -> str | None:
    """The first word of a value when it is no `method=result` — a cheap look at the authserv-id, so
    callers can skip other receivers' headers without parsing them."""
    head = value[:512].split(";", 1)[0].split()
    if not head or "=" in head[0] or head[0].startswith("("):
        return None
    return head[0].lower()


def parse_rfc8601(value: str) -> ParsedAr:
    """authres first (strict RFC 8601); the tolerant reading when authres refuses. When authres accepts,
    the tolerant reading still supplies the comments, provided both see the same method=result list."""
    from mailcheck.auth import authresults  # authres: only for a receiver's own RFC 8601 headers

    loose = parse_tolerant(value)
    strict = authresults.parse(value) if not loose.truncated else None
    if strict is None:
        return loose
    same = [(m.method, m.result) for m in loose.methods] == [
        (m.method.lower(), m.result.lower()) for m in strict.methods]
    if same:
        return ParsedAr(strict.authserv_id or loose.authserv_id, loose.methods, loose.bare_tokens,
                        loose.instance, strict=True)
    methods = tuple(Method(m.method.lower(), m.result.lower(), (), m.reason, None,
                           tuple((f"{p.ptype}.{p.name}".lower(), p.value) for p in m.properties))
                    for m in strict.methods)
    return ParsedAr(strict.authserv_id, methods, (), loose.instance, strict=True)
