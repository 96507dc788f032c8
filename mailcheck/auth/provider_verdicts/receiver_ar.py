"""A provider's RFC 8601 Authentication-Results (Google, Proton, iCloud, Yahoo…), typed and summarised.

These providers write an authserv-id, so each value is read with authres first and the tolerant
tokenizer only when authres refuses (resinfo.parse_rfc8601). A provider may write one header per method
(iCloud, Proton: providers.md §3); they are merged into one record per provider block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mailcheck.auth.provider_verdicts.common import (
    ENFORCING,
    DkimRecord,
    DmarcPolicy,
    DmarcRecord,
    SpfRecord,
    dkim_of,
    dkim_words,
    dmarc_of,
    shown,
    spf_of,
    spf_words,
    valid_ip,
)
from mailcheck.auth.provider_verdicts.received_spf import ReceivedSpf
from mailcheck.auth.provider_verdicts.resinfo import Method, ParsedAr, leading_word, parse_rfc8601
from mailcheck.value_types import NamedTuple


class ReceiverAr(NamedTuple):
    provider: str  # "Google", "Proton", "iCloud", "Yahoo"
    authserv_ids: tuple[str, ...]
    spf: tuple[SpfRecord, ...] = ()
    dkim: tuple[DkimRecord, ...] = ()
    dmarc: tuple[DmarcRecord, ...] = ()
    arc: tuple[Method, ...] = ()
    others: tuple[Method, ...] = ()
    remote_ip: str | None = None  # smtp.remote-ip= (Proton's `arc=none smtp.remote-ip=<ip>`, §3)
    strict: bool = True  # every value was valid RFC 8601 (authres accepted it)
    # True when the provider's `dis=` is the disposition it applied (Google, §2.3); False where `dis=`
    # does not reflect it (Proton writes dis=none on every DMARC fail, observed in phishing-pot-dev).
    disposition_applied: bool = False
    received_spf: ReceivedSpf | None = None
    extra_words: tuple[str, ...] = ()  # the provider's own stamps (X-Pm-*, X-ICL-SCORE…) in words

    def recorded_sender_ip(self) -> str | None:
        """The connecting address the provider recorded: smtp.remote-ip, else the address in its SPF
        comment, else its Received-SPF client-ip."""
        if self.remote_ip:
            return self.remote_ip
        found = next((s.sender_ip for s in self.spf if s.sender_ip), None)
        if found is None and self.received_spf is not None:
            found = self.received_spf.recorded_sender_ip()
        return found

    def dmarc_failed_under_enforcement(self) -> bool:
        return any(_enforced(d, self.disposition_applied) for d in self.dmarc)

    def plain_words(self) -> tuple[str, ...]:
        parts = [spf_words(s) for s in self.spf] + [dkim_words(d) for d in self.dkim]
        parts += [self._dmarc_words(d) for d in self.dmarc]
        parts += [f"ARC {m.result}" + (f" ({'; '.join(m.comments)})" if m.comments else "") for m in self.arc]
        parts += [f"{m.method} {m.result}" for m in self.others]
        if self.remote_ip:
            parts.append(f"connecting IP {self.remote_ip}")
        ids = ", ".join(self.authserv_ids) or "no authserv-id"
        sentences = [f"{self.provider} recorded at receipt ({ids}): " + ("; ".join(parts) or "no results")]
        if not self.strict:
            sentences.append(f"{self.provider}'s Authentication-Results is not valid RFC 8601; it was read "
                             "with a tolerant reader")
        if self.received_spf is not None:
            sentences.extend(self.received_spf.plain_words())
        return tuple(sentences) + self.extra_words

    def _dmarc_words(self, dmarc: DmarcRecord) -> str:
        text = f"DMARC {dmarc.result} for {shown(dmarc.header_from)}"
        if dmarc.policy.describe():
            text += f" ({dmarc.policy.describe()})"
        if dmarc.result == "fail":
            policy = dmarc.policy.applicable(dmarc.header_from)
            if _enforced(dmarc, self.disposition_applied):
                text += f" under the domain's {policy} policy"
            elif policy in ENFORCING and self.disposition_applied and dmarc.policy.dis == "none":
                text += (f": the domain asks for {policy}, but {self.provider} applied no disposition "
                         "(dis=none: a local override such as a trusted ARC chain, or pct sampling)")
            elif policy in ENFORCING and dmarc.policy.sampled_out():
                text += f": the {policy} policy's pct sampling may have skipped it"
        return text


def _enforced(dmarc: DmarcRecord, disposition_applied: bool) -> bool:
    if dmarc.result != "fail":
        return False
    policy = dmarc.policy
    if policy.applicable(dmarc.header_from) not in ENFORCING or policy.sampled_out():
        return False
    if disposition_applied and policy.dis is not None:
        return policy.dis in ENFORCING
    return True


def merge(provider: str, parsed: Iterable[ParsedAr], *, disposition_applied: bool = False,
          received_spf: ReceivedSpf | None = None, extra_words: tuple[str, ...] = (),
          dmarc_policy: DmarcPolicy | None = None) -> ReceiverAr:
    """One record from the provider's A-R values. `dmarc_policy` fills in a policy the A-R left out
    (iCloud states it in X-DMARC-Info)."""
    ids: list[str] = []
    spf: list[SpfRecord] = []
    dkim: list[DkimRecord] = []
    dmarc: list[DmarcRecord] = []
    arc: list[Method] = []
    others: list[Method] = []
    remote_ip, strict = None, True
    for ar in parsed:
        strict = strict and ar.strict
        if ar.authserv_id and ar.authserv_id not in ids:
            ids.append(ar.authserv_id)
        for method in ar.methods:
            remote_ip = remote_ip or valid_ip(method.get("smtp.remote-ip"))
            if method.method == "spf":
                spf.append(spf_of(method))
            elif method.method == "dkim":
                dkim.append(dkim_of(method))
            elif method.method == "dmarc":
                record = dmarc_of(method)
                if dmarc_policy is not None and record.policy == DmarcPolicy():
                    record = record._replace(policy=dmarc_policy)
                dmarc.append(record)
            elif method.method == "arc":
                arc.append(method)
            else:
                others.append(method)
    return ReceiverAr(provider, tuple(ids), tuple(spf), tuple(dkim), tuple(dmarc), tuple(arc), tuple(others),
                      remote_ip, strict, disposition_applied, received_spf, extra_words)


def provider_ars(headers: Iterable[tuple[str, str]], accept: Callable[[str], bool]) -> list[ParsedAr]:
    """The Authentication-Results among (name, value) pairs whose authserv-id `accept`s, parsed. Others
    are skipped by their first word, before any parsing (authres is the slow part)."""
    out = []
    for name, value in headers:
        if name.lower() == "authentication-results":
            ident = leading_word(value)
            if ident is not None and accept(ident):
                out.append(parse_rfc8601(value))
    return out
