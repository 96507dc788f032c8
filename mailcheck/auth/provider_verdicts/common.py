"""Typed SPF / DKIM / DMARC results shared by the provider decoders, and the words used to describe them."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.resinfo import Method
from mailcheck.lookup.domains import registrable_domain
from mailcheck.value_types import NamedTuple

ENFORCING = frozenset({"quarantine", "reject"})


def valid_ip(text: str | None) -> str | None:
    """The address in canonical form, or None for an empty, damaged or placeholder value
    (255.255.255.255 and 0.0.0.0 stand for "no address": FFAS `CIP:255.255.255.255` on
    internally submitted mail, observed in phishing-pot-dev)."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if address.is_unspecified or str(address) == "255.255.255.255":
        return None
    return str(address)


def _pairs(text: str) -> dict[str, str]:
    """`p=REJECT sp=NONE dis=NONE` (Google), `p=none dis=none` (Proton), `p=reject sp=… pct=100`
    (Microsoft's ARC A-R), comma separated forms (Fastmail `(p=…,d=…)`) → lower-case dict."""
    out: dict[str, str] = {}
    for word in text.replace(",", " ").replace(";", " ").split():
        key, eq, value = word.partition("=")
        if eq and key:
            out.setdefault(key.lower(), value.lower())
    return out


class DmarcPolicy(NamedTuple):
    """The policy a receiver wrote next to its DMARC result; None where it did not say."""

    p: str | None = None
    sp: str | None = None
    dis: str | None = None  # disposition applied (Google's `dis=`, providers.md §2.3)
    pct: str | None = None

    @classmethod
    def from_comments(cls, comments: Iterable[str]) -> DmarcPolicy:
        found: dict[str, str] = {}
        for comment in comments:
            for key, value in _pairs(comment).items():
                found.setdefault(key, value)
        return cls(found.get("p"), found.get("sp"), found.get("dis"), found.get("pct"))

    def applicable(self, header_from: str | None) -> str | None:
        """p for the organizational domain itself, sp (or p when sp is absent) for a sub-domain
        (RFC 7489 §6.3). Unknown From domain: p only when p and sp agree."""
        if self.sp is None or self.sp == self.p:
            return self.p
        domain = (header_from or "").strip().lower().rstrip(".")
        org = registrable_domain(domain) if domain else None
        if org is None:
            return None
        return self.p if org == domain else self.sp

    def sampled_out(self) -> bool:
        return self.pct is not None and self.pct.isdigit() and int(self.pct) < 100

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (("p", self.p), ("sp", self.sp), ("pct", self.pct),
                                         ("dis", self.dis)) if v is not None]
        return " ".join(parts)


class SpfRecord(NamedTuple):
    result: str
    mailfrom: str | None = None
    helo: str | None = None
    sender_ip: str | None = None  # from the comment ("sender IP is …", "designates … as"), validated
    comment: str | None = None

    @property
    def identity(self) -> str | None:
        return self.mailfrom or self.helo


class DkimRecord(NamedTuple):
    result: str
    domain: str | None = None  # header.d, or the domain of header.i
    selector: str | None = None
    comment: str | None = None


class DmarcRecord(NamedTuple):
    result: str
    header_from: str | None = None
    action: str | None = None  # Microsoft's action= (MS-HDR)
    policy: DmarcPolicy = DmarcPolicy()
    comment: str | None = None


def ip_in_comment(comment: str) -> str | None:
    """The sender address in a receiver's SPF comment: Microsoft `sender IP is <ip>` (MS-HDR; lower case
    `sender ip is` in its ARC A-R, providers.md §1.9), Google/Zoho `designates <ip> as`, `<ip> is neither
    permitted nor denied` (providers.md §2.3)."""
    words = comment.replace("(", " ").replace(")", " ").split()
    lower = [w.lower() for w in words]
    for i, word in enumerate(lower):
        if word == "is" and i >= 2 and lower[i - 2:i] == ["sender", "ip"]:
            return valid_ip(words[i + 1]) if i + 1 < len(words) else None
        if word in ("designates", "designate") and i + 1 < len(words):
            found = valid_ip(words[i + 1])
            if found:
                return found
        if word == "is" and i >= 1 and valid_ip(words[i - 1]) and lower[i + 1:i + 2] == ["neither"]:
            return valid_ip(words[i - 1])
    return None


def _comment(method: Method) -> str | None:
    return "; ".join(method.comments) or None


def spf_of(method: Method) -> SpfRecord:
    ip = next((found for c in method.comments if (found := ip_in_comment(c))), None)
    ip = ip or valid_ip(method.get("smtp.remote-ip") or method.get("smtp.client-ip"))
    return SpfRecord(method.result, method.get("smtp.mailfrom"), method.get("smtp.helo"), ip,
                     _comment(method))


def dkim_of(method: Method) -> DkimRecord:
    domain = method.get("header.d")
    if not domain:
        ident = method.get("header.i") or ""
        domain = ident.rpartition("@")[2] or None
    return DkimRecord(method.result, domain, method.get("header.s"), _comment(method))


def dmarc_of(method: Method) -> DmarcRecord:
    return DmarcRecord(method.result, method.get("header.from"), method.action,
                       DmarcPolicy.from_comments(method.comments), _comment(method))


def shown(value: str | None, empty: str = "(empty)") -> str:
    """A recorded value for a sentence: empty values are named, `none` and `<>` stay as written."""
    return value if value else empty


def spf_words(spf: SpfRecord) -> str:
    text = f"SPF {spf.result}"
    if spf.mailfrom is not None:
        text += f" for {shown(spf.mailfrom)}"
    elif spf.helo is not None:
        text += f" for HELO name {shown(spf.helo)}"
    if spf.sender_ip:
        text += f" from {spf.sender_ip}"
    return text


def dkim_words(dkim: DkimRecord) -> str:
    text = f"DKIM {dkim.result}"
    if dkim.domain and dkim.domain.lower() != "none":
        text += f" for {dkim.domain}"
    if dkim.comment:
        text += f" ({dkim.comment})"
    return text
