"""Verify every DKIM-Signature (RFC 6376, RFC 8463) with dkimpy, telling forged from "could not check"."""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import dkim
from dkim.canonicalization import CanonicalizationPolicy, InvalidCanonicalizationPolicyError
from dkim.crypto import HASH_ALGORITHMS
from dkim.util import InvalidTagValueList, parse_tag_value

from mailcheck.auth.dkim_key import DkimKey, KeyProblem, fetch_key
from mailcheck.lookup.contract import DnsClient
from mailcheck.model import Basis, Label
from mailcheck.parse.message import Message

# dkimpy logs what it rejects; we classify outcomes ourselves, so its log stays quiet.
_LOG = logging.getLogger("mailcheck.dkimpy")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False

ALGORITHMS = ("rsa-sha256", "ed25519-sha256", "rsa-sha1")  # a= values dkimpy can compute
REQUIRED_TAGS = ("v", "a", "b", "bh", "d", "h", "s")  # RFC 6376 §3.5


class DkimOutcome(str, Enum):
    """What became of one signature. Only the first three are decisions about the signature itself."""

    VERIFIED = "verified"
    BODY_HASH_MISMATCH = "body-hash-mismatch"  # the body is not what was signed
    SIGNATURE_MISMATCH = "signature-mismatch"  # the signed header fields are not what was signed
    MBOX_QUOTED = "body-hash-mismatch-mbox-quoted"  # no match, but an mbox's >From quoting may be why
    NOT_RUN = "not-run"  # offline: the key was not fetched
    NO_KEY = "no-key"
    DNS_FAILURE = "dns-failure"
    KEY_REVOKED = "key-revoked"
    KEY_INVALID = "key-invalid"
    KEY_TOO_SMALL = "key-too-small"  # RFC 8301 §3.2
    KEY_INAPPROPRIATE = "key-inappropriate"  # k=/h=/t=s/s= of the key do not allow this signature
    RSA_SHA1 = "rsa-sha1-forbidden"  # RFC 8301 §3.1
    UNSUPPORTED_ALGORITHM = "unsupported-algorithm"
    UNSUPPORTED_VERSION = "unsupported-version"
    UNSUPPORTED_TAG = "unsupported-tag"  # c= or q= this verifier does not implement
    EXPIRED = "expired"  # x= is before the analysis clock
    TESTING = "testing-mode"  # failed, but the key says t=y (RFC 6376 §3.6.1: treat as unsigned)
    SYNTAX = "syntax-error"
    ERROR = "verifier-error"


_FORGED = (Label.FORGED, Basis.CHECKED)
_UNDECIDED = (Label.UNVERIFIABLE, Basis.UNDECIDED)

# The one table from outcome to label (DESIGN §2); tests/test_dkim_table.py proves it complete.
OUTCOME_LABELS: dict[DkimOutcome, tuple[Label, Basis]] = {
    DkimOutcome.VERIFIED: (Label.VALIDATED, Basis.CHECKED),
    DkimOutcome.BODY_HASH_MISMATCH: _FORGED,
    DkimOutcome.SIGNATURE_MISMATCH: _FORGED,
    DkimOutcome.MBOX_QUOTED: _UNDECIDED,  # the archive may have changed the body, not an attacker
    DkimOutcome.NOT_RUN: (Label.UNVERIFIABLE, Basis.NOT_RUN),
    DkimOutcome.NO_KEY: _UNDECIDED,
    DkimOutcome.DNS_FAILURE: _UNDECIDED,
    DkimOutcome.KEY_REVOKED: _UNDECIDED,
    DkimOutcome.KEY_INVALID: _UNDECIDED,
    DkimOutcome.KEY_TOO_SMALL: _UNDECIDED,
    DkimOutcome.KEY_INAPPROPRIATE: _UNDECIDED,
    DkimOutcome.RSA_SHA1: _UNDECIDED,
    DkimOutcome.UNSUPPORTED_ALGORITHM: _UNDECIDED,
    DkimOutcome.UNSUPPORTED_VERSION: _UNDECIDED,
    DkimOutcome.UNSUPPORTED_TAG: _UNDECIDED,
    DkimOutcome.EXPIRED: _UNDECIDED,
    DkimOutcome.TESTING: _UNDECIDED,
    DkimOutcome.SYNTAX: _UNDECIDED,
    DkimOutcome.ERROR: _UNDECIDED,
}

# Failures that are facts about the signature itself and cannot change with DNS or time: DMARC may
# rely on them. Key problems, expiry and DNS failures may all be the key having rotated since receipt;
# MBOX_QUOTED may be the archive's doing.
SETTLED_FAILURES = frozenset({
    DkimOutcome.BODY_HASH_MISMATCH, DkimOutcome.SIGNATURE_MISMATCH, DkimOutcome.RSA_SHA1,
    DkimOutcome.UNSUPPORTED_ALGORITHM, DkimOutcome.UNSUPPORTED_VERSION, DkimOutcome.UNSUPPORTED_TAG,
    DkimOutcome.SYNTAX,
})

KEY_OUTCOMES: dict[KeyProblem, DkimOutcome] = {
    KeyProblem.NOT_RUN: DkimOutcome.NOT_RUN,
    KeyProblem.NO_KEY: DkimOutcome.NO_KEY,
    KeyProblem.DNS_FAILURE: DkimOutcome.DNS_FAILURE,
    KeyProblem.REVOKED: DkimOutcome.KEY_REVOKED,
    KeyProblem.INVALID: DkimOutcome.KEY_INVALID,
    KeyProblem.UNSUPPORTED_VERSION: DkimOutcome.UNSUPPORTED_VERSION,
    KeyProblem.UNSUPPORTED_TYPE: DkimOutcome.UNSUPPORTED_ALGORITHM,
    KeyProblem.NOT_FOR_EMAIL: DkimOutcome.KEY_INAPPROPRIATE,
    KeyProblem.TOO_SMALL: DkimOutcome.KEY_TOO_SMALL,
}

# dkimpy's exception vocabulary, should one escape its header verification; most specific first.
DKIMPY_EXCEPTIONS: tuple[tuple[type[Exception], DkimOutcome], ...] = (
    (dkim.DnsTimeoutError, DkimOutcome.DNS_FAILURE),
    (dkim.KeyFormatError, DkimOutcome.KEY_INVALID),
    (dkim.UnknownKeyTypeError, DkimOutcome.UNSUPPORTED_ALGORITHM),
    (dkim.MessageFormatError, DkimOutcome.SYNTAX),
    (dkim.ValidationError, DkimOutcome.SYNTAX),
    (dkim.ParameterError, DkimOutcome.SYNTAX),
    (dkim.NaClNotFoundError, DkimOutcome.ERROR),
    (dkim.AuthresNotFoundError, DkimOutcome.ERROR),
    (dkim.InternalError, DkimOutcome.ERROR),
    (dkim.DKIMException, DkimOutcome.ERROR),
)


def outcome_for_exception(exc: Exception) -> DkimOutcome:
    for kind, outcome in DKIMPY_EXCEPTIONS:
        if isinstance(exc, kind):
            return outcome
    return DkimOutcome.ERROR


@dataclass(frozen=True)
class DkimResult:
    """One DKIM-Signature, index N in header order (the field dkim[N]), and what became of it."""

    index: int
    outcome: DkimOutcome
    reason: str  # one sentence: why this outcome
    domain: str = ""  # d=
    selector: str = ""  # s=
    algorithm: str = ""  # a=
    identity: str | None = None  # i=
    signed_headers: tuple[str, ...] = ()  # h=, lower-cased, in order
    body_matched: bool | None = None  # None: not computed
    mbox_unquoted: bool = False  # the body hash matched only once the mbox's >From quoting was undone
    headers_matched: bool | None = None  # None: not checked (no usable key)
    key: DkimKey | None = None
    timestamp: int | None = None  # t=
    expires: int | None = None  # x=
    body_length: int | None = None  # l=
    b_prefix: str = ""  # first characters of b=, to match Authentication-Results header.b (RFC 6008)
    notes: tuple[str, ...] = field(default=())  # further evidence sentences

    @property
    def label(self) -> Label:
        return OUTCOME_LABELS[self.outcome][0]

    @property
    def basis(self) -> Basis:
        return OUTCOME_LABELS[self.outcome][1]

    @property
    def passed(self) -> bool:
        return self.outcome is DkimOutcome.VERIFIED

    @property
    def settled(self) -> bool:
        """Passed, or failed for a reason no later DNS answer or clock could change."""
        return self.passed or self.outcome in SETTLED_FAILURES

    def value(self) -> str:
        if not self.domain:
            return "unreadable DKIM-Signature"
        return f"d={self.domain} s={self.selector} a={self.algorithm}"


def signed_bytes(message: Message) -> bytes:
    """The bytes the signer signed: the raw message without the mbox "From " line an MDA put first."""
    if message.mbox_from is None:
        return message.raw
    return message.raw[message.raw.find(b"\n") + 1:]


# RFC 4155: mbox writers quote body lines starting "From " as ">From " (mboxo), and mboxrd writers also
# add a ">" to lines already starting ">From" (">From " → ">>From "). The DKIM body is CRLF-separated.
_QUOTED_FROM = re.compile(rb"^>+From ", re.MULTILINE)
_ONE_LEVEL = re.compile(rb"^>(>*From )", re.MULTILINE)


def quoted_from_lines(body: bytes) -> int:
    """How many body lines start with ">From ", ">>From ", …: lines an mbox writer may have quoted."""
    return len(_QUOTED_FROM.findall(body))


def unquote_from_lines(body: bytes) -> bytes:
    """The body with one level of mbox >From quoting removed (exact for mboxrd; for mboxo only when the
    original had no ">From " lines of its own, which mboxo leaves unquoted and so cannot be told apart)."""
    return _ONE_LEVEL.sub(rb"\1", body)


def unquoted_bytes(message: Message) -> bytes | None:
    """signed_bytes(message) with one level of >From quoting removed from the body; None when the body has
    no >From lines (then there is nothing to undo, mbox "From " separator line or not)."""
    signed = signed_bytes(message)
    cut = message.header_end - (len(message.raw) - len(signed))  # header_end counts the From line
    body = signed[cut:]
    if not _QUOTED_FROM.search(body):
        return None
    return signed[:cut] + unquote_from_lines(body)


def body_hash(body: bytes, algorithm: str, c_value: bytes, length: int | None) -> bytes:
    """RFC 6376 §3.7 body hash, with dkimpy's canonicalization (so it agrees with dkimpy's own check)."""
    canonical = CanonicalizationPolicy.from_c_value(c_value).canonicalize_body(body)
    if length is not None:
        canonical = canonical[:length]
    digest = HASH_ALGORITHMS[algorithm.encode("ascii")]()
    digest.update(canonical)
    result: bytes = digest.digest()
    return result


def verify_all(message: Message, dns: DnsClient, now: datetime | None = None) -> tuple[DkimResult, ...]:
    """Verify every DKIM-Signature of the message in header order. Never raises."""
    count = len(message.index_of("DKIM-Signature"))
    if not count:
        return ()
    moment = now or datetime.now(UTC)
    clock = int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())  # naive means UTC
    try:
        signer = dkim.DKIM(signed_bytes(message), logger=_LOG, minkey=0)  # RFC 8301 is applied here
    except dkim.DKIMException as exc:
        why = f"the header block cannot be parsed for DKIM ({exc})"
        return tuple(DkimResult(i, DkimOutcome.SYNTAX, why) for i in range(count))
    headers = [(n, v) for n, v in signer.headers if n.lower() == b"dkim-signature"]
    if len(headers) != count:
        why = "the DKIM verifier and mailcheck's parser disagree on the header block"
        return tuple(DkimResult(i, DkimOutcome.ERROR, why) for i in range(count))
    return tuple(_Verifier(signer, i, header, dns, clock).run() for i, header in enumerate(headers))


class _Verifier:
    """One signature's verification, step by step in RFC 6376 §6.1 order."""

    def __init__(self, signer: dkim.DKIM, index: int, header: tuple[bytes, bytes], dns: DnsClient,
                 clock: int) -> None:
        self.signer = signer
        self.index = index
        self.header = header
        self.dns = dns
        self.clock = clock
        self.partial = DkimResult(index, DkimOutcome.ERROR, "")  # filled in as the steps learn more
        self.notes: list[str] = []
        self.quoted = 0  # body lines starting >From, counted only when the body hash does not match

    def learn(self, **values: Any) -> None:
        self.partial = replace(self.partial, **values)

    def done(self, outcome: DkimOutcome, reason: str) -> DkimResult:
        return replace(self.partial, outcome=outcome, reason=reason, notes=tuple(self.notes))

    def run(self) -> DkimResult:
        try:
            tags = parse_tag_value(self.header[1])
        except InvalidTagValueList as exc:
            return self.done(DkimOutcome.SYNTAX, f"the tag list cannot be parsed ({exc.__class__.__name__})")
        text = {k.decode("ascii", "replace"): v.decode("utf-8", "replace") for k, v in tags.items()}
        self._remember(text)
        problem = _tag_problem(tags, text)
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
        body = self.signer.body
        matched = body_hash(body, text["a"], c_value, length) == declared
        if not matched:
            # Mail read from an mbox (or copied out of one) may have had "From " lines quoted by the
            # writer; that change is the archive's, so undo one level before calling the body changed.
            self.quoted = quoted_from_lines(body)
            unquoted = unquote_from_lines(body) if self.quoted else body
            if self.quoted and body_hash(unquoted, text["a"], c_value, length) == declared:
                body, matched = unquoted, True
                self.learn(mbox_unquoted=True)
                self.notes.append(_unquoted_sentence(self.quoted))
        if length is not None:
            rest = len(CanonicalizationPolicy.from_c_value(c_value).canonicalize_body(body)) - length
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
            self.notes.append(f"the signature over the signed header fields verifies; {_lines(self.quoted)} "
                              "with >From, and removing one level of quoting does not make the body hash match "
                              "either. Either the body was changed after signing, or the original already had "
                              "lines starting >From, which an mboxo writer leaves as they are, so which lines it "
                              "quoted cannot be told")
            return self.done(DkimOutcome.MBOX_QUOTED, MBOX_QUOTED_REASON)
        # mbox quoting never touches header fields, so a header signature that fails is still forged.
        return self.done(DkimOutcome.SIGNATURE_MISMATCH if not headers_ok else DkimOutcome.BODY_HASH_MISMATCH,
                         crypto)


MBOX_QUOTED_REASON = ("the body hash does not match, but the body has >From lines that an mbox may have quoted "
                      "(mboxo quoting cannot be undone exactly)")


def _lines(count: int) -> str:
    return "1 line of the body starts" if count == 1 else f"{count} lines of the body start"


def _unquoted_sentence(count: int) -> str:
    return (f"the body hash matches only once the mbox's >From quoting is undone: {_lines(count)} with >From "
            "(an mbox writer turns \"From \" at the start of a line into \">From \", and mboxrd also \">From\" "
            "into \">>From\"); with one \">\" removed from each, the body is exactly what was signed. That "
            "quoting is what an mbox archive does to a message, not a change to its content")


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


def _tag_problem(tags: dict[bytes, bytes], text: dict[str, str]) -> tuple[DkimOutcome, str] | None:
    """RFC 6376 §6.1.1 checks, most specific reason first."""
    if "v" in text and text["v"] != "1":
        return DkimOutcome.UNSUPPORTED_VERSION, f"v={text['v']} is not a DKIM version this verifier knows"
    missing = [t for t in REQUIRED_TAGS if t not in text]
    if missing:
        return DkimOutcome.SYNTAX, "required tag(s) missing: " + ", ".join(f"{t}=" for t in missing)
    if text["a"] not in ALGORITHMS:
        return DkimOutcome.UNSUPPORTED_ALGORITHM, f"the algorithm a={text['a']} is not supported"
    try:
        CanonicalizationPolicy.from_c_value(tags.get(b"c", b"simple/simple"))
    except InvalidCanonicalizationPolicyError:
        return DkimOutcome.UNSUPPORTED_TAG, f"the canonicalization c={text.get('c')} is not supported"
    if "q" in text and "dns/txt" not in [q.strip().lower() for q in text["q"].split(":")]:
        return DkimOutcome.UNSUPPORTED_TAG, f"the key query method q={text['q']} is not supported"
    if "from" not in [h.strip().lower() for h in text["h"].split(":")]:
        return DkimOutcome.SYNTAX, "h= does not include From, which RFC 6376 §6.1.1 requires"
    for tag in ("t", "x"):
        if tag in text and not text[tag].isdigit():
            return DkimOutcome.SYNTAX, f"{tag}={text[tag]} is not a number"
    if "t" in text and "x" in text and int(text["x"]) <= int(text["t"]):
        return DkimOutcome.SYNTAX, "x= is not after t= (RFC 6376 §3.5)"
    # dkimpy checks the rest of the syntax (b=/bh= base64, i= under d=, l=); its time checks use the real
    # clock, so t= and x= (checked above against the analysis clock) and q= (lists allowed) stay out.
    rest = {k: v for k, v in tags.items() if k not in (b"t", b"x", b"q")}
    try:
        dkim.validate_signature_fields(rest)
    except dkim.DKIMException as exc:
        return DkimOutcome.SYNTAX, str(exc)
    try:
        base64.b64decode(re.sub(rb"\s+", b"", tags[b"bh"]), validate=True)
    except ValueError:
        return DkimOutcome.SYNTAX, "bh= is not valid base64"
    return None
