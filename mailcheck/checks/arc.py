"""arc: the ARC chain (RFC 8617) — the seals intermediaries such as mailing lists and forwarders add.

Each ARC set i= holds an ARC-Seal, an ARC-Message-Signature and ARC-Authentication-Results (what
that intermediary says it found). The sealers' keys are fetched from DNS and dkimpy validates the
chain; every sealer (i=, d=, s=, cv= and whether its seal verifies) is listed in the evidence.

- validated: every seal and the newest message signature verify. This proves the message is as the
  listed intermediaries sealed it, and that their recorded results are theirs — not that the author
  is who the From field says (an intermediary's "dkim=pass" is its claim, trust it as far as you
  trust the sealer).
- forged: a seal or the newest message signature does not verify with a usable key: the message
  or the chain was changed after sealing.
- unverifiable: no ARC chain; a sealer recorded cv=fail (the chain was already broken when it
  received the message); a malformed chain (one of more than the 50 sets RFC 8617 allows is not
  examined at all); an algorithm ARC does not allow; a key that is missing, revoked, too small, too
  large to check or unreadable; a DNS failure; the newest message signature's body hash does not
  match but the body has ">From" lines an mbox may have quoted. With --offline: not run.

For mail kept in an mbox, one level of ">From" quoting is undone before a body hash is called
mismatched; the evidence says so when that made the signature verify. Read from an Outlook .msg (a
rebuilt body), a chain that would have been validated or forged is unverifiable: the newest message
signature's body hash cannot be checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label

if TYPE_CHECKING:
    from mailcheck.auth.arc import ArcResult

ID = "arc"
SUMMARY = "the ARC chain of intermediaries' seals, validated with their keys from DNS"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ("arc",)
_AAR_SHOWN = 300  # characters of a sealer's recorded results shown in evidence


def evidence(result: ArcResult) -> tuple[str, ...]:
    lines = [result.reason]
    for arc_set in result.sets:
        lines.append(arc_set.describe())
        if arc_set.aar:
            aar = arc_set.aar if len(arc_set.aar) <= _AAR_SHOWN else arc_set.aar[:_AAR_SHOWN] + "…"
            lines.append(f"ARC set i={arc_set.instance} records (the sealer's claim): {aar}")
    lines.extend(key.describe() for key in result.keys)
    return tuple(lines)


def _has_arc(facts: Facts) -> bool:
    for header in facts.message.headers:  # every message's fields, most of them with no ARC set
        name = header.name
        if name[0] in "aA" and name[:4].lower() == "arc-":
            return True
    return False


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    if not _has_arc(facts):
        yield Finding("arc", "no ARC chain", Label.UNVERIFIABLE, ("the message has no ARC header fields",), ID,
                      Basis.UNDECIDED)
        return
    from mailcheck.auth.dkimpy_import import dkimpy_without_its_dns

    with dkimpy_without_its_dns():  # dkimpy loads only when there is a chain, and without dnspython
        from mailcheck.auth.arc import verify_chain

    result = verify_chain(facts.message, ctx.dns)
    if facts.message.body_rebuilt:  # an Outlook .msg: no body hash can be checked (auth/rebuilt_body.py)
        from mailcheck.auth.rebuilt_body import arc_without_body

        result = arc_without_body(result)
    facts.results.arc = result
    yield Finding("arc", result.value(), result.label, evidence(result), ID, result.basis)
