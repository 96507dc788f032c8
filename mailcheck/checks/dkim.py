"""dkim[N]: every DKIM-Signature (RFC 6376; rsa-sha256 and ed25519-sha256, RFC 8463), in header order.

Each signature is its own field, dkim[0] being the topmost; a message without any gets the one field
`dkim` saying so. The signer's key is fetched from DNS
(<s>._domainkey.<d>) and the body hash and the signature over the signed header fields are checked
separately, so the report says which part no longer matches.

- validated: the body hash matches and the signature verifies. This proves the domain d= signed
  these header fields and this body; it says nothing about who wrote the message unless d= is the
  From domain (see DMARC, which reads these results).
- forged: the body hash does not match (the body changed after signing; but see mbox quoting and
  changes in transit below) or the signature over the header fields does not verify (a signed header
  changed).
- unverifiable: anything that stops the check from deciding — no key at the selector, a DNS
  failure, a revoked key (empty p=), an RSA key under 1024 bits or rsa-sha1 (RFC 8301 forbids
  trusting them), an unsupported algorithm, canonicalization or version, a key that does not
  allow this signature (k=, h=, t=s), an expired signature (x= before --now or the clock), a key
  in testing mode (t=y) on a failing signature, a syntax error, or a body hash that may only have
  been broken by mbox ">From " quoting (below). Each says its own reason, and the cryptographic
  result is still given for information. With --offline: not run.

Mail kept in an mbox: the writer turns body lines starting "From " into ">From " (mboxrd also
">From" into ">>From"), which breaks the body hash. When the hash does not match and the body has
lines starting ">From", ">>From", …, one level of quoting is undone and the hash checked again; if
it matches, verification goes on with that body and the evidence says the quoting was undone. If
it still does not match while the header signature verifies, the signature is unverifiable, not
forged: mboxo writers leave lines that already started ">From" as they are, so the original body
cannot always be recovered. A body without such lines that does not match stays forged.

Changes in transit: lists and forwarders change messages, which breaks the author's signature. When
an ARC chain that validates shows its first sealer had verified this signature (dkim=pass for its
domain), or the copy is list traffic (List-Id, Mailing-list, …) and what broke is what lists change (the
body, a Subject tag, a rewritten From), the signature is unverifiable "changed in transit", with the
evidence named — not forged. DMARC then cannot count it as a settled failure, so legitimate list and
forwarded mail is never forged for it (mailcheck/auth/transit.py says how this is decided).

Read from an Outlook .msg: the body was rebuilt, not the bytes that were signed, so every signature
that would have been validated or forged is unverifiable, "the body hash cannot be checked"; whether the
signature over the header fields verifies against Outlook's copy is given for information.

A key that has gone since the message arrived is the usual reason old mail no longer verifies;
--dns-replay reproduces an analysis with the answers recorded at the time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label

if TYPE_CHECKING:
    from mailcheck.auth.dkim_verify import DkimResult

ID = "dkim"
SUMMARY = "every DKIM signature, verified with the signer's key from DNS"
NEEDS: tuple[str, ...] = ("arc",)
PROVIDES: tuple[str, ...] = ("dkim",)


def evidence(result: DkimResult) -> tuple[str, ...]:
    """The sentences a reader can check for one signature."""
    lines = []
    if result.domain:
        signed = ", ".join(result.signed_headers) or "nothing"
        lines.append(f"DKIM-Signature[{result.index}] says d={result.domain} s={result.selector} "
                     f"a={result.algorithm} signed these header fields: {signed}")
    if result.timestamp is not None:
        lines.append(f"signed at {datetime.fromtimestamp(result.timestamp, UTC):%Y-%m-%d %H:%M:%S} UTC (t=)")
    if result.key is not None:
        lines.append(result.key.describe())
    lines.append(result.reason)
    lines.extend(result.notes)
    return tuple(lines)


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    if not facts.message.index_of("DKIM-Signature"):
        facts.results.dkim = ()
        # Listed all the same: the reader must see that no signature exists, not wonder if it was checked.
        yield Finding("dkim", "no DKIM-Signature", Label.UNVERIFIABLE,
                      ("the message carries no DKIM signature, so no domain vouches for its content",),
                      ID, Basis.UNDECIDED)
        return
    from mailcheck.auth.dkimpy_import import dkimpy_without_its_dns

    with dkimpy_without_its_dns():  # dkimpy loads only when there is a signature, and without dnspython
        from mailcheck.auth.dkim_verify import verify_all
    from mailcheck.auth.transit import relabelled

    results = verify_all(facts.message, ctx.dns, ctx.now)
    if facts.message.body_rebuilt:  # an Outlook .msg: no body hash can be checked (auth/rebuilt_body.py)
        from mailcheck.auth.rebuilt_body import dkim_without_body

        results = dkim_without_body(results)
    results = relabelled(results, facts.results.arc, facts.message)
    facts.results.dkim = results
    for result in results:
        name = f"dkim[{result.index}]"
        yield Finding(name, result.value(), result.label, evidence(result), ID, result.basis)
