"""Microsoft's Authentication-Results (EOP / Exchange Online): spf, dkim, dmarc + action, compauth + reason.

Microsoft writes no authserv-id (the value starts with `spf=`), sometimes puts the recipient's domain as
a bare token between methods, leaves `(sender IP is )` empty for its own internal mail and omits the
space after `;` (providers.md §1.5: MS-HDR, MOX, MS-ARS, FL-365, IDX-B). authres refuses such values,
so they are read with the hand-written, linear-time tokenizer in `tokens.py` (input capped at
`tokens.MAX_INPUT`). The same reader takes the renamed copies `X-MS-Exchange-Authentication-Results`
and `Authentication-Results-Original` (IDX-A) and Microsoft's ARC-Authentication-Results
(`i=N; mx.microsoft.com 1; …`, providers.md §1.9).
"""

from __future__ import annotations

from mailcheck.auth.provider_verdicts import ms_codes
from mailcheck.auth.provider_verdicts.common import (
    DkimRecord,
    DmarcRecord,
    SpfRecord,
    dkim_of,
    dkim_words,
    dmarc_of,
    shown,
    spf_of,
    spf_words,
)
from mailcheck.auth.provider_verdicts.resinfo import Method, parse_tolerant
from mailcheck.auth.provider_verdicts.tokens import MAX_INPUT, decode_encoded_words
from mailcheck.value_types import NamedTuple

_RENAMED = {
    "x-ms-exchange-authentication-results": "renamed by Microsoft on a later pass (re-entry through a "
                                            "connector; IDX-A, observed)",
    "authentication-results-original": "an earlier verdict Microsoft kept under a new name (IDX-A, observed)",
    "arc-authentication-results": "copied by Microsoft into its ARC set",
}


class CompAuth(NamedTuple):
    result: str  # pass, fail, softpass, none
    reason: str | None = None  # three digits, MS-HDR

    def words(self) -> str:
        text = f"composite authentication {self.result}"
        if self.reason:
            text += f" (reason {self.reason}: {ms_codes.compauth_reason(self.reason)})"
        return text


class MicrosoftAuthResults(NamedTuple):
    """One Microsoft Authentication-Results value, typed."""

    header: str  # the field name it was read from
    spf: SpfRecord | None
    dkim: tuple[DkimRecord, ...]
    dmarc: DmarcRecord | None
    compauth: CompAuth | None
    others: tuple[Method, ...] = ()  # arc=, auth=, dara=, … kept as read
    bare_tokens: tuple[str, ...] = ()  # older form's recipient-domain tokens (MS-ARS)
    authserv_id: str | None = None  # only the ARC form names one (mx.microsoft.com)
    truncated: bool = False

    def recorded_sender_ip(self) -> str | None:
        """The connecting address Microsoft recorded ("sender IP is …"); None when empty or unreadable."""
        return self.spf.sender_ip if self.spf else None

    def dmarc_failed_under_enforcement(self) -> bool:
        """DMARC fail with action quarantine, reject or oreject (MS-HDR): the domain's quarantine/reject
        policy stood for this message. pct.quarantine / pct.reject (sampled out), none and the error
        actions do not count. With no action= (ARC form), the policy comment decides (p/sp, pct)."""
        dmarc = self.dmarc
        if dmarc is None or dmarc.result != "fail":
            return False
        if dmarc.action is not None:
            return dmarc.action in ms_codes.ENFORCED_ACTIONS
        policy = dmarc.policy
        return policy.applicable(dmarc.header_from) in ("quarantine", "reject") and not policy.sampled_out()

    def plain_words(self) -> tuple[str, ...]:
        parts = []
        if self.spf:
            parts.append(spf_words(self.spf))
        parts.extend(dkim_words(d) for d in self.dkim)
        if self.dmarc:
            parts.append(_dmarc_words(self.dmarc))
        if self.compauth:
            parts.append(self.compauth.words())
        parts.extend(f"{m.method} {m.result}" for m in self.others)
        name = self.header.lower()
        lead = "Microsoft recorded at receipt"
        if name in _RENAMED:
            lead = f"Microsoft recorded ({self.header}: {_RENAMED[name]})"
        sentences = [f"{lead}: " + ("; ".join(parts) if parts else "no results it could read")]
        if self.spf and self.spf.sender_ip is None and self.spf.comment is not None:
            sentences.append(f"Microsoft recorded no usable sender IP ({self.spf.comment!r}): for mail "
                             "inside Microsoft the address is left empty (FL-365)")
        if self.bare_tokens:
            sentences.append("Words between the results (" + ", ".join(self.bare_tokens) + ") are no "
                             "results: older Microsoft headers name the recipient's domain there (MS-ARS)")
        if self.truncated:
            sentences.append("The header was longer than mailcheck reads; only its start was decoded")
        return tuple(sentences)


def _dmarc_words(dmarc: DmarcRecord) -> str:
    text = f"DMARC {dmarc.result}"
    if dmarc.result in ms_codes.DMARC_RESULTS:
        text += f" ({ms_codes.DMARC_RESULTS[dmarc.result]})"
    if dmarc.header_from is not None:
        text += f" for {shown(dmarc.header_from)}"
    if dmarc.policy.describe():
        text += f" ({dmarc.policy.describe()})"
    if dmarc.action is not None:
        text += f", action {dmarc.action} ({ms_codes.dmarc_action(dmarc.action)})"
    return text


def parse_microsoft_ar(value: str, header: str = "Authentication-Results") -> MicrosoftAuthResults:
    """Decode one Microsoft A-R value (unfolded; RFC 2047 words are decoded here). Never raises."""
    parsed = parse_tolerant(value)
    spf = dmarc = compauth = None
    dkim: list[DkimRecord] = []
    others: list[Method] = []
    for method in parsed.methods:
        if method.method == "spf" and spf is None:
            spf = spf_of(method)
        elif method.method == "dkim":
            dkim.append(dkim_of(method))
        elif method.method == "dmarc" and dmarc is None:
            dmarc = dmarc_of(method)
        elif method.method == "compauth" and compauth is None:
            compauth = CompAuth(method.result, method.reason)
        else:
            others.append(method)
    return MicrosoftAuthResults(header, spf, tuple(dkim), dmarc, compauth, tuple(others),
                                parsed.bare_tokens, parsed.authserv_id, parsed.truncated)


def is_microsoft_form(value: str) -> bool:
    """True for Microsoft's id-less form: the first word is a method (`spf=`, `dkim=`, …), possibly
    RFC 2047-encoded. Cheap: looks at the first word only."""
    if value.lstrip().startswith("=?"):
        value = decode_encoded_words(value[:MAX_INPUT])
    head = value[:512].split(";", 1)[0].split()
    return bool(head) and "=" in head[0] and not head[0].lower().startswith("i=")
