"""Authentication-Results (RFC 8601) parsed with authres, and compared with the re-check done now."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import authres

from mailcheck.context import Results
from mailcheck.lookup.domains import domain_of
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:  # the comparison's types: reading a header (the offline filter's use) loads no dkimpy
    from mailcheck.auth.arc import ArcResult
    from mailcheck.auth.dkim_verify import DkimOutcome, DkimResult
    from mailcheck.auth.dmarc import DmarcResult, SpfIdentity

_FEATURES = authres.all_features()  # dkim header.b (RFC 6008), arc (RFC 8617), dmarc, …


class ArProperty(NamedTuple):
    ptype: str  # "header", "smtp", "policy", "body"
    name: str  # "d", "from", "mailfrom", …
    value: str


class ArMethod(NamedTuple):
    """One resinfo: method=result [reason=…] properties."""

    method: str  # "dkim", "spf", "dmarc", "arc", …
    result: str  # "pass", "fail", …
    reason: str | None = None
    properties: tuple[ArProperty, ...] = ()  # (authres drops comments while parsing)

    def get(self, ptype: str, name: str) -> str | None:
        for prop in self.properties:
            if prop.ptype == ptype and prop.name == name:
                return prop.value
        return None

    def describe(self) -> str:
        props = " ".join(f"{p.ptype}.{p.name}={p.value}" for p in self.properties)
        return f"{self.method}={self.result}" + (f" {props}" if props else "")


class AuthResults(NamedTuple):
    """One Authentication-Results header field."""

    authserv_id: str
    methods: tuple[ArMethod, ...]
    raw: str


def parse(value: str) -> AuthResults | None:
    """Parse one header value (unfolded); None when it is not valid RFC 8601 syntax."""
    try:
        header = _FEATURES.parse_value(value)
    except (authres.AuthResError, ValueError, IndexError, AttributeError):
        return None
    methods = []
    for result in header.results:
        props = tuple(ArProperty(p.type, p.name, str(p.value or "")) for p in result.properties)
        methods.append(ArMethod(result.method, result.result, str(result.reason) if result.reason else None,
                                props))
    return AuthResults(str(header.authserv_id or ""), tuple(methods), value)


# -- comparison with the re-check ---------------------------------------------------------------------

@cache
def _key_gone() -> dict[DkimOutcome, str]:
    from mailcheck.auth.dkim_result import DkimOutcome

    return {
        DkimOutcome.NO_KEY: "is gone ({status})",
        DkimOutcome.KEY_REVOKED: "is revoked (empty p=)",
        DkimOutcome.KEY_INVALID: "is no longer a usable key",
    }


def compare(headers: Sequence[AuthResults], results: Results) -> tuple[str, ...]:
    """Evidence sentences: what our own servers recorded at receipt next to what the re-check finds now,
    with the likely reason for each difference. `results` are facts.results."""
    from mailcheck.auth.dmarc import spf_identity

    sentences: list[str] = []
    dkim = results.dkim or ()
    dmarc, arc = results.dmarc, results.arc
    spf = spf_identity(results.spf)
    for header in headers:
        for method in header.methods:
            if method.method == "dkim":
                sentences.append(_compare_dkim(header.authserv_id, method, dkim))
            elif method.method == "spf":
                sentences.append(_compare_spf(header.authserv_id, method, spf))
            elif method.method == "dmarc" and dmarc is not None:
                sentences.append(_compare_dmarc(header.authserv_id, method, dmarc))
            elif method.method == "arc" and arc is not None:
                sentences.append(_compare_arc(header.authserv_id, method, arc))
    return tuple(dict.fromkeys(s for s in sentences if s))


def _same_start(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.startswith(short)


def _match_dkim(method: ArMethod, dkim: Sequence[DkimResult]) -> DkimResult | None:
    """The signature an A-R dkim result speaks of: by header.d/i, header.s and header.b (RFC 6008)."""
    domain = (method.get("header", "d") or domain_of(method.get("header", "i") or "") or "").lower()
    b_prefix = method.get("header", "b")
    selector = method.get("header", "s")
    candidates = [r for r in dkim if r.domain == domain] if domain else list(dkim)
    if b_prefix:
        candidates = [r for r in candidates if r.b_prefix and _same_start(r.b_prefix, b_prefix)]
    if selector:
        candidates = [r for r in candidates if r.selector.lower() == selector.lower()]
    if not domain and len(candidates) != 1:
        return None
    # Several signatures of one domain and nothing to tell them apart: the one that verifies, if any.
    return next((r for r in candidates if r.passed), candidates[0] if candidates else None)


def _compare_dkim(authserv: str, method: ArMethod, dkim: Sequence[DkimResult]) -> str:
    then = f"at receipt {authserv} recorded {method.describe()}"
    result = _match_dkim(method, dkim)
    if result is None:
        if method.result == "pass":
            return (f"{then}; the message now carries no DKIM signature matching it: a signature was "
                    "removed or changed after receipt")
        return ""
    now = f"dkim[{result.index}] d={result.domain}"
    if method.result == "pass":
        return then + "; " + _dkim_pass_then(result, now)
    if result.passed:
        return (f"{then}; now {now} verifies: at receipt the key was probably unreachable or not yet "
                "published, or the receiving server erred")
    return f"{then}; now {now}: {result.outcome.value} ({result.reason})"


def _dkim_pass_then(result: DkimResult, now: str) -> str:
    from mailcheck.auth.dkim_key import KeyProblem
    from mailcheck.auth.dkim_result import DkimOutcome

    key = result.key
    if result.passed:
        return f"now {now} verifies too"
    key_gone = _key_gone()
    if result.outcome in key_gone and key is not None:
        status = key.answer.status.value.upper() if key.answer else "invalid name"
        gone = key_gone[result.outcome].format(status=status)
        body = ""
        if result.body_matched:
            body = "; the body hash still matches, so the body is unchanged since signing"
        return f"now the key at {key.name} {gone}: the key was probably rotated since{body}"
    if result.outcome is DkimOutcome.BODY_HASH_MISMATCH:
        return f"now the body hash of {now} does not match: the body was changed after receipt"
    if result.outcome is DkimOutcome.SIGNATURE_MISMATCH:
        return (f"now the signature {now} does not verify: a signed header field was changed after receipt, "
                f"or the key at {key.name if key else 'its selector'} was replaced by another")
    if result.outcome is DkimOutcome.EXPIRED:
        return f"now {now} has expired (x=), which it had not at receipt"
    if key is not None and key.problem in (KeyProblem.DNS_FAILURE, KeyProblem.NOT_RUN):
        return f"now {now} could not be re-checked: {result.reason}"
    return f"now {now}: {result.outcome.value} ({result.reason})"


def _compare_spf(authserv: str, method: ArMethod, spf: SpfIdentity | None) -> str:
    then = f"at receipt {authserv} recorded {method.describe()}"
    if spf is None:
        return f"{then}; SPF could not be re-checked now"
    recorded = method.get("smtp", "mailfrom") or method.get("smtp", "helo") or ""
    recorded_domain = (domain_of(recorded) or recorded).lower()
    if recorded_domain and recorded_domain != spf.domain.lower():
        return f"{then}; the re-check now is for {spf.domain} ({spf.result}), a different identity"
    if method.result == spf.result:
        return f"{then}; the re-check now agrees ({spf.result})"
    return (f"{then}; now SPF for {spf.domain} gives {spf.result}: the SPF record of {spf.domain} (or a "
            "record it includes) has probably changed since")


def _compare_dmarc(authserv: str, method: ArMethod, dmarc: DmarcResult) -> str:
    then = f"at receipt {authserv} recorded {method.describe()}"
    domain = (method.get("header", "from") or "").lower()
    verdicts = [v for v in dmarc.verdicts if not domain or v.from_domain == domain]
    if not verdicts:
        domains = ", ".join(v.from_domain for v in dmarc.verdicts) or "missing"
        return f"{then}; the From domain is now {domains}"
    now = verdicts[0].rfc8601
    if now is None:
        return f"{then}; DMARC was not re-checked now ({verdicts[0].reason})"
    if now == method.result:
        return f"{then}; the re-check now agrees ({now})"
    return f"{then}; now dmarc={now}: {verdicts[0].reason}"


def _compare_arc(authserv: str, method: ArMethod, arc: ArcResult) -> str:
    then = f"at receipt {authserv} recorded {method.describe()}"
    if method.result == arc.cv:
        return f"{then}; the re-check now agrees (cv={arc.cv})"
    return f"{then}; now the chain's result is cv={arc.cv}: {arc.reason}"
