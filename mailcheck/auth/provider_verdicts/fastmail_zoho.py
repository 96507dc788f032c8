"""Fastmail's and Zoho Mail's receipt records: RFC 8601 Authentication-Results, with each one's own stamps.

- Fastmail (providers.md §3, IDX-F1): authserv-id `mxN.messagingengine.com` / `phl-mx-NN.messagingengine.com`;
  its DMARC result carries `policy.published-domain-policy=` and `policy.applied-disposition=` (with the
  comment `(p=…,d=…,d.eval=…)`), read as the policy and the disposition it applied. `X-Spam-hits` (SPS)
  is shown as written: its rule names are Fastmail's own.
- Zoho (IDX-Z1, Z2, Z3): authserv-id `mx.zohomail.com`; `dmarc=pass(p=reject dis=none)`, whose `dis=` is
  read as the disposition applied, as Google's (unconfirmed for Zoho: the cautious reading, since a
  disposition of none then never counts as enforced); Received-SPF reported by `zohomail.com` (older
  `zoho.com`); `X-ZohoMail-DKIM: pass` shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.received_spf import parse_received_spf
from mailcheck.auth.provider_verdicts.receiver_ar import ReceiverAr, merge, provider_ars
from mailcheck.parse.lazy_pattern import lazy_compile

_FASTMAIL_ID = lazy_compile(r"(?:phl-)?mx-?[0-9]+\.messagingengine\.com", re.IGNORECASE)
_SHOWN = 300  # characters of a stamp quoted in words


def _fastmail_id(ident: str) -> bool:
    return _FASTMAIL_ID.fullmatch(ident) is not None


def _zoho_id(ident: str) -> bool:
    return ident.lower() == "mx.zohomail.com"


def decode_fastmail(headers: Iterable[tuple[str, str]]) -> ReceiverAr:
    """Fastmail's record from (name, value) pairs."""
    pairs = list(headers)
    parsed = provider_ars(pairs, _fastmail_id)
    applied = [(m.get("policy.published-domain-policy"), m.get("policy.applied-disposition"))
               for ar in parsed for m in ar.methods if m.method == "dmarc"]
    words = tuple(f"Fastmail's spam rules that fired (X-Spam-hits): {_shown(v)}"
                  for n, v in pairs if n.lower() == "x-spam-hits")
    record = merge("Fastmail", parsed, disposition_applied=True, extra_words=words)
    dmarc = tuple(
        d._replace(policy=d.policy._replace(p=d.policy.p or (p or "").lower() or None,
                                            dis=(dis or "").lower() or d.policy.dis))
        for d, (p, dis) in zip(record.dmarc, applied, strict=False)
    )
    return record._replace(dmarc=dmarc + record.dmarc[len(dmarc):])


def decode_zoho(headers: Iterable[tuple[str, str]]) -> ReceiverAr:
    """Zoho Mail's record from (name, value) pairs."""
    pairs = list(headers)
    parsed = provider_ars(pairs, _zoho_id)
    spf = next((r for r in (parse_received_spf(v) for n, v in pairs if n.lower() == "received-spf")
                if (r.reporter or "").lower() in ("zohomail.com", "zoho.com")), None)
    words = tuple(f"Zoho's DKIM note (X-ZohoMail-DKIM): {_shown(v)}"
                  for n, v in pairs if n.lower() == "x-zohomail-dkim")
    return merge("Zoho Mail", parsed, disposition_applied=True, received_spf=spf, extra_words=words)


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


__all__ = ["decode_fastmail", "decode_zoho"]
