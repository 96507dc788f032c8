"""Google's receipt records: `Authentication-Results: mx.google.com; …` and `Received-SPF: … (google.com: …)`.

Format (providers.md §2.3, MA-ARC, ST-ARC, MOX): `dkim=pass header.i=@d header.s=… header.b=…` per
signature, `spf=pass (google.com: domain of <addr> designates <ip> as permitted sender)
smtp.mailfrom=<addr>`, `dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=<d>`, optional
`arc=pass (i=1 …)`. Google's `dis=` is read as the disposition it applied, so a DMARC fail with
dis=NONE (an ARC override or pct sampling) is not counted as enforced.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.received_spf import parse_received_spf
from mailcheck.auth.provider_verdicts.receiver_ar import ReceiverAr, merge, provider_ars


def _google(ident: str) -> bool:
    return ident == "google.com" or ident.endswith(".google.com")


def decode_google(headers: Iterable[tuple[str, str]]) -> ReceiverAr:
    """Google's record from (name, value) pairs: its A-R values and the Received-SPF it wrote
    (reporter google.com). Headers naming someone else are ignored."""
    pairs = list(headers)
    parsed = provider_ars(pairs, _google)
    spf = next((r for r in (parse_received_spf(v) for n, v in pairs if n.lower() == "received-spf")
                if (r.reporter or "").lower() == "google.com"), None)
    return merge("Google", parsed, disposition_applied=True, received_spf=spf)
