"""dmarc: DMARC (RFC 7489) for the From domain — the policy its owner publishes and whether an aligned
identity (a verifying DKIM signature, or an SPF pass) vouches for it.

This check labels no field of its own: the `from` field carries its result. The From domain is
validated when an identity aligned with it passes, forged when DMARC fails under a quarantine or
reject policy that covers all mail (pct=100) and every aligned identity was settled, unverifiable
otherwise: policy none, pct below 100, no DMARC record, a DNS failure, or an aligned DKIM key that
is gone (a rotated key must not make old mail look forged). With --offline: not run.

The policy is looked up at _dmarc.<From domain>, then at _dmarc.<organizational domain> (from the
Public Suffix List, shipped with mailcheck); there sp= applies to subdomains, and np= to From
domains that do not exist (RFC 9091).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Finding

ID = "dmarc"
SUMMARY = "DMARC policy and alignment for the From domain (labels the from field)"
NEEDS: tuple[str, ...] = ("dkim", "spf")
PROVIDES: tuple[str, ...] = ("dmarc",)


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    if ctx.offline:
        return iter(())  # nothing to evaluate without the policy record; the from field says "not run"
    from mailcheck.auth.dmarc import evaluate, spf_identity
    addresses = [address for _, address in facts.message.addresses("From")]
    # dkim is None when the dkim check crashed: DMARC must not then fail
    facts.results.dmarc = evaluate(addresses, facts.results.dkim, spf_identity(facts.results.spf), ctx.dns)
    return iter(())
