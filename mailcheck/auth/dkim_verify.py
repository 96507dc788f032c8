"""Verify every DKIM-Signature (RFC 6376, RFC 8463) with dkimpy, telling forged from "could not check".

The outcome vocabulary and result live in dkim_result, the signature's own field checks and body hash
in dkim_signature, mbox quoting in dkim_mbox; this module runs the RFC 6376 §6.1 steps.
"""

from __future__ import annotations

import base64
import logging
import re
from datetime import UTC, datetime
from typing import Any

import dkim
from dkim.canonicalization import InvalidCanonicalizationPolicyError
from dkim.util import InvalidTagValueList, parse_tag_value

from mailcheck.auth.dkim_key import DkimKey, fetch_key
from mailcheck.auth.dkim_mbox import (
    MBOX_QUOTED_REASON,
    lines_starting,
    signed_bytes,
    unquoted_sentence,
)
from mailcheck.auth.dkim_result import KEY_OUTCOMES, DkimOutcome, DkimResult, outcome_for_exception
from mailcheck.auth.dkim_signature import BodyHashes, tag_problem, tag_text
from mailcheck.auth.dkimpy_message import with_message
from mailcheck.lookup.contract import DnsClient
from mailcheck.parse.message import Message

# verify_all returns these; importers that only need the types may take them from here too.
__all__ = ["DkimOutcome", "DkimResult", "verify_all"]

# dkimpy logs what it rejects; we classify outcomes ourselves, so its log stays quiet.
_LOG = logging.getLogger("mailcheck.dkimpy")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False

# Signatures verified per message. No honest message carries more than a handful (author, list, ESP,
# forwarder), and each costs a key lookup and an RSA check while the sender chooses how many there are;
# RFC 6376 §6.1 lets a verifier limit them. Those beyond are listed, each as unverifiable, never dropped.
MAX_SIGNATURES = 20


def verify_all(message: Message, dns: DnsClient, now: datetime | None = None) -> tuple[DkimResult, ...]:
    """Verify every DKIM-Signature of the message in header order. Never raises."""
    count = len(message.index_of("DKIM-Signature"))
    if not count:
        return ()
    moment = now or datetime.now(UTC)
    clock = int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())  # naive means UTC
    try:
        signer = with_message(dkim.DKIM(None, logger=_LOG, minkey=0), signed_bytes(message))  # RFC 8301 is applied here
    except dkim.DKIMException as exc:
        why = f"the header block cannot be parsed for DKIM ({exc})"
        return tuple(DkimResult(i, DkimOutcome.SYNTAX, why) for i in range(count))
    headers = [(n, v) for n, v in signer.headers if n.lower() == b"dkim-signature"]
    if len(headers) != count:
        why = "the DKIM verifier and mailcheck's parser disagree on the header block"
        return tuple(DkimResult(i, DkimOutcome.ERROR, why) for i in range(count))
    hashes = BodyHashes(signer.body)
    checked = tuple(_Verifier(signer, i, header, dns, clock, hashes).run()
                    for i, header in enumerate(headers[:MAX_SIGNATURES]))
    return checked + tuple(_not_examined(i, header) for i, header in enumerate(headers) if i >= MAX_SIGNATURES)


def _not_examined(index: int, header: tuple[bytes, bytes]) -> DkimResult:
    """A signature past MAX_SIGNATURES: its d=, s= and a= as written, for the reader; nothing checked."""
    result = DkimResult(index, DkimOutcome.NOT_EXAMINED,
                        f"not examined: more than {MAX_SIGNATURES} signatures (only the first {MAX_SIGNATURES} "
                        "are verified; RFC 6376 §6.1 lets a verifier limit how many it checks)")
    try:
        text = tag_text(parse_tag_value(header[1]))
    except InvalidTagValueList:
        return result
    return result._replace(domain=text.get("d", "").lower(), selector=text.get("s", ""),
                           algorithm=text.get("a", ""),
                           signed_headers=tuple(h.strip().lower() for h in text.get("h", "").split(":") if h.strip()))


class _Verifier:
    """One signature's verification, step by step in RFC 6376 §6.1 order."""

    def __init__(self, signer: dkim.DKIM, index: int, header: tuple[bytes, bytes], dns: DnsClient,
                 clock: int, hashes: BodyHashes) -> None:
        self.signer = signer
        self.hashes = hashes  # the body hashes every signature of the message shares
        self.index = index
        self.header = header
        self.dns = dns
        self.clock = clock
        self.partial = DkimResult(index, DkimOutcome.ERROR, "")  # filled in as the steps learn more
        self.notes: list[str] = []
        self.quoted = 0  # body lines starting >From, counted only when the body hash does not match

    def learn(self, **values: Any) -> None:
        self.partial = self.partial._replace(**values)

    def done(self, outcome: DkimOutcome, reason: str) -> DkimResult:
        return self.partial._replace(outcome=outcome, reason=reason, notes=tuple(self.notes))

    def run(self) -> DkimResult:
        try:
            tags = parse_tag_value(self.header[1])
        except InvalidTagValueList as exc:
            return self.done(DkimOutcome.SYNTAX, f"the tag list cannot be parsed ({exc.__class__.__name__})")
        text = tag_text(tags)
        self._remember(text)
        problem = tag_problem(tags, text)
        if problem is not None:
            return self.done(*problem)
        try:
            body_ok = self._body_matches(tags, text)
        except (InvalidCanonicalizationPolicyError, ValueError) as exc:
            return self.done(DkimOutcome.SYNTAX, f"the body hash cannot be computed ({exc})")
        self.learn(body_matched=body_ok)
        holds = self._policy_holds()
        key = fetch_key(self.dns, text["s"], text["d"])
        self.learn(key=key)
        if not key.parsed:
            assert key.problem is not None
            self.notes.extend(f"also: {why}" for _, why in holds)
            return self.done(KEY_OUTCOMES[key.problem], key.reason)
        refusal = key.refuses(text["a"], text["d"], text.get("i"))
        if refusal is not None:
            return self.done(DkimOutcome.KEY_INAPPROPRIATE, refusal)
        try:
            headers_ok = self._headers_verify(tags, key)
        except Exception as exc:  # dkimpy and nacl raise many kinds; translated by one table
            outcome = outcome_for_exception(exc)
            why = f"the verifier rejected the signature ({exc.__class__.__name__}: {exc})"
            return self.done(outcome, why)
        self.learn(headers_matched=headers_ok)
        return self._decide(body_ok, headers_ok, key, holds)

    def _remember(self, text: dict[str, str]) -> None:
        self.learn(
            domain=text.get("d", "").lower(),
            selector=text.get("s", ""),
            algorithm=text.get("a", ""),
            identity=text.get("i"),
            signed_headers=tuple(h.strip().lower() for h in text.get("h", "").split(":") if h.strip()),
            b_prefix=re.sub(r"\s+", "", text.get("b", ""))[:16],
        )
        numbers = {tag: int(text[tag]) for tag in ("t", "x", "l") if text.get(tag, "").isdigit()}
        self.learn(timestamp=numbers.get("t"), expires=numbers.get("x"), body_length=numbers.get("l"))

    def _body_matches(self, tags: dict[bytes, bytes], text: dict[str, str]) -> bool:
        length = int(text["l"]) if "l" in text else None
        c_value = tags.get(b"c", b"simple/simple")
        declared = base64.b64decode(re.sub(rb"\s+", b"", tags[b"bh"]))
        hashes, unquoted = self.hashes, False
        matched = hashes.digest(text["a"], c_value, length) == declared
        if not matched:
            # Mail read from an mbox (or copied out of one) may have had "From " lines quoted by the
            # writer; that change is the archive's, so undo one level before calling the body changed.
            self.quoted = hashes.quoted
            if self.quoted and hashes.digest(text["a"], c_value, length, unquoted=True) == declared:
                unquoted = matched = True
                self.learn(mbox_unquoted=True)
                self.notes.append(unquoted_sentence(self.quoted))
        if length is not None:
            rest = len(hashes.canonical(c_value, unquoted)) - length
            if rest > 0:
                self.notes.append(f"the signature covers only the first {length} bytes of the body (l=); "
                                  f"{rest} bytes after them are not signed and anyone could have added them")
        return matched

    def _policy_holds(self) -> list[tuple[DkimOutcome, str]]:
        """Reasons to withhold a pass whatever the cryptography says; found before the key, applied after."""
        holds: list[tuple[DkimOutcome, str]] = []
        if self.partial.algorithm == "rsa-sha1":
            holds.append((DkimOutcome.RSA_SHA1, "the signature uses rsa-sha1, which RFC 8301 §3.1 forbids "
                                                "verifiers to trust"))
        expires = self.partial.expires
        if expires is not None and expires < self.clock:
            when = datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            holds.append((DkimOutcome.EXPIRED, f"the signature expired at {when} (x=), before the analysis "
                                               "clock"))
        stamp = self.partial.timestamp
        if stamp is not None and stamp > self.clock:
            ahead = stamp - self.clock
            self.notes.append(f"the signing time t={stamp} is {ahead} s after the analysis clock")
        return holds

    def _headers_verify(self, tags: dict[bytes, bytes], key: DkimKey) -> bool:
        """The signature over the signed header fields alone. Without bh= in the tag dict dkimpy skips its
        body check (it hashes the header as written, bh= included), so body and headers are judged apart."""
        if key.key_type == "ed25519" and len(base64.b64decode(re.sub(rb"\s+", b"", tags[b"b"]))) != 64:
            return False  # RFC 8032 §5.1.7: not 64 octets is an invalid signature (PyNaCl would raise)
        sig = {k: v for k, v in tags.items() if k != b"bh"}
        include = [h.lower() for h in re.split(rb"\s*:\s*", tags[b"h"].strip())]
        record = key.dkimpy_record

        def dnsfunc(_name: bytes, timeout: int = 5) -> bytes | None:
            return record  # the record we fetched and judged; dkimpy must not ask DNS itself

        return bool(self.signer.verify_sig(sig, include, self.header, dnsfunc))

    def _decide(self, body_ok: bool, headers_ok: bool, key: DkimKey,
                holds: list[tuple[DkimOutcome, str]]) -> DkimResult:
        crypto = _crypto_sentence(body_ok, headers_ok, self.partial.mbox_unquoted)
        if key.problem is not None:
            holds.insert(0, (KEY_OUTCOMES[key.problem], key.reason))
        if holds:
            self.notes.append(f"for information: {crypto}")
            return self.done(holds[0][0], holds[0][1])
        if body_ok and headers_ok:
            if key.testing:
                self.notes.append("the key is marked t=y (the domain is testing DKIM)")
            return self.done(DkimOutcome.VERIFIED, crypto)
        froms = sum(1 for name, _ in self.signer.headers if name.lower() == b"from")
        if not headers_ok and froms > 1:
            self.notes.append(f"the message has {froms} From fields; the verifier hashes every one of them, "
                              "so a From field added after signing breaks the signature")
        if key.testing:
            return self.done(DkimOutcome.TESTING, f"{crypto}, but the key is marked t=y: RFC 6376 §3.6.1 "
                                                  "says to treat the message as unsigned")
        if headers_ok and self.quoted:
            # mboxo quotes "From " but leaves ">From " alone, so one level of unquoting corrupts a body that
            # had ">From " lines of its own: a mismatch here may be the archive's, not a forger's.
            self.notes.append(f"the signature over the signed header fields verifies; {lines_starting(self.quoted)} "
                              "with >From, and removing one level of quoting does not make the body hash match "
                              "either. Either the body was changed after signing, or the original already had "
                              "lines starting >From, which an mboxo writer leaves as they are, so which lines it "
                              "quoted cannot be told")
            return self.done(DkimOutcome.MBOX_QUOTED, MBOX_QUOTED_REASON)
        # mbox quoting never touches header fields, so a header signature that fails is still forged.
        return self.done(DkimOutcome.SIGNATURE_MISMATCH if not headers_ok else DkimOutcome.BODY_HASH_MISMATCH,
                         crypto)



def _crypto_sentence(body_ok: bool, headers_ok: bool, unquoted: bool = False) -> str:
    if body_ok and headers_ok:
        matches = "matches once the mbox's >From quoting is undone," if unquoted else "matches"
        return f"the body hash {matches} and the signature over the signed header fields verifies"
    if body_ok and unquoted:
        return ("the body hash matches once the mbox's >From quoting is undone, but the signature over the signed "
                "header fields does not verify: a signed header field (or the signature) was changed after signing")
    if headers_ok:
        return ("the signature over the header fields verifies, but the body hash does not match: the body "
                "was changed after signing")
    if body_ok:
        return ("the body hash matches, but the signature over the signed header fields does not verify: a "
                "signed header field (or the signature) was changed after signing")
    return "neither the body hash nor the signature over the signed header fields match what was signed"
