"""DKIM public-key records (RFC 6376 §3.6): fetched through our DNS layer, parsed, judged usable or not."""

from __future__ import annotations

import binascii
import re
from enum import Enum

import dkim
from dkim.util import InvalidTagValueList, parse_tag_value

from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

# RFC 8301 §3.2: verifiers MUST NOT consider signatures made with RSA keys under 1024 bits valid.
MIN_RSA_BITS = 1024
# The key comes from DNS the sender controls, and RSA verification costs grow with the modulus and the
# exponent: a 16384-bit key with a 16384-bit exponent took ~14 s per signature. RFC 8301 §3.2 asks
# verifiers to accept 1024 to 4096 bits; 8192 leaves room above that for any honest signer.
MAX_RSA_BITS = 8192
# Signers use e = 65537; FIPS 186-4 §B.3.1 allows at most 2^256. Checking costs one modular squaring per
# exponent bit, so a bound of 256 bits keeps every conforming key cheap to check and refuses none of them.
MAX_RSA_EXPONENT = 2**256
KEY_TYPES = ("rsa", "ed25519")  # k= values this verifier knows (RFC 6376 §3.6.1, RFC 8463)
_LABEL = lazy_compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


class KeyProblem(str, Enum):
    """Why a key record cannot (fully) be used. None of these says anything about the signature."""

    NOT_RUN = "not-run"  # offline / replay without this question
    NO_KEY = "no-key"  # NXDOMAIN or no TXT record at the selector
    DNS_FAILURE = "dns-failure"  # timeout, SERVFAIL, refused, budget
    REVOKED = "key-revoked"  # p= empty (RFC 6376 §3.6.1)
    INVALID = "key-invalid"  # not a parsable key record / key data
    UNSUPPORTED_VERSION = "unsupported-key-version"  # v= other than DKIM1
    UNSUPPORTED_TYPE = "unsupported-key-type"  # k= other than rsa / ed25519
    NOT_FOR_EMAIL = "key-not-for-email"  # s= service types without email or *
    TOO_SMALL = "key-too-small"  # RSA under 1024 bits (RFC 8301 §3.2); still parsed, for evidence
    TOO_LARGE = "key-too-large"  # modulus or exponent too large to check in bounded time; not used at all


class DkimKey(NamedTuple):
    """The key published at <selector>._domainkey.<domain>, or why there is none to use."""

    name: str
    answer: DnsAnswer | None  # None when the name itself is not a valid DNS name
    problem: KeyProblem | None
    reason: str  # why the key is unusable, or a short description of it
    record: str | None = None  # the TXT record chosen (strings joined)
    key_type: str | None = None  # "rsa" | "ed25519"
    bits: int | None = None
    hashes: tuple[str, ...] | None = None  # h= acceptable hash algorithms; None = any
    flags: tuple[str, ...] = ()  # t= flags: "y" testing, "s" strict identity
    dkimpy_record: bytes | None = None  # what dkimpy's dnsfunc must return (s= already applied)

    @property
    def usable(self) -> bool:
        return self.problem is None

    @property
    def parsed(self) -> bool:
        """The key material could be read, so a signature can be checked against it (maybe for evidence)."""
        return self.dkimpy_record is not None

    @property
    def testing(self) -> bool:
        return "y" in self.flags

    def describe(self) -> str:
        """Evidence: the lookup as asked, with the key data shortened."""
        if self.answer is None:
            return f"no key lookup: {self.reason}"
        if self.answer.status is not DnsStatus.OK or self.record is None:
            return self.answer.describe()
        shown = re.sub(r"(p=\s*[A-Za-z0-9+/]{12})[A-Za-z0-9+/=\s]+", r"\1…", self.record)
        size = f" ({self.bits}-bit {self.key_type} key)" if self.bits and self.key_type else ""
        return f"TXT {self.name}: {shown}{size}"

    def refuses(self, algorithm: str, domain: str, identity: str | None) -> str | None:
        """Why this key may not verify a signature with these a=, d= and i= (RFC 6376 §3.6.1), or None."""
        wanted_type = "ed25519" if algorithm.startswith("ed25519-") else "rsa"
        if self.key_type != wanted_type:
            return f"the key is k={self.key_type} but the signature uses a={algorithm} (RFC 6376 §6.1.2)"
        digest = algorithm.rsplit("-", 1)[-1]
        if self.hashes is not None and digest not in self.hashes:
            return f"the key allows only h={':'.join(self.hashes)}, the signature uses {digest}"
        if "s" in self.flags and identity is not None:
            # t=s: the i= domain must be exactly d=, not a subdomain (RFC 6376 §3.6.1).
            i_domain = identity.rsplit("@", 1)[-1].lower()
            if i_domain != domain.lower():
                return f"the key has t=s, so i= must be in exactly {domain}, not {i_domain}"
        return None


def key_name(selector: str, domain: str) -> str | None:
    """<selector>._domainkey.<domain> as an ASCII DNS name, or None when it cannot be one."""
    try:
        name = f"{selector}._domainkey.{domain}".rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        return None
    return name.lower()


def _tags(record: str) -> dict[str, str] | None:
    try:
        parsed = parse_tag_value(record.encode("utf-8", "surrogateescape"))
    except InvalidTagValueList:
        return None
    return {k.decode("ascii", "replace"): v.decode("utf-8", "replace") for k, v in parsed.items()}


def _listed(value: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in value.split(":") if v.strip())


def fetch_key(dns: DnsClient, selector: str, domain: str) -> DkimKey:
    """Ask our DNS layer for the key and judge it. Never raises."""
    name = key_name(selector, domain)
    if name is None:
        return DkimKey(f"{selector}._domainkey.{domain}", None, KeyProblem.INVALID,
                       f"s={selector} d={domain} do not form a valid DNS name")
    answer = dns.query(name, "TXT")
    if answer.status is DnsStatus.OFFLINE:
        return DkimKey(name, answer, KeyProblem.NOT_RUN, "the key was not looked up (offline)")
    if answer.status in (DnsStatus.NXDOMAIN, DnsStatus.NODATA):
        what = "does not exist" if answer.status is DnsStatus.NXDOMAIN else "has no TXT record"
        return DkimKey(name, answer, KeyProblem.NO_KEY, f"{name} {what}: no key is published there")
    if not answer.answered:
        why = f"the key lookup failed ({answer.status.value}); this says nothing about the signature"
        return DkimKey(name, answer, KeyProblem.DNS_FAILURE, why)
    return _judge(name, answer)


def _judge(name: str, answer: DnsAnswer) -> DkimKey:
    # RFC 6376 §3.6.2.2 lets a verifier pick one of several records; take the first that is a key record.
    candidates = [(r, t) for r in answer.records if (t := _tags(r)) is not None and "p" in t]
    if not candidates:
        return DkimKey(name, answer, KeyProblem.INVALID, f"no TXT record at {name} is a DKIM key record",
                       record=answer.records[0] if answer.records else None)
    record, tags = candidates[0]

    def problem(kind: KeyProblem, why: str) -> DkimKey:
        return DkimKey(name, answer, kind, why, record=record)

    if "v" in tags and tags["v"] != "DKIM1":
        return problem(KeyProblem.UNSUPPORTED_VERSION, f"the key record has v={tags['v']}, not DKIM1")
    if not re.sub(r"\s+", "", tags["p"]):
        return problem(KeyProblem.REVOKED, f"the key at {name} is revoked (empty p=)")
    key_type = tags.get("k", "rsa").lower()
    if key_type not in KEY_TYPES:
        return problem(KeyProblem.UNSUPPORTED_TYPE, f"the key type k={key_type} is not supported")
    services = _listed(tags.get("s", "*"))
    if "*" not in services and "email" not in services:
        return problem(KeyProblem.NOT_FOR_EMAIL, f"the key is for s={tags['s']}, not email")
    # dkimpy mishandles s= lists, and we have applied s= above: hand it the record without s=.
    kept = {k: v for k, v in tags.items() if k != "s"}
    dkimpy_record = "; ".join(f"{k}={v}" for k, v in kept.items()).encode("utf-8", "surrogateescape")
    try:
        pk, bits, _ktag, _tlsrpt = dkim.evaluate_pk(name.encode("ascii"), dkimpy_record)
    except (dkim.DKIMException, binascii.Error, ValueError, TypeError) as exc:
        why = f"the key data at {name} cannot be read ({exc.__class__.__name__})"
        return problem(KeyProblem.INVALID, why)
    if pk is None:
        return problem(KeyProblem.INVALID, f"the key data at {name} cannot be read")
    too_large = _too_large(pk) if key_type == "rsa" else None
    if too_large is not None:
        return problem(KeyProblem.TOO_LARGE, f"key too large to check: {too_large}")._replace(
            key_type=key_type, bits=bits)
    hashes = _listed(tags["h"]) if "h" in tags else None
    flags = _listed(tags.get("t", ""))
    key = DkimKey(name, answer, None, f"{bits}-bit {key_type} key", record, key_type, bits, hashes, flags,
                  dkimpy_record)
    if key_type == "rsa" and bits < MIN_RSA_BITS:
        why = f"the RSA key has {bits} bits; RFC 8301 §3.2 forbids trusting keys under {MIN_RSA_BITS} bits"
        return key._replace(problem=KeyProblem.TOO_SMALL, reason=why)
    return key


def _too_large(pk: object) -> str | None:
    """Why an RSA key is too costly to verify with (MAX_RSA_BITS, MAX_RSA_EXPONENT), or None."""
    modulus = pk.get("modulus", 0) if isinstance(pk, dict) else 0
    exponent = pk.get("publicExponent", 0) if isinstance(pk, dict) else 0
    if modulus.bit_length() > MAX_RSA_BITS:
        return (f"the RSA modulus has {modulus.bit_length()} bits, more than the {MAX_RSA_BITS} this verifier "
                "checks (RFC 8301 §3.2 asks for 1024 to 4096)")
    if exponent > MAX_RSA_EXPONENT:
        return (f"the RSA public exponent has {exponent.bit_length()} bits; FIPS 186-4 allows at most 2^256 "
                "(signers use 65537)")
    return None
