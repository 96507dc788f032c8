"""Changes made in transit: whether a broken DKIM signature is explained by a list, a forwarder or an ARC sealer.

Lists and forwarders change messages (subject tags, footers, re-encoded bodies) and so break the author's
DKIM signature (RFC 6376 §4.1 anticipates this). That is handling, not deceit (DESIGN §3), so a broken
signature is left unverifiable when one of these explains it:

- an ARC chain that validates (RFC 8617) whose earliest set (i=1, what the first intermediary saw from the
  author's server) recorded `dkim=pass` for this signature's domain (and its header.b, when given): the
  message changed after a sealer had verified it;
- list traffic (List-Id, Mailing-list, X-Mailman-Version, a list Sender or bounce address), when what broke
  is what lists change: the body (footers) or header fields lists rewrite (Subject tags, From "via",
  Reply-To, MIME structure).

Residual risk, accepted on purpose: a sender can add list headers to a copied signature. That only turns a
"forged" signature into "unverifiable" — it never validates anything.
"""

from __future__ import annotations

import re

from mailcheck.auth.arc import ArcResult, ArcSet
from mailcheck.auth.authresults import parse as parse_authresults
from mailcheck.auth.dkim_result import DkimOutcome, DkimResult
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.message import Message
from mailcheck.value_types import NamedTuple

# Header fields a list may rewrite: a broken signature over them is what list handling does.
LIST_CHANGED_FIELDS = frozenset({
    "subject", "from", "sender", "reply-to", "to", "cc", "content-type", "content-transfer-encoding",
    "mime-version", "list-id", "list-unsubscribe", "list-post", "list-help", "list-subscribe", "list-archive",
    "list-owner", "precedence", "errors-to",
})
_AAR_INSTANCE = lazy_compile(r"^\s*i\s*=\s*\d+\s*;", re.ASCII)
_SUBJECT_TAGS = lazy_compile(r"\[([^\[\]\r\n]{1,60})\]")
_SHOWN = 120  # characters of a header value quoted in evidence
_ANGLED = lazy_compile(r"<([^<>\s]{1,500})>")
_VIA = lazy_compile(r"\bvia\b", re.IGNORECASE)
_MARKS = 20  # list addresses and links looked for in a footer
_FOOTER_TAIL = 2000  # characters at the end of a text part where a list's footer sits


class TransitChange(NamedTuple):
    """Why one broken signature is taken as changed in transit rather than forged."""

    signature_index: int
    reason: str  # one sentence a reader can check


def list_evidence(message: Message) -> tuple[str, ...]:
    """Sentences naming the signs that this copy went through a mailing list (empty when there are none)."""
    signs: list[str] = []
    for name in ("List-Id", "Mailing-list", "X-Mailman-Version", "List-Post"):
        value = message.get(name)
        if value:
            signs.append(f"{name}: {_shown(value)}")
    if not signs:
        return ()  # Sender, Precedence or a bounce address alone are too common outside lists to name one
    precedence = (message.get("Precedence") or "").strip().lower()
    if precedence in ("list", "bulk"):
        signs.append(f"Precedence: {precedence}")
    sender = message.get("Sender")
    if sender:
        signs.append(f"Sender: {_shown(sender)}")
    marks = list_marks(message)
    tag = _list_tag(message.get("Subject") or "", _list_names(message, marks))
    if tag:
        signs.append(f"the list's subject tag {_shown(tag)}")
    rewritten = _from_rewritten(message, marks)
    if rewritten:
        signs.append(rewritten)
    footer = _footer(message, marks)
    if footer:
        signs.append(footer)
    return tuple(signs)


def list_marks(message: Message) -> tuple[str, ...]:
    """What names the list in its own List-* fields, lower-cased: its posting address, the unsubscribe address
    Google Groups writes into footers, and the host/path of every web link (scheme dropped)."""
    marks: list[str] = []
    for name in ("List-Post", "List-Unsubscribe", "List-Archive", "List-Help", "List-Subscribe"):
        for target in _ANGLED.findall(message.get(name) or ""):
            target = target.strip().lower()
            if target.startswith("mailto:"):
                address = target[7:].partition("?")[0]
                if "@" in address:
                    marks.append(address)
                    if name == "List-Post":
                        local, _, domain = address.partition("@")
                        marks.append(f"{local}+unsubscribe@{domain}")
            elif target.startswith(("http://", "https://")):
                rest = target.split("//", 1)[1].partition("?")[0].rstrip("/")
                if "/" in rest:  # a bare host names the list's provider, not the list
                    marks.append(rest)
    return tuple(dict.fromkeys(marks))[:_MARKS]


def _list_names(message: Message, marks: tuple[str, ...]) -> set[str]:
    """The list's short names: List-Id's first label and its posting address's local part."""
    names = {m.partition("@")[0] for m in marks if "@" in m and "+" not in m}
    list_id = _ANGLED.findall(message.get("List-Id") or "")
    if list_id:
        names.add(list_id[-1].strip().lower().split(".", 1)[0])
    return {n for n in names if n}


def _list_tag(subject: str, names: set[str]) -> str | None:
    """The bracketed subject tag a list adds ("[greybus-dev]"), when it names this list; an author's own
    "[PATCH v2]" is not the list's."""
    for tag in _SUBJECT_TAGS.findall(subject[:_SHOWN * 4]):
        if tag.strip().lower() in names:
            return f"[{tag}]"
    return None


def _from_rewritten(message: Message, marks: tuple[str, ...]) -> str | None:
    """The sign that the list rewrote From to its own address (the DMARC workaround of Mailman and Google
    Groups: "'Alice' via dev" <dev@lists.example.org>)."""
    pairs = message.addresses("From")
    if len(pairs) != 1:
        return None
    name, address = pairs[0]
    posting = {t[7:].partition("?")[0].strip().lower()
               for t in _ANGLED.findall(message.get("List-Post") or "") if t.lower().startswith("mailto:")}
    if address.lower() in posting or (_VIA.search(name) and address.lower() in marks):
        return f"From rewritten to the list's own address ({_shown(name)} <{address}>)"
    return None


def _footer(message: Message, marks: tuple[str, ...]) -> str | None:
    """The sign that the list added a footer: the end of a text part names the list (its address or links)."""
    if not marks:
        return None
    for part in message.text_parts:
        tail = part.text[-_FOOTER_TAIL:].lower()
        named = next((m for m in marks if m in tail), None)
        if named is not None:
            return f"a list footer at the end of the body (it names {_shown(named)})"
    return None


def explain(result: DkimResult, arc: ArcResult | None, message: Message, listed: tuple[str, ...]) -> str | None:
    """The reason this broken signature is explained by handling in transit, or None."""
    if result.outcome not in (DkimOutcome.BODY_HASH_MISMATCH, DkimOutcome.SIGNATURE_MISMATCH) or not result.domain:
        return None
    sealer = _arc_vouches(result, arc)
    if sealer is not None:
        return (f"changed after signing by an intermediary: the ARC chain validates, and its first sealer "
                f"(i={sealer.instance}, d={sealer.seal_domain}) had verified this signature (it recorded dkim=pass "
                f"for {result.domain})")
    if not listed:
        return None
    if result.outcome is DkimOutcome.BODY_HASH_MISMATCH:
        return (f"the body changed after signing, and this copy went through a mailing list ({'; '.join(listed)}); "
                "lists add footers and re-encode bodies, so the break is what list handling does")
    changed = sorted(set(result.signed_headers) & LIST_CHANGED_FIELDS)
    if changed:
        return (f"a signed header field changed after signing, and this copy went through a mailing list "
                f"({'; '.join(listed)}); lists rewrite {', '.join(changed)}, which this signature covers")
    return None


def transit_changes(results: tuple[DkimResult, ...], arc: ArcResult | None, message: Message
                    ) -> tuple[TransitChange, ...]:
    """Every broken signature that handling in transit explains."""
    listed = list_evidence(message)
    found = []
    for result in results:
        reason = explain(result, arc, message, listed)
        if reason is not None:
            found.append(TransitChange(result.index, reason))
    return tuple(found)


def relabelled(results: tuple[DkimResult, ...], arc: ArcResult | None, message: Message) -> tuple[DkimResult, ...]:
    """The results with every signature that handling in transit explains marked CHANGED_IN_TRANSIT; what broke
    stays in the evidence."""
    reasons = {change.signature_index: change.reason for change in transit_changes(results, arc, message)}
    return tuple(
        r._replace(outcome=DkimOutcome.CHANGED_IN_TRANSIT, reason=reasons[r.index], notes=(r.reason, *r.notes))
        if r.index in reasons else r
        for r in results
    )


def _arc_vouches(result: DkimResult, arc: ArcResult | None) -> ArcSet | None:
    """The earliest ARC set, when the chain validates and that set recorded dkim=pass for this signature."""
    if arc is None or arc.cv != "pass" or not arc.sets or len(arc.sets) < arc.instances:
        return None
    first = min(arc.sets, key=lambda s: s.instance)
    if first.instance != 1:
        return None
    recorded = parse_authresults(_AAR_INSTANCE.sub("", first.aar, count=1))
    if recorded is None:
        return None
    for method in recorded.methods:
        if method.method != "dkim" or method.result != "pass":
            continue
        domain = (method.get("header", "d") or "").lower() or _identity_domain(method.get("header", "i"))
        b = method.get("header", "b")
        if domain == result.domain.lower() and (not b or result.b_prefix.startswith(b[:len(result.b_prefix)])):
            return first
    return None


def _identity_domain(identity: str | None) -> str:
    return identity.rpartition("@")[2].lower() if identity else ""


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"

