"""The real DNS client: dnspython's stub resolver behind a run-wide cache and a per-message budget.

dnspython is imported on first use only (importing dns.resolver costs ~140 ms, which the offline
filter must not pay). This module is `mailcheck.lookup.resolver` and our contracts are `mailcheck.lookup.contract`;
`import dns.resolver` below is an absolute import, so it always reaches dnspython's top-level `dns`
package, never our module (tests/lookup/test_dns_resolver.py checks this).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from mailcheck.lookup.contract import DnsAnswer, DnsStatus, RunDns, budget_answer, current_message, normalise_name
from mailcheck.lookup.record import Recorder

# Failures worth remembering for the whole run: a server that timed out or refused for a name will
# do so again within one run, and asking it again only burns every later message's budget.
_CACHED_FAILURES = frozenset({DnsStatus.TIMEOUT, DnsStatus.SERVFAIL, DnsStatus.REFUSED, DnsStatus.CNAME_LOOP,
                              DnsStatus.ERROR})
CNAME_LOOP_DETAIL = "the CNAME chain loops or is longer than 16 links"


def _load_dnspython() -> None:
    import dns.resolver

    if not hasattr(dns.resolver, "Resolver"):  # a stray dns.py on sys.path shadows dnspython
        raise ImportError(f"'dns' resolves to {dns.__file__}, not dnspython")


def _name_text(name: Any) -> str:
    # Names without the trailing dot (DnsAnswer's convention); the root stays "." (null MX: "0 .").
    text: str = name.to_text(omit_final_dot=True)
    return text or "."


def _rdata_text(rdtype: str, rd: Any) -> str:
    if rdtype in ("A", "AAAA"):
        return str(rd.address)
    if rdtype == "MX":
        return f"{rd.preference} {_name_text(rd.exchange)}"
    if rdtype in ("TXT", "SPF"):
        # RFC 7208 §3.3: the strings of one record are joined without separator. Bytes that are
        # not UTF-8 are kept visible as \xNN escapes rather than guessed at.
        return b"".join(rd.strings).decode("utf-8", "backslashreplace")
    if rdtype in ("PTR", "CNAME", "NS", "DNAME"):
        return _name_text(rd.target)
    return str(rd.to_text())


class Resolver:
    """DnsClient over dnspython. nameservers: [(ip, port)], None = the system's (/etc/resolv.conf).

    Every question is asked at most once per run: answers and failures (timeout, SERVFAIL, REFUSED)
    are cached by (name, type). Inside message_budget() each lookup gets min(timeout, what is left of
    the message's budget); when the budget is spent, questions not in the cache answer BUDGET at once.
    After `dead_after` lookups in a row get no response at all, the servers are taken for dead and
    further lookups fail at once (one is let through every `retry_after` seconds to notice recovery).
    A lookup that times out may overrun its time by dnspython's first retry back-off (0.1 s).
    """

    offline = False  # unreachable servers answer TIMEOUT: a failure, not a choice to stay offline

    def __init__(self, nameservers: list[tuple[str, int]] | None = None, *, timeout: float = 3.0,
                 budget: float | None = 10.0, recorder: Recorder | None = None,
                 dead_after: int = 5, retry_after: float = 30.0) -> None:
        self.timeout = timeout
        self.budget = budget
        self.stats = RunDns()
        self._recorder = recorder
        self._nameservers = nameservers
        self._cache: dict[tuple[str, str], DnsAnswer] = {}
        self._lock = threading.Lock()
        self._resolver: Any = None
        self._setup_error = ""
        self._dead_after = dead_after
        self._retry_after = retry_after
        self._silent = 0  # lookups in a row without any response
        self._dead_since: float | None = None

    # -- DnsClient -------------------------------------------------------------------------------

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        key = (normalise_name(name), rdtype.upper())
        message = current_message()
        if message is not None:
            message.asked += 1
        with self._lock:
            self.stats.asked += 1
            cached = self._cache.get(key)
            if cached is not None:
                self.stats.cache_hits += 1
        if cached is not None:
            self._record(cached)
            return cached
        remaining = message.remaining() if message is not None else None
        if message is not None and remaining is not None and remaining <= 0:
            return budget_answer(*key, message)
        dead = self._dead_detail()
        if dead:
            return DnsAnswer(*key, DnsStatus.TIMEOUT, detail=dead)
        lifetime = self.timeout if remaining is None else min(self.timeout, remaining)
        if message is not None:
            message.sent += 1
        with self._lock:
            self.stats.sent += 1
        answer, responded = self._ask(*key, lifetime)
        self._note_response(responded)
        if answer.status is DnsStatus.TIMEOUT and lifetime < self.timeout and message is not None:
            # Cut short by the budget, not by the server: not a fact about the server, so not cached.
            return DnsAnswer(*key, DnsStatus.BUDGET,
                             detail=f"this message's DNS budget of {message.budget:g} s ran out during the lookup")
        if answer.answered or answer.status in _CACHED_FAILURES:
            with self._lock:
                self._cache[key] = answer
        self._record(answer)
        return answer

    def close(self) -> None:
        if self._recorder is not None:
            self._recorder.close()

    # -- internals -------------------------------------------------------------------------------

    def _record(self, answer: DnsAnswer) -> None:
        if self._recorder is not None:
            self._recorder.add(answer)

    def _dead_detail(self) -> str:
        with self._lock:
            if self._dead_since is None:
                return ""
            if time.monotonic() - self._dead_since >= self._retry_after:
                self._dead_since = time.monotonic()  # let this one through; it re-arms on failure
                return ""
            return (f"not asked: the resolvers gave no response to the last {self._silent} lookups, "
                    "so they are taken for unreachable")

    def _note_response(self, responded: bool) -> None:
        with self._lock:
            if responded:
                self._silent = 0
                self._dead_since = None
                return
            self._silent += 1
            if self._silent >= self._dead_after and self._dead_since is None:
                self._dead_since = time.monotonic()

    def _get_resolver(self) -> Any:
        if self._resolver is None and not self._setup_error:
            _load_dnspython()
            import dns.nameserver
            import dns.resolver

            try:
                resolver = dns.resolver.Resolver(configure=self._nameservers is None)
            except dns.resolver.NoResolverConfiguration as exc:
                self._setup_error = f"no system resolver configured ({exc})"
                return None
            if self._nameservers is not None:
                resolver.nameservers = [dns.nameserver.Do53Nameserver(ip, port)
                                        for ip, port in self._nameservers]
            resolver.cache = None  # our own cache keeps failures too and counts hits
            self._resolver = resolver
        return self._resolver

    def _servers_text(self) -> str:
        resolver = self._resolver
        if resolver is None:
            return "the resolver"
        return ", ".join(str(ns) for ns in resolver.nameservers) or "no server"

    def _ask(self, name: str, rdtype: str, lifetime: float) -> tuple[DnsAnswer, bool]:
        """One lookup over the network: (answer, whether any server responded at all)."""
        _load_dnspython()
        import dns.exception
        import dns.name
        import dns.rdatatype
        import dns.resolver

        resolver = self._get_resolver()
        if resolver is None:
            return DnsAnswer(name, rdtype, DnsStatus.ERROR, detail=self._setup_error), True
        try:
            qname = dns.name.from_text(name)
            qtype = dns.rdatatype.from_text(rdtype)
        except (dns.name.EmptyLabel, dns.name.LabelTooLong, dns.name.NameTooLong) as exc:
            # No DNS server can hold such a name (RFC 1035 §2.3.4), so it does not exist.
            return DnsAnswer(name, rdtype, DnsStatus.NXDOMAIN, detail=f"not a valid DNS name: {exc}"), True
        except (dns.exception.DNSException, UnicodeError, ValueError) as exc:
            return DnsAnswer(name, rdtype, DnsStatus.ERROR, detail=f"cannot be asked: {exc}"), True
        # Each server gets a share of the lookup's time before the next one is tried.
        resolver.timeout = max(lifetime / max(len(resolver.nameservers), 1), 0.05)
        try:
            # resolve() retries over TCP when a UDP answer comes back truncated (TC bit).
            answer = resolver.resolve(qname, qtype, raise_on_no_answer=False, lifetime=lifetime,
                                      search=False)
        except dns.resolver.NXDOMAIN:
            return DnsAnswer(name, rdtype, DnsStatus.NXDOMAIN), True
        except dns.resolver.LifetimeTimeout:
            return DnsAnswer(name, rdtype, DnsStatus.TIMEOUT,
                             detail=f"no answer from {self._servers_text()} within {lifetime:.1f} s"), False
        except dns.resolver.NoNameservers as exc:
            return self._classify_failure(name, rdtype, exc.kwargs.get("errors") or [])
        except dns.exception.DNSException as exc:
            return DnsAnswer(name, rdtype, DnsStatus.ERROR, detail=str(exc)), True
        if answer.rrset is None:
            return DnsAnswer(name, rdtype, DnsStatus.NODATA), True
        # RFC 2181 §5: an RRset is a set; sorted text makes evidence and record files stable.
        records = tuple(sorted(_rdata_text(rdtype, rd) for rd in answer.rrset))
        return DnsAnswer(name, rdtype, DnsStatus.OK, records), True

    def _classify_failure(self, name: str, rdtype: str, errors: list[Any]) -> tuple[DnsAnswer, bool]:
        """dnspython's NoNameservers lists (server, tcp, port, error, response) per attempt."""
        import dns.message

        texts = []
        rcodes = set()
        responded = False
        for err in errors:
            server, tcp, _port, problem, response = err[:5]
            if response is not None:
                responded = True
            if isinstance(problem, dns.message.ChainTooLong):
                return DnsAnswer(name, rdtype, DnsStatus.CNAME_LOOP, detail=CNAME_LOOP_DETAIL), True
            if isinstance(problem, str):
                rcodes.add(problem)
            texts.append(f"{server}{' over TCP' if tcp else ''} answered {problem}")
        detail = "; ".join(dict.fromkeys(texts)) or "no usable server"
        if "SERVFAIL" in rcodes:
            status = DnsStatus.SERVFAIL
        elif rcodes == {"REFUSED"}:
            status = DnsStatus.REFUSED
        else:
            status = DnsStatus.ERROR
        return DnsAnswer(name, rdtype, status, detail=detail), responded
