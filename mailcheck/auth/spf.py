"""SPF (RFC 7208) with pyspf, its DNS lookups routed through mailcheck's DnsClient.

pyspf does every lookup through its module-level function `spf.DNSLookup(name, qtype, strict,
timeout)`, which returns [((name, qtype), value), …] and raises spf.TempError on failure. That global
is the one piece of pyspf state mailcheck touches, and `_pyspf()` below is the one place it is set:
it points it at `_lookup`, which asks the DnsClient bound (in a ContextVar) by the running check.
Outside a check nothing is bound and `_lookup` raises TempError, so pyspf can never reach the network
on its own. SPF_RESULTS is the one table from pyspf's result words to labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.model import Basis, Label
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:
    from mailcheck.model import EntryClient


class SpfRow(NamedTuple):
    """How one SPF result reads: its label, basis and meaning."""

    label: Label
    basis: Basis
    meaning: str  # completes "SPF <result>: …"


_UNDECIDED = (Label.UNVERIFIABLE, Basis.UNDECIDED)

# Every word pyspf can return (its RESULTS table, old names included) → label. DESIGN §2: only a
# pass validates and only a fail contradicts; everything else, errors included, decides nothing.
SPF_RESULTS: dict[str, SpfRow] = {
    "pass": SpfRow(Label.VALIDATED, Basis.CHECKED, "the domain's SPF record authorizes this IP to send for it"),
    "fail": SpfRow(Label.FORGED, Basis.CHECKED, "the domain's SPF record says this IP may not send for it"),
    "softfail": SpfRow(*_UNDECIDED, "the domain discourages this IP (~) but does not forbid it"),
    "neutral": SpfRow(*_UNDECIDED, "the domain's SPF record makes no statement about this IP"),
    "none": SpfRow(*_UNDECIDED, "no SPF record applies (none published, or the identity is not a domain)"),
    "temperror": SpfRow(*_UNDECIDED, "a DNS failure stopped the evaluation; nothing was decided"),
    "permerror": SpfRow(*_UNDECIDED, "the domain's SPF record cannot be evaluated, so it says nothing"),
    # pyspf's pre-RFC 4408 names for the two errors (its legacy check() API returns them).
    "error": SpfRow(*_UNDECIDED, "a DNS failure stopped the evaluation (pyspf's old name for temperror)"),
    "unknown": SpfRow(*_UNDECIDED, "the SPF record cannot be evaluated (pyspf's old name for permerror)"),
    # Not RFC 7208 results: pyspf's local-policy, trusted-forwarder and harsh-mode outcomes.
    "local": SpfRow(*_UNDECIDED, "no SPF result: local policy decided (not an RFC 7208 result)"),
    "trusted": SpfRow(*_UNDECIDED, "no SPF result: a trusted-forwarder list decided (not an RFC 7208 result)"),
    "ambiguous": SpfRow(*_UNDECIDED, "pyspf's strict mode found the record ambiguous; nothing was decided"),
}


# Results whose explanation says something: the domain's exp= text, or what is wrong with the record.
# For the others pyspf's explanation is a fixed phrase that repeats the result (or, for temperror,
# the DNS failure the evidence already lists).
_EXPLAINED = frozenset({"fail", "softfail", "permerror"})


def spf_row(result: str) -> SpfRow:
    return SPF_RESULTS.get(result, SpfRow(*_UNDECIDED, f"pyspf returned {result!r}, which mailcheck does not know"))


class SpfOutcome(NamedTuple):
    """One SPF evaluation: which identity was checked, pyspf's result, its label and the DNS behind it."""

    identity: str  # "mailfrom" or "helo" (RFC 7208 §2.3/§2.4)
    sender: str  # the address evaluated: the envelope sender, or postmaster@HELO
    domain: str  # the domain whose record was evaluated
    ip: str
    result: str  # pyspf's word: pass, fail, softfail, neutral, none, temperror, permerror, …
    explanation: str  # pyspf's explanation (the domain's exp= text for a fail, when it has one)
    label: Label
    basis: Basis
    dns: tuple[str, ...] = ()  # DnsAnswer.describe() of each lookup pyspf made, in order

    @property
    def meaning(self) -> str:
        return spf_row(self.result).meaning

    def evidence(self) -> tuple[str, ...]:
        """Sentences for a Finding: the result, what it means, pyspf's explanation, the DNS facts."""
        lines = [f"SPF {self.result} for {self.domain} ({self.identity} identity {self.sender}, "
                 f"client {self.ip}): {self.meaning}"]
        if self.explanation and self.result in _EXPLAINED:
            lines.append(f"explanation: {self.explanation}")
        lines.extend(f"DNS {d}" for d in self.dns)
        return tuple(lines)


class SpfResult(NamedTuple):
    """What the "spf" check leaves in facts.results["spf"] for the checks that label from it
    (envelope-sender ← mail_from, client-helo ← helo, DMARC ← for_dmarc()).

    ran is False when nothing was evaluated; why_not then says why ("not run (offline)", "no entry
    hop: …"). mail_from is None when no envelope sender is known (sender None) or a null sender came
    with no HELO; for a null sender ("") it is the HELO evaluation (identity "helo", RFC 7208 §2.4).
    helo is None when the entry client gave no HELO name."""

    ran: bool
    why_not: str = ""
    client: EntryClient | None = None  # the IP both evaluations used, and where it was read
    sender: str | None = None  # the envelope sender as found ("" = null sender, None = unknown)
    sender_source: str = ""  # where it was read (mailcheck/envelope.py)
    mail_from: SpfOutcome | None = None
    helo: SpfOutcome | None = None

    def for_dmarc(self) -> tuple[str, str, str] | None:
        """(domain, pyspf result, where the identity came from) of the SPF identity DMARC uses
        (RFC 7489 §3.1.2: MAIL FROM, or the HELO for a null sender); None when none was evaluated."""
        if self.mail_from is None:
            return None
        where = (f"the envelope sender <{self.sender}> ({self.sender_source})" if self.sender
                 else f"the HELO name {self.mail_from.domain} (null envelope sender)")
        return self.mail_from.domain, self.mail_from.result, where


class _Binding:
    """The DNS client one evaluation asks, and the answers it got (for the evidence)."""

    __slots__ = ("client", "used")

    def __init__(self, client: DnsClient) -> None:
        self.client = client
        self.used: list[DnsAnswer] = []


_BOUND: ContextVar[_Binding | None] = ContextVar("mailcheck_spf_dns", default=None)


def _for_pyspf(qtype: str, record: str) -> Any:
    """Our text form → the value pyspf's dnspython driver would have produced."""
    if qtype == "MX":
        preference, _, exchange = record.partition(" ")
        return int(preference), "" if exchange == "." else exchange  # "0 ." is a null MX (RFC 7505)
    if qtype in ("TXT", "SPF"):
        return [record.encode("utf-8")]  # one string: pyspf joins a record's strings anyway (§3.3)
    return record


def _lookup(name: str, qtype: str, strict: object = True, timeout: object = None) -> list[tuple[Any, Any]]:
    """pyspf's DNSLookup, answered by the bound DnsClient. NXDOMAIN and no-data are empty answers
    (pyspf counts them as void lookups, RFC 7208 §4.6.4); every failure becomes TempError → temperror."""
    import spf

    binding = _BOUND.get()
    if binding is None:
        raise spf.TempError("DNS: pyspf was called outside mailcheck's SPF check; no DNS client bound")
    answer = binding.client.query(name, qtype)
    binding.used.append(answer)
    if answer.status is DnsStatus.OK:
        return [((name, qtype), _for_pyspf(qtype, r)) for r in answer.records]
    if answer.answered:
        return []
    # Every other status (CNAME loop or over-long chain, SERVFAIL, timeout, budget, …) is a failure to
    # get an answer. Returned as [] it would count as a void lookup, three of which make a permerror
    # that DMARC treats as settled; a resolver failure must only ever be a temperror.
    raise spf.TempError(f"DNS {answer.describe()}")


def _query_class(spf: Any) -> Any:
    """pyspf's query, with RFC 7208 §5.5 applied to the PTR names it validates: a name whose A/AAAA
    lookup fails (now a TempError, see _lookup) is skipped and the search goes on with the others,
    where pyspf would let the failure end the whole evaluation."""

    class Query(spf.query):  # type: ignore[misc]
        def validated_ptrs(self) -> list[str]:
            names = self.dns_ptr(self.i)[:spf.MAX_PTR]
            valid = []
            for name in names:
                try:
                    addresses = self.dns_a(name, self.A)
                except spf.TempError:
                    continue
                if self.cidrmatch(addresses, self.cidrmax):
                    valid.append(name)
            return valid

    return Query


def _pyspf() -> Any:
    """Import pyspf (~150 ms, so only when SPF runs) and install the DNS hook: the one place."""
    import spf

    if spf.DNSLookup is not _lookup:
        spf.DNSLookup = _lookup
    return spf


_QUERY: list[Any] = []  # the query class, built once on first use (pyspf is imported lazily)


def _new_query(spf: Any, **kwargs: Any) -> Any:
    if not _QUERY:
        _QUERY.append(_query_class(spf))
    return _QUERY[0](**kwargs)


@contextmanager
def _bound(client: DnsClient) -> Iterator[_Binding]:
    binding = _Binding(client)
    token = _BOUND.set(binding)
    try:
        yield binding
    finally:
        _BOUND.reset(token)


def evaluate(client: DnsClient, ip: str, sender: str, helo: str) -> SpfOutcome:
    """check_host() for one identity. sender "" means a null sender, for which pyspf (RFC 7208 §2.4)
    evaluates postmaster@helo as the HELO identity; a sender without '@' is postmaster@sender."""
    spf = _pyspf()
    with _bound(client) as binding:
        try:
            query = _new_query(spf, i=ip, s=sender, h=helo, strict=True, querytime=0)
        except spf.PermError as exc:  # e.g. the IP is not an IP address
            return _outcome("mailfrom" if sender else "helo", sender or f"postmaster@{helo}",
                            ip, "permerror", f"SPF Permanent Error: {exc}", binding)
        result, _code, explanation = query.check()
        return _outcome(query.ident, query.s, ip, result, explanation, binding, domain=query.o)


def _outcome(identity: str, sender: str, ip: str, result: str, explanation: str, binding: _Binding,
             domain: str | None = None) -> SpfOutcome:
    row = spf_row(result)
    used = tuple(dict.fromkeys(a.describe() for a in binding.used))
    return SpfOutcome(identity, sender, domain or sender.rpartition("@")[2], ip, result, explanation,
                      row.label, row.basis, used)


def check_mail_from(client: DnsClient, ip: str, sender: str, helo: str | None) -> SpfOutcome:
    """The MAIL FROM identity; for a null sender ("") this is the HELO identity (RFC 7208 §2.4)."""
    return evaluate(client, ip, sender, helo or "")


def check_helo(client: DnsClient, ip: str, helo: str) -> SpfOutcome:
    """The HELO identity on its own (RFC 7208 §2.3): postmaster@helo."""
    return evaluate(client, ip, "", helo)
