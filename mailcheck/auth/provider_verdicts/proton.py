"""Proton's receipt records: one `Authentication-Results: mail[inNNN].protonmail.ch; <method>` per method,
`arc=none smtp.remote-ip=<client ip>`, and X-Pm-Spamscore / X-Pm-Spam-Action / X-Pm-Origin.

Sources: providers.md §3 (MOX, IDX-P1, IDX-P3). Proton's `dis=` is not read as an applied disposition: it
is `dis=none` on every Proton DMARC fail in phishing-pot-dev, including p=reject ones Proton filed as
spam (observed). The X-Pm-Spamscore scale is undocumented; X-Pm-Spam-Action `inbox` is in the
reference, `spam` and `phishing` are observed in phishing-pot-dev.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.receiver_ar import ReceiverAr, merge, provider_ars


def _proton_id(ident: str) -> bool:
    ident = ident.lower()
    return ident == "protonmail.ch" or ident.endswith(".protonmail.ch")


def _stamp_words(found: dict[str, str]) -> tuple[str, ...]:
    words = []
    if "x-pm-spamscore" in found:
        words.append(f"Proton's spam score {found['x-pm-spamscore']} (X-Pm-Spamscore; scale not documented)")
    if "x-pm-spam-action" in found:
        words.append(f"Proton's spam filter action: {found['x-pm-spam-action']} (X-Pm-Spam-Action)")
    origin = found.get("x-pm-origin")
    if origin:
        meaning = {"external": "from outside Proton", "internal": "from another Proton account"}.get(
            origin.lower(), "a value that is not documented")
        words.append(f"Proton's origin stamp: {origin} ({meaning}; X-Pm-Origin)")
    return tuple(words)


def decode_proton(headers: Iterable[tuple[str, str]]) -> ReceiverAr:
    """Proton's record from (name, value) pairs."""
    pairs = list(headers)
    parsed = provider_ars(pairs, _proton_id)
    found: dict[str, str] = {}
    for name, value in pairs:
        found.setdefault(name.lower(), value.strip())
    return merge("Proton", parsed, extra_words=_stamp_words(found))
