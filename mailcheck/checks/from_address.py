"""from: the author address(es) in From:, labelled by DMARC (RFC 7489).

Validated when an identity aligned with the From domain passes (SPF or DKIM), forged when DMARC
fails under a reject or quarantine policy, unverifiable otherwise. Several From fields naming
different authors are forged: RFC 5322 §3.6 allows one, and mail programs may show one author while
a filter checks the other. A missing From is reported.

Your recognised receiving provider's record (mailcheck/providers/block.py) counts too: a DMARC fail it
recorded at receipt under a quarantine or reject policy makes From forged offline, with its header as
evidence. Online the live DMARC result decides the label and the provider's receipt-time sentence is
added beside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.providers.block import provider_block

ID = "from"
SUMMARY = "the From address, by DMARC alignment and policy"
NEEDS: tuple[str, ...] = ("dmarc",)
PROVIDES: tuple[str, ...] = ()


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    message = facts.message
    fields = message.get_all("From")
    if not fields:
        yield Finding("from", "", Label.UNVERIFIABLE,
                      ("the message has no From field (RFC 5322 §3.6 requires one); there is no author to check",),
                      ID, Basis.UNDECIDED)
        return
    addresses = [address for _, address in message.addresses("From")]
    value = ", ".join(addresses) if addresses else fields[0]
    distinct = sorted({a.lower() for a in addresses})
    if len(fields) > 1 and len(distinct) > 1:
        yield Finding("from", value, Label.FORGED, (
            f"{len(fields)} From fields name different authors ({', '.join(distinct)}); RFC 5322 §3.6 allows one",
            "mail programs show one of them while filters may check the other",
        ), ID)
        return
    if not any("@" in a for a in distinct):
        yield Finding("from", value, Label.UNVERIFIABLE,
                      ("the From field holds no address with a domain, so nothing can be checked",),
                      ID, Basis.UNDECIDED)
        return
    notes: list[str] = []
    if len(fields) > 1:
        notes.append(f"{len(fields)} identical From fields (RFC 5322 §3.6 allows one)")
    if len(distinct) > 1:
        notes.append(f"{len(distinct)} authors in one From field; DMARC (RFC 7489 §6.6.1) checks one domain only")
    receipt = _receipt_dmarc_fail(facts)
    result = facts.results.dmarc
    if result is None and receipt and ctx.offline:
        yield Finding("from", value, Label.FORGED, (*receipt, *notes), ID)
        return
    if result is None:
        why = "not run (offline)" if ctx.offline else "DMARC could not be evaluated"
        yield Finding("from", value, Label.UNVERIFIABLE, (f"DMARC {why}", *receipt, *notes), ID,
                      Basis.NOT_RUN if ctx.offline else Basis.UNDECIDED)
        return
    from mailcheck.auth.dmarc import from_label

    label, basis, evidence = from_label(result)
    yield Finding("from", value, label, (*evidence, *receipt, *notes), ID, basis)


def _receipt_dmarc_fail(facts: Facts) -> tuple[str, ...]:
    """The provider's receipt-time DMARC fail under quarantine/reject, as evidence; () when it recorded none."""
    block = provider_block(facts)
    if block is None or block.verdict is None or not block.verdict.dmarc_failed_under_enforcement():
        return ()
    title = block.profile.title
    said = [w for w in block.verdict.plain_words() if "dmarc" in w.lower()][:2]
    return (f"{title}, your receiving provider, recorded at receipt that DMARC failed for this From domain "
            "under a quarantine or reject policy (its own verdict header, written after it received the message)",
            *said)
