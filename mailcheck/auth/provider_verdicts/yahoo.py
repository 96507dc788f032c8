"""Yahoo/AOL's receipt records: `Authentication-Results: atlas…yahoo.com; …` and its Received-SPF.

Sources: providers.md §3 (IDX-Y1/Y2/Y4, MOX). Non-standard tokens are kept as written: `dkim=perm_fail`,
`dkim=unknown`, `dmarc=unknown`, `dmarc=pass(p=REJECT)` (no space: read by the tolerant tokenizer when
authres refuses), `arc_overridden_status=NOT_OVERRIDDEN`. Yahoo's Received-SPF names no reporter.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.received_spf import parse_received_spf
from mailcheck.auth.provider_verdicts.receiver_ar import ReceiverAr, merge, provider_ars


def _yahoo_id(ident: str) -> bool:
    ident = ident.lower()
    return ident.startswith("atlas") and (ident.endswith(".yahoo.com") or ident.endswith(".aol.com"))


def decode_yahoo(headers: Iterable[tuple[str, str]]) -> ReceiverAr:
    """Yahoo's record from (name, value) pairs. The first Received-SPF is taken as Yahoo's: the caller
    passes only the headers of Yahoo's block (it names no reporter inside, providers.md §3)."""
    pairs = list(headers)
    parsed = provider_ars(pairs, _yahoo_id)
    spf = next((parse_received_spf(v) for n, v in pairs if n.lower() == "received-spf"), None)
    return merge("Yahoo", parsed, received_spf=spf)
