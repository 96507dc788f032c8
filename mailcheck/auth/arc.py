"""Validate the ARC chain (RFC 8617) with dkimpy, keys fetched through our DNS layer, failures explained."""

from __future__ import annotations

import base64
import logging
import re
from enum import Enum
from typing import ClassVar

import dkim
from dkim.canonicalization import CanonicalizationPolicy, InvalidCanonicalizationPolicyError
from dkim.util import InvalidTagValueList, parse_tag_value

from mailcheck.auth.dkim_key import DkimKey, KeyProblem, fetch_key
from mailcheck.auth.dkim_mbox import (
    MBOX_QUOTED_REASON,
    quoted_from_lines,
    signed_bytes,
    unquote_from_lines,
    unquoted_bytes,
)
from mailcheck.auth.dkim_signature import body_hash
from mailcheck.auth.dkimpy_message import with_message
from mailcheck.auth.outcomes import CHECKED_FORGED, CHECKED_VALID, NOT_RUN, UNDECIDED, LabelledByOutcome, OutcomeTable
from mailcheck.lookup.contract import DnsClient
from mailcheck.parse.message import Message
from mailcheck.value_types import NamedTuple

_LOG = logging.getLogger("mailcheck.dkimpy.arc")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False

ARC_HEADERS = ("arc-seal", "arc-message-signature", "arc-authentication-results")
# RFC 8617 §4.2.1: i= runs from 1 to 50. dkimpy's verifier does not stop there, and each set costs a key
# lookup, a body hash and two RSA checks chosen by the sender; a longer chain is malformed and not examined.
MAX_INSTANCES = 50


class ArcOutcome(str, Enum):
    NONE = "none"  # no ARC header fields
    PASS = "pass"  # every seal and the newest message signature verify
    SEAL_FAILED = "seal-failed"  # an ARC-Seal does not verify with a usable key
    AMS_FAILED = "message-signature-failed"  # the newest ARC-Message-Signature does not verify
    MBOX_QUOTED = "body-mbox-quoted"  # its body hash does not match, but an mbox's >From quoting may be why
    SEALER_REPORTED_FAIL = "sealer-reported-fail"  # a sealer wrote cv=fail: the chain ended there
    STRUCTURE = "malformed-chain"  # missing/duplicate sets, gaps, wrong cv= sequence, bad tags
    UNSUPPORTED = "unsupported"  # an algorithm ARC (or this verifier) does not allow
    KEY_UNUSABLE = "key-unusable"  # no key, revoked, invalid, too small, not for email
    DNS_FAILURE = "dns-failure"
    NOT_RUN = "not-run"
    ERROR = "verifier-error"
    BODY_NOT_ORIGINAL = "body-not-original"  # the body was rebuilt (an Outlook .msg): bh= cannot be checked


# A passing chain validates the custody the sealers vouch for, not the author (RFC 8617 §1).
OUTCOME_LABELS = OutcomeTable(ArcOutcome, {
    ArcOutcome.NONE: UNDECIDED,
    ArcOutcome.PASS: CHECKED_VALID,
    ArcOutcome.SEAL_FAILED: CHECKED_FORGED,
    ArcOutcome.AMS_FAILED: CHECKED_FORGED,
    ArcOutcome.MBOX_QUOTED: UNDECIDED,  # the archive may have changed the body, not an attacker
    ArcOutcome.SEALER_REPORTED_FAIL: UNDECIDED,
    ArcOutcome.STRUCTURE: UNDECIDED,
    ArcOutcome.UNSUPPORTED: UNDECIDED,
    ArcOutcome.KEY_UNUSABLE: UNDECIDED,
    ArcOutcome.DNS_FAILURE: UNDECIDED,
    ArcOutcome.NOT_RUN: NOT_RUN,
    ArcOutcome.ERROR: UNDECIDED,
    ArcOutcome.BODY_NOT_ORIGINAL: UNDECIDED,  # nothing to check the body hash against: never forged
})

KEY_OUTCOMES: dict[KeyProblem, ArcOutcome] = {
    KeyProblem.NOT_RUN: ArcOutcome.NOT_RUN,
    KeyProblem.NO_KEY: ArcOutcome.KEY_UNUSABLE,
    KeyProblem.DNS_FAILURE: ArcOutcome.DNS_FAILURE,
    KeyProblem.REVOKED: ArcOutcome.KEY_UNUSABLE,
    KeyProblem.INVALID: ArcOutcome.KEY_UNUSABLE,
    KeyProblem.UNSUPPORTED_VERSION: ArcOutcome.KEY_UNUSABLE,
    KeyProblem.UNSUPPORTED_TYPE: ArcOutcome.UNSUPPORTED,
    KeyProblem.NOT_FOR_EMAIL: ArcOutcome.KEY_UNUSABLE,
    KeyProblem.TOO_SMALL: ArcOutcome.KEY_UNUSABLE,
    KeyProblem.TOO_LARGE: ArcOutcome.KEY_UNUSABLE,
}


class ArcSet(NamedTuple):
    """One ARC set (instance i=), newest first in ArcResult.sets."""

    instance: int
    seal_domain: str
    seal_selector: str
    seal_cv: str  # the cv= this sealer wrote about the chain it received
    seal_valid: bool
    ams_domain: str
    ams_selector: str
    ams_valid: bool
    aar: str  # ARC-Authentication-Results: what this sealer says it saw (its claim)

    def describe(self) -> str:
        seal = "verifies" if self.seal_valid else "does not verify"
        ams = "verifies" if self.ams_valid else "does not verify"
        return (f"ARC set i={self.instance}: ARC-Seal d={self.seal_domain} s={self.seal_selector} "
                f"cv={self.seal_cv} {seal}; ARC-Message-Signature d={self.ams_domain} "
                f"s={self.ams_selector} {ams}")


class _ArcResultFields(NamedTuple):
    cv: str  # "pass" | "fail" | "none"
    outcome: ArcOutcome
    reason: str
    instances: int  # highest i= found
    sets: tuple[ArcSet, ...] = ()  # newest first; fewer than instances when validation stopped early
    keys: tuple[DkimKey, ...] = ()  # every key looked up, for evidence


class ArcResult(_ArcResultFields, LabelledByOutcome[ArcOutcome]):
    """The chain's validation status (cv, RFC 8617 §5.2) and how mailcheck labels it."""

    __slots__ = ()
    LABELS: ClassVar[OutcomeTable[ArcOutcome]] = OUTCOME_LABELS

    def value(self) -> str:
        if self.outcome is ArcOutcome.NONE:
            return "no ARC chain"
        return f"cv={self.cv}, {self.instances} set{'s' if self.instances != 1 else ''}"


class _KeyCache:
    """dkimpy's dnsfunc, answered from our DNS layer; remembers every key for the explanation."""

    def __init__(self, dns: DnsClient) -> None:
        self.dns = dns
        self.keys: dict[tuple[str, str], DkimKey] = {}

    def key(self, selector: str, domain: str) -> DkimKey:
        ident = (selector.lower(), domain.lower())
        if ident not in self.keys:
            self.keys[ident] = fetch_key(self.dns, selector, domain)
        return self.keys[ident]

    def __call__(self, name: bytes, timeout: int = 5) -> bytes | None:
        text = name.decode("utf-8", "replace").rstrip(".")
        selector, _, domain = text.partition("._domainkey.")
        key = self.key(selector, domain)
        if key.problem in (KeyProblem.DNS_FAILURE, KeyProblem.NOT_RUN):
            raise dkim.DnsTimeoutError(key.reason)  # dkimpy's own word for "could not ask"
        return key.dkimpy_record


def verify_chain(message: Message, dns: DnsClient) -> ArcResult:
    """Validate the ARC chain of a message. Never raises."""
    if not any(h.name.lower() in ARC_HEADERS for h in message.headers):
        return ArcResult("none", ArcOutcome.NONE, "the message has no ARC header fields", 0)
    keys = _KeyCache(dns)
    unquoted = False
    try:
        arc = with_message(dkim.ARC(None, logger=_LOG, minkey=1024), signed_bytes(message))
        instances = arc.sorted_arc_headers()[0]
        if instances > MAX_INSTANCES:
            return ArcResult("fail", ArcOutcome.STRUCTURE, _too_many(instances), instances)
        cv, results, reason = arc.verify(dnsfunc=keys)
        retry = _unquoted_retry(message, keys) if _newest_ams_failed(cv, results) else None
        if retry is not None:
            (arc, cv, results, reason), unquoted = retry, True
    except dkim.DKIMException as exc:
        return ArcResult("fail", ArcOutcome.STRUCTURE, f"the ARC chain cannot be read: {exc}", 0)
    except Exception as exc:  # dkimpy on hostile input: never let it decide a label
        return ArcResult("fail", ArcOutcome.ERROR, f"the ARC verifier failed: {exc.__class__.__name__}", 0)
    sets = tuple(_arc_set(r) for r in results)
    looked_up = tuple(keys.keys.values())
    if cv == dkim.CV_None:
        why = "the ARC header fields carry no usable instance (i=) tag"
        return ArcResult("none", ArcOutcome.STRUCTURE, why, 0, sets, looked_up)
    if cv == dkim.CV_Pass:
        why = _pass_sentence(sets) + (_UNQUOTED if unquoted else "")
        return ArcResult("pass", ArcOutcome.PASS, why, instances, sets, looked_up)
    if cv is None:
        # dkimpy's answer when a sealer wrote cv=fail; RFC 8617 §5.2 makes the chain's status fail.
        why = f"{reason}: a sealer found the chain already broken when it received the message"
        return ArcResult("fail", ArcOutcome.SEALER_REPORTED_FAIL, why, instances, sets, looked_up)
    outcome, why = _explain_failure(arc, results, reason, instances, keys)
    return ArcResult("fail", outcome, why, instances, sets, looked_up)


def _too_many(instances: int) -> str:
    return (f"not examined: the chain claims {instances} ARC sets (i={instances}), more than the "
            f"{MAX_INSTANCES} RFC 8617 §4.2.1 allows, so no set of it was verified")


_UNQUOTED = (". The newest ARC-Message-Signature's body hash matches only once the mbox's >From quoting is "
             "undone (one \">\" removed from each body line starting >From): that quoting is what an mbox archive "
             "does to a message, not a change to its content")


def _newest_ams_failed(cv: object, results: list[dict[str, object]]) -> bool:
    return cv == dkim.CV_Fail and bool(results) and not results[0].get("ams-valid")


def _unquoted_retry(message: Message, keys: _KeyCache) -> tuple[dkim.ARC, object, list[dict[str, object]],
                                                                  str] | None:
    """The chain verified again with one level of mbox >From quoting undone, when that makes the newest
    ARC-Message-Signature verify; None otherwise. Seals sign only ARC header fields (RFC 8617 §5.1.1), so only
    that signature can have been broken by an mbox writer."""
    unquoted = unquoted_bytes(message)
    if unquoted is None:
        return None
    arc = with_message(dkim.ARC(None, logger=_LOG, minkey=1024), unquoted)
    cv, results, reason = arc.verify(dnsfunc=keys)
    return (arc, cv, results, reason) if results and results[0].get("ams-valid") else None


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def _arc_set(result: dict[str, object]) -> ArcSet:
    aar = re.sub(r"\s+", " ", _text(result.get("aar-value"))).strip()
    instance = result.get("instance")
    return ArcSet(instance if isinstance(instance, int) else 0,
                  _text(result.get("as-domain")), _text(result.get("as-selector")), _text(result.get("cv")),
                  bool(result.get("as-valid")), _text(result.get("ams-domain")),
                  _text(result.get("ams-selector")), bool(result.get("ams-valid")), aar)


def _pass_sentence(sets: tuple[ArcSet, ...]) -> str:
    sealers = ", ".join(sorted({s.seal_domain for s in sets}))
    return (f"every ARC-Seal and the newest ARC-Message-Signature verify: the message is as {sealers} sealed "
            "it. This vouches for the intermediaries' custody and their recorded results, not for the author")


def _explain_failure(arc: dkim.ARC, results: list[dict[str, object]], reason: str, instances: int,
                     keys: _KeyCache) -> tuple[ArcOutcome, str]:
    """cv=fail: a signature that truly fails with a usable key is forged; one we could not check is not."""
    if len(results) < instances:  # dkimpy stopped on a syntax or structure problem
        if "algorithm" in reason:  # dkimpy's ValidationError: "unknown signature algorithm: …"
            return ArcOutcome.UNSUPPORTED, f"{reason} (RFC 8617 §4.1.3 allows only rsa-sha256)"
        return ArcOutcome.STRUCTURE, f"the ARC chain is malformed: {reason}"
    failed: list[tuple[int, bytes]] = []  # (instance, header name) of each signature that did not verify
    newest = results[0]
    if not newest.get("ams-valid"):
        failed.append((instances, b"arc-message-signature"))
    failed.extend((int(str(r.get("instance"))), b"arc-seal") for r in results if not r.get("as-valid"))
    if not failed:
        return ArcOutcome.STRUCTURE, f"the ARC chain is malformed: {reason}"
    headers = arc.sorted_arc_headers()[1]
    undecided: tuple[ArcOutcome, str] | None = None
    for instance, kind in failed:
        what = f"{'ARC-Seal' if kind == b'arc-seal' else 'ARC-Message-Signature'} i={instance}"
        value = next((v for i, (n, v) in headers if i == instance and n.lower() == kind), b"")
        verdict = _judge_failure(what, value, kind == b"arc-message-signature", arc, keys)
        if verdict[0] in (ArcOutcome.AMS_FAILED, ArcOutcome.SEAL_FAILED):
            return verdict
        undecided = undecided or verdict
    assert undecided is not None
    return undecided


def _judge_failure(what: str, value: bytes, is_ams: bool, arc: dkim.ARC,
                   keys: _KeyCache) -> tuple[ArcOutcome, str]:
    """Why one ARC signature did not verify: only a usable key and well-formed tags make it forged."""
    try:
        tags = parse_tag_value(value)
        algorithm = tags[b"a"].decode("ascii")
        domain, selector = tags[b"d"].decode("ascii"), tags[b"s"].decode("ascii")
        if is_ams:
            CanonicalizationPolicy.from_c_value(tags.get(b"c", b"relaxed/relaxed"))
    except (InvalidTagValueList, KeyError, UnicodeError, InvalidCanonicalizationPolicyError) as exc:
        return ArcOutcome.STRUCTURE, f"{what} is malformed ({exc.__class__.__name__})"
    key = keys.key(selector, domain)
    if key.problem is not None:
        return KEY_OUTCOMES[key.problem], f"{what} could not be checked: {key.reason}"
    refusal = key.refuses(algorithm, domain, None)
    if refusal is not None:
        return ArcOutcome.KEY_UNUSABLE, f"{what} could not be checked: {refusal}"
    if is_ams:
        outcome, part = _ams_part(arc, tags, keys)
        if outcome is ArcOutcome.MBOX_QUOTED:
            return outcome, f"{what}: {part}"
        return outcome, f"{what} does not verify with the key at {key.name}: {part}"
    return ArcOutcome.SEAL_FAILED, (f"{what} does not verify with the key at {key.name}: ARC header fields "
                                    "were changed, added or removed after sealing")


def _ams_part(arc: dkim.ARC, tags: dict[bytes, bytes], keys: _KeyCache) -> tuple[ArcOutcome, str]:
    """Which part of the newest ARC-Message-Signature broke: the body or a signed header field; and
    whether a body that does not match may only have been quoted by an mbox (then it is not forged)."""
    try:
        length = int(tags[b"l"]) if b"l" in tags else None
        algorithm, c_value = tags[b"a"].decode("ascii"), tags.get(b"c", b"relaxed/relaxed")
        declared = base64.b64decode(re.sub(rb"\s+", b"", tags[b"bh"]))
        matches = body_hash(arc.body, algorithm, c_value, length) == declared
        quoted = 0 if matches else quoted_from_lines(arc.body)
        if quoted and body_hash(unquote_from_lines(arc.body), algorithm, c_value, length) == declared:
            return ArcOutcome.AMS_FAILED, ("the body hash matches once the mbox's >From quoting is undone, so a "
                                           "signed header field was changed after the last sealer signed it")
    except (KeyError, ValueError, UnicodeError, InvalidCanonicalizationPolicyError):
        return ArcOutcome.AMS_FAILED, "the message was changed after the last sealer signed it"
    if matches:
        return ArcOutcome.AMS_FAILED, ("the body hash matches, so a signed header field was changed after the "
                                       "last sealer signed it")
    if quoted and _ams_headers_verify(arc, tags, keys) is not False:
        # As for DKIM: mboxo quoting cannot be undone exactly, so this body may be only the archive's doing.
        return ArcOutcome.MBOX_QUOTED, MBOX_QUOTED_REASON
    return ArcOutcome.AMS_FAILED, "the body hash does not match: the body was changed after the last sealer " \
        "signed it"


def _ams_headers_verify(arc: dkim.ARC, tags: dict[bytes, bytes], keys: _KeyCache) -> bool | None:
    """The newest ARC-Message-Signature over its signed header fields alone (None: could not be told).
    Without bh= in the tag dict dkimpy skips the body check, as in dkim_verify._headers_verify."""
    instance = b" i=" + tags.get(b"i", b"") + b";"
    raw = next(((n, v) for n, v in arc.headers if n.lower() == b"arc-message-signature" and instance in v.lower()),
               None)  # found as dkimpy finds it: the signature hashes itself as written
    if raw is None:
        return None
    sig = {k: v for k, v in tags.items() if k != b"bh"}
    sig.setdefault(b"c", b"relaxed/relaxed")  # dkimpy's ARC default, as in _ams_part
    include = [h.lower() for h in re.split(rb"\s*:\s*", tags[b"h"].strip())]
    try:
        return bool(arc.verify_sig(sig, include, raw, keys))
    except Exception:  # dkimpy and nacl raise many kinds: then the header part cannot be told
        return None
