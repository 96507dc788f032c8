"""header:<Name>[N]: headers that state a verdict — spam and virus scores, Authentication-Results,
Received-SPF, ARC sets, vendor anti-spam stamps — and Return-Path below a Received line.

Where such a header sits decides whose words it is (DESIGN §3). Above the entry hop's Received line
it was added after your servers took the message: your servers' words (validated as such). Below it,
it was in the message before your servers saw it: unverifiable — or forged when it impersonates your
servers (your --authserv-id, a trusted host's name, a mailcheck header, or a header name your servers
themselves added to this message). An Authentication-Results naming your server among the trace
fields right below the entry hop's Received line (where Gmail and others write theirs) is left
unverifiable: probably your server's, but a sender sending straight to you can put one there too.

Your recognised receiving provider's fields are your servers' words too: those it wrote at receipt
(found by mailcheck/providers/block.py: by position relative to ITS inbound edge, per the profile, and for
Microsoft by the names Exchange's header firewall strips from arriving mail, wherever Microsoft appended
them) are validated as its receipt-time record, with what they say decoded into plain words. Fields
naming your provider that it did not write keep the rules above. An ARC-Authentication-Results naming a
provider's authserv-id inside an ARC set whose seal that provider made (the seal's d= is the authserv-id's
domain) is the sealer's record of an earlier pass (a Gmail-to-Gmail forward), not an impersonation:
unverifiable offline, since the seal is what would vouch for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.auth.authserv_id import authserv_id
from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.providers import PROFILES
from mailcheck.providers.block import ProviderBlock, provider_block
from mailcheck.trust import ours_above

if TYPE_CHECKING:
    from mailcheck.parse.message import Header

ID = "verdict-headers"
SUMMARY = "verdict headers: whose words they are, judged by where they sit"
NEEDS: tuple[str, ...] = ("spf", "dkim", "arc", "dmarc")
PROVIDES: tuple[str, ...] = ()

VERDICT_HEADER = lazy_compile(
    r"^(?:x-spam|x-ham-report|x-virus|x-antivirus|x-av-|x-amavis|authentication-results$"
    r"|x-original-authentication-results$|arc-|received-spf$|x-ms-exchange-|x-microsoft-antispam"
    r"|x-forefront-antispam|x-mailscanner|x-barracuda|x-proofpoint|x-ironport|x-spamexperts"
    r"|x-mimecast|x-sophos|x-cmae|x-scanned-by$|x-bogosity$|x-dspam|x-rspamd|x-policyd|x-greylist"
    r"|domainkey-status$|x-mailcheck)",
    re.IGNORECASE,
)
# Headers that several honest hops may each add (ARC sets carry their own instance, A-R their own
# authserv-id): a second copy below the boundary is not by itself an impersonation.
_MULTI_HOP = lazy_compile(r"^(?:arc-|authentication-results$|received-spf$|x-original-authentication)", re.I)
_AUTHRES = lazy_compile(r"^(?:arc-)?authentication-results$|^x-original-authentication-results$", re.I)


def ours_limit(facts: Facts) -> int:
    """Header position above which only your servers can have added headers."""
    return ours_above(facts.message.index_of("Received"), facts.boundary)


def _impersonation(header: Header, facts: Facts, ctx: Context, names_above: set[str]) -> str | None:
    name = header.name.lower()
    if name.startswith("x-mailcheck"):
        return "it imitates mailcheck's own result header, which only your filter writes"
    if _AUTHRES.match(name):
        claimed = authserv_id(header.value)
        ours = {a.lower() for a in ctx.authserv_ids}
        trusted_names = {h.hop.by.lower() for h in facts.hops if h.trusted and h.hop.by}
        if claimed and claimed in ours:
            return f"it carries your own authserv-id {claimed!r}, yet your servers had not seen the message"
        if claimed and claimed in trusted_names:
            return f"it names your trusted host {claimed!r}, yet your servers had not seen the message"
        return None
    if name in names_above and not _MULTI_HOP.match(name):
        return (f"your servers add {header.name} themselves (it also appears above the entry hop); "
                "this copy was already in the message when it arrived")
    return None


# Fields a receiving server writes together with its own Received line.
_TRACE = lazy_compile(r"^(?:received-spf|authentication-results|domainkey-status|arc-[a-z-]+)$", re.IGNORECASE)


def _in_entry_trace_block(position: int, facts: Facts) -> bool:
    """Some servers (Gmail among them) write their Received-SPF and Authentication-Results just *below*
    their own Received line. True when this field is in the run of trace fields right under the entry
    hop's line: where the entry server writes them, and where a sender's plant would sit too."""
    entry = facts.boundary.entry_index
    received = facts.message.index_of("Received")
    if entry is None or entry >= len(received):
        return False
    top = received[entry]
    return top < position and all(_TRACE.match(h.name) for h in facts.message.headers[top + 1:position + 1])


_TAG = lazy_compile(r"(?:^|;)\s*([a-z]+)\s*=\s*([^;\s]+)", re.IGNORECASE)


def _instance(value: str) -> str | None:
    tags = {k.lower(): v for k, v in _TAG.findall(value)}
    return tags.get("i")


def _sealer_words(header: Header, facts: Facts) -> str | None:
    """For an ARC-Authentication-Results naming a provider: the sentence saying it is inside an ARC set
    that provider sealed (the ARC-Seal of its instance has d= the authserv-id's domain), else None."""
    if header.name.lower() != "arc-authentication-results":
        return None
    claimed = authserv_id(header.value)
    instance = _instance(header.value)
    if not claimed or instance is None:
        return None
    profile = next((p for p in PROFILES if p.authserv_id_for(claimed) is not None), None)
    if profile is None:
        return None
    for seal in facts.message.get_all("ARC-Seal"):
        tags = {k.lower(): v.lower() for k, v in _TAG.findall(seal)}
        d = tags.get("d", "").rstrip(".")
        if tags.get("i") == instance and d and (claimed == d or claimed.endswith("." + d)):
            return (f"it is the record of ARC set i={instance}, sealed by d={d} ({profile.title}), which names "
                    f"{claimed!r} as its own: the sealer's words from an earlier pass, not an impersonation; "
                    "offline the seal is not checked, so nothing vouches for it")
    return None


def _provider_finding(name: str, header: Header, position: int, block: ProviderBlock, facts: Facts,
                      ctx: Context, limit: int) -> Finding:
    words = block.words(position)
    # A stamp decoded alone also yields the decoder's "no results" line for the A-R it did not get.
    words = tuple(w for w in words if not w.endswith("no results")) or words
    said = ("it says: " + "; ".join(words[:4]) + (" …" if len(words) > 4 else "")) if words else \
        "no decoder reads this field; its text is the record"
    extra = _receipt_versus_now(header, facts, ctx) if position < limit else ()
    return Finding(name, header.value, Label.VALIDATED, (
        f"{block.profile.title}'s record at receipt, your receiving provider's words: {block.positions[position]}",
        said, *extra), ID)


def _receipt_versus_now(header: Header, facts: Facts, ctx: Context) -> tuple[str, ...]:
    """For our own Authentication-Results: what was recorded at receipt beside today's re-check."""
    if header.name.lower() != "authentication-results" or ctx.offline:
        return ()
    from mailcheck.auth import authresults  # DKIM/DMARC types: only needed when DNS checks ran

    parsed = authresults.parse(header.value)
    if parsed is None:
        return ("its syntax is not RFC 8601, so its results cannot be compared with the re-check",)
    return authresults.compare([parsed], facts.results)


# What a header name is to this check, by name as written: the same few dozen names make up nearly every
# header block, and each message's are all looked at.
_OTHER, _VERDICT, _RETURN_PATH = 0, 1, 2
_KINDS: dict[str, int] = {}
_KINDS_KEPT = 4096  # names remembered at most (a sender makes up as many as he likes)


def _kind(name: str) -> int:
    kind = _KINDS.get(name)
    if kind is None:
        kind = _RETURN_PATH if name.lower() == "return-path" else _VERDICT if VERDICT_HEADER.match(name) else _OTHER
        if len(_KINDS) < _KINDS_KEPT and len(name) <= 100:
            _KINDS[name] = kind
    return kind


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    message = facts.message
    limit = ours_limit(facts)
    received = message.index_of("Received")
    first_received = received[0] if received else None
    names_above = {h.name.lower() for h in message.headers[:limit] if _kind(h.name) == _VERDICT}
    block = provider_block(facts)
    mine = block.positions if block is not None else {}
    counts: dict[str, int] = {}
    for position, header in enumerate(message.headers):
        kind = _kind(header.name)
        is_return_path = kind == _RETURN_PATH
        if is_return_path:
            if first_received is None or position < first_received:
                continue  # a delivery agent's Return-Path: the envelope-sender field covers it
        elif kind == _OTHER and position not in mine:
            continue
        key = header.name.lower()
        index = counts.get(key, 0)
        counts[key] = index + 1
        name = f"header:{header.name}[{index}]"
        if block is not None and position in mine:
            yield _provider_finding(name, header, position, block, facts, ctx, limit)
            continue
        if position < limit:
            yield Finding(name, header.value, Label.VALIDATED,
                          ("added by your servers after they received the message "
                           "(it sits above the entry hop's Received line)",
                           *_receipt_versus_now(header, facts, ctx)), ID)
            continue
        where = ("no Received line shows your servers handled the message, so nothing marks it as theirs"
                 if first_received is None else
                 "it sits below the entry hop's Received line: it was in the message before your servers "
                 "received it"
                 if not is_return_path else
                 "a Return-Path below a Received line was written before your servers received the message; "
                 "only the final delivery agent's Return-Path records the envelope sender")
        reason = None if is_return_path else _impersonation(header, facts, ctx, names_above)
        sealed = _sealer_words(header, facts) if reason else None
        if sealed:
            yield Finding(name, header.value, Label.UNVERIFIABLE, (where, sealed), ID, Basis.UNDECIDED)
            continue
        if reason and _AUTHRES.match(header.name) and _in_entry_trace_block(position, facts):
            yield Finding(name, header.value, Label.UNVERIFIABLE, (
                "it sits among the trace fields right below the entry hop's Received line, where some "
                "receiving servers (Gmail among them) write their own results",
                f"{reason.split(', yet')[0]}: probably that server's own record, but a sender can write "
                "header fields there too, so nothing decides it"), ID, Basis.UNDECIDED)
            continue
        if reason:
            yield Finding(name, header.value, Label.FORGED, (where, reason), ID)
        else:
            yield Finding(name, header.value, Label.UNVERIFIABLE,
                          (where, "not written by your servers: anyone on the way, the sender included, "
                           "could have written it"), ID, Basis.UNCHECKABLE)
