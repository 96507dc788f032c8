"""Test keys and signers: DKIM signatures and ARC sets made at test time over synthetic messages."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from pathlib import Path

import dkim
import nacl.encoding
import nacl.signing
from dkim.canonicalization import CanonicalizationPolicy
from dkim.crypto import HASH_ALGORITHMS, parse_pem_private_key

KEYS = Path(__file__).resolve().parents[1] / "data" / "dkim" / "keys"


@dataclass(frozen=True)
class KeyPair:
    kind: str  # "rsa" | "ed25519"
    private: bytes  # PEM (RSA) or base64 seed (ed25519), as dkimpy's signer wants
    public: str  # base64 p= value

    def record(self, **tags: str) -> str:
        """The TXT record publishing this key; extra tags (h=, t=, s=, …) come before p=."""
        extra = "".join(f"{k}={v}; " for k, v in tags.items())
        return f"v=DKIM1; k={self.kind}; {extra}p={self.public}"


def rsa_key(bits: int = 2048) -> KeyPair:
    public = (KEYS / f"rsa{bits}.pub").read_text().strip()
    return KeyPair("rsa", (KEYS / f"rsa{bits}.pem").read_bytes(), public)


def ed25519_key() -> KeyPair:
    signing = nacl.signing.SigningKey.generate()
    seed = signing.encode(encoder=nacl.encoding.Base64Encoder)
    public = signing.verify_key.encode(encoder=nacl.encoding.Base64Encoder).decode("ascii")
    return KeyPair("ed25519", seed, public)


def message(body: str = "Hello,\r\n\r\nthis is a test message.\r\n", *,
            from_: str = "Alice <alice@example.com>", extra_headers: str = "") -> bytes:
    """A small synthetic message with CRLF line ends."""
    return (
        f"From: {from_}\r\n"
        "To: Bob <bob@example.net>\r\n"
        "Subject: Test message\r\n"
        "Date: Mon, 06 Jan 2025 10:00:00 +0000\r\n"
        "Message-ID: <test-1@example.com>\r\n"
        f"{extra_headers}"
        "\r\n"
        f"{body}"
    ).encode()


def sign(raw: bytes, key: KeyPair, *, selector: str = "sel", domain: str = "example.com",
         algorithm: str | None = None,
         headers: tuple[str, ...] = ("from", "to", "subject", "date", "message-id"),
         canonicalize: str = "relaxed/simple", timestamp: int | None = None, expires: int | None = None,
         identity: str | None = None, length: int | None = None) -> bytes:
    """raw with a DKIM-Signature prepended. Builds the tag list itself (dkimpy's sign() cannot write x=)
    and lets dkimpy compute the signature over it."""
    algorithm = algorithm or ("ed25519-sha256" if key.kind == "ed25519" else "rsa-sha256")
    signer = dkim.DKIM(raw, signature_algorithm=algorithm.encode())
    policy = CanonicalizationPolicy.from_c_value(canonicalize.encode())
    body = policy.canonicalize_body(signer.body)
    if length is not None:
        body = body[:length]
    digest = HASH_ALGORITHMS[algorithm.encode()]()
    digest.update(body)
    fields = [
        (b"v", b"1"), (b"a", algorithm.encode()), (b"c", canonicalize.encode()), (b"d", domain.encode()),
        (b"s", selector.encode()), (b"t", str(timestamp or int(time.time())).encode()),
    ]
    if identity is not None:
        fields.append((b"i", identity.encode()))
    if expires is not None:
        fields.append((b"x", str(expires).encode()))
    if length is not None:
        fields.append((b"l", str(length).encode()))
    fields += [(b"h", b":".join(h.encode() for h in headers)), (b"bh", base64.b64encode(digest.digest())),
               (b"b", b"")]
    if key.kind == "ed25519":
        private = nacl.signing.SigningKey(key.private, encoder=nacl.encoding.Base64Encoder)
    else:
        private = parse_pem_private_key(key.private)
    signer.hasher = HASH_ALGORITHMS[algorithm.encode()]
    include = [h.encode() for h in headers]
    value: bytes = signer.gen_header(fields, include, policy, b"DKIM-Signature", private)
    return b"DKIM-Signature: " + value + raw


def arc_seal(raw: bytes, key: KeyPair, *, domain: str = "lists.example.org", selector: str = "arc",
             authserv_id: str = "lists.example.org",
             results: str = "dkim=pass header.d=example.com") -> bytes:
    """raw with one more ARC set, sealed the way an intermediary does: it first records its own
    Authentication-Results (which the ARC-Authentication-Results copies), then seals."""
    if b"ARC-Seal" in raw and "arc=" not in results:
        results = f"arc=pass; {results}"
    with_ar = f"Authentication-Results: {authserv_id}; {results}\r\n".encode() + raw
    headers = dkim.arc_sign(with_ar, selector.encode(), domain.encode(), key.private, authserv_id.encode(),
                            timestamp=int(time.time()))
    return b"".join(headers) + with_ar
