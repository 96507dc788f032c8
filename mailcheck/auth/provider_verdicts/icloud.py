"""Apple iCloud's receipt records: one A-R per method (`spf.icloud.com`, `dkim-verifier.icloud.com`,
`dmarc.icloud.com`, `arc.icloud.com`, `bimi.icloud.com`), Received-SPF (spf.icloud.com), X-DMARC-Info
(`pass=…; dmarc-policy=…; s=…; d=…; pdomain=…`) and X-ICL-SCORE.

Sources: providers.md §3 (IDX-I1). Only `dmarc-policy=` of X-DMARC-Info is used (it fills in the policy
the A-R leaves out); what `pass=`, `s=` and `d=` mean is not documented (unconfirmed), so they are shown
as written. The X-ICL-SCORE scale is not documented either.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.common import DmarcPolicy
from mailcheck.auth.provider_verdicts.received_spf import parse_received_spf
from mailcheck.auth.provider_verdicts.receiver_ar import ReceiverAr, merge, provider_ars


def _icloud_id(ident: str) -> bool:
    ident = ident.lower()
    return ident == "icloud.com" or ident.endswith(".icloud.com")


def parse_dmarc_info(value: str) -> dict[str, str]:
    """`pass=fail; dmarc-policy=reject; s=…` → {"pass": "fail", "dmarc-policy": "reject", …}."""
    out: dict[str, str] = {}
    for part in value[:4096].split(";"):
        key, eq, val = part.strip().partition("=")
        if eq and key:
            out.setdefault(key.strip().lower(), val.strip())
    return out


def decode_icloud(headers: Iterable[tuple[str, str]]) -> ReceiverAr:
    """iCloud's record from (name, value) pairs."""
    pairs = list(headers)
    parsed = provider_ars(pairs, _icloud_id)
    spf = next((r for r in (parse_received_spf(v) for n, v in pairs if n.lower() == "received-spf")
                if _icloud_id(r.reporter or "") or _icloud_id(r.receiver or "")), None)
    info_text = next((v for n, v in pairs if n.lower() == "x-dmarc-info"), None)
    score = next((v.strip() for n, v in pairs if n.lower() == "x-icl-score"), None)
    words = []
    policy = None
    if info_text is not None:
        info = parse_dmarc_info(info_text)
        if info.get("dmarc-policy"):
            policy = DmarcPolicy(p=info["dmarc-policy"].lower())
        words.append("iCloud's DMARC note (X-DMARC-Info): " + "; ".join(f"{k}={v}" for k, v in info.items())
                     + " (only dmarc-policy is documented enough to use)")
    if score is not None:
        words.append(f"iCloud's score {score} (X-ICL-SCORE; scale not documented)")
    return merge("iCloud", parsed, received_spf=spf, extra_words=tuple(words), dmarc_policy=policy)
