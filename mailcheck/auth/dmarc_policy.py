"""DMARC policy records (RFC 7489 §6.3): parsing, discovery at the From and organizational domain,
and which of p=, sp= or np= (RFC 9091) applies to the From domain."""

from __future__ import annotations

from mailcheck.auth.dmarc_result import DmarcOutcome, DmarcPolicy
from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

POLICIES = ("none", "quarantine", "reject")  # weakest first
_VERSION = lazy_compile(r"^\s*v\s*=\s*DMARC1\s*(;|$)")


def is_dmarc_record(text: str) -> bool:
    return bool(_VERSION.match(text))


def parse_record(domain: str, text: str) -> DmarcPolicy | str:
    """A DMARC record, or why it cannot be used (RFC 7489 §6.3, §6.6.3 step 6)."""
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            return f"the record has a part without '=' ({part.strip()!r})"
        tags.setdefault(key.strip().lower(), value.strip())
    notes: list[str] = []
    p = tags.get("p", "").lower()
    sp = tags.get("sp", "").lower() or None
    if p not in POLICIES or (sp is not None and sp not in POLICIES):
        # §6.6.3: with a valid rua=, act as if p=none; otherwise no DMARC processing at all.
        if not any(":" in uri for uri in tags.get("rua", "").split(",")):
            bad = ("p=" + tags["p"] if "p" in tags else "no p=") if p not in POLICIES else "sp=" + tags["sp"]
            return f"the record has {bad} and no rua=: it is not usable"
        notes.append("p= or sp= is invalid; with rua= present RFC 7489 §6.6.3 says to act as if p=none")
        p, sp = "none", None
    np = tags.get("np", "").lower() or None
    if np is not None and np not in POLICIES:
        notes.append(f"np={tags['np']} is not a policy and was ignored")
        np = None
    modes = {}
    for tag in ("adkim", "aspf"):
        mode = tags.get(tag, "r").lower()
        if mode not in ("r", "s"):
            notes.append(f"{tag}={tags[tag]} is invalid; relaxed (r) was used")
            mode = "r"
        modes[tag] = mode
    pct_text = tags.get("pct", "100")
    pct = int(pct_text) if pct_text.isdigit() and int(pct_text) <= 100 else 100
    if not pct_text.isdigit() or int(pct_text) > 100:
        notes.append(f"pct={pct_text} is invalid; 100 was used")
    return DmarcPolicy(domain, text, p, sp, np, modes["adkim"], modes["aspf"], pct, tuple(notes))


# -- discovery -------------------------------------------------------------------------------------


class Discovery(NamedTuple):
    policy: DmarcPolicy | None
    failure: tuple[DmarcOutcome, str] | None  # NOT_RUN / DNS_FAILURE / POLICY_ERROR with the reason
    lookups: tuple[DnsAnswer, ...]


def discover(from_domain: str, org_domain: str, dns: DnsClient) -> Discovery:
    """RFC 7489 §6.6.3: _dmarc.<From domain>, then _dmarc.<organizational domain>."""
    lookups: list[DnsAnswer] = []
    for domain in dict.fromkeys((from_domain, org_domain)):
        answer = dns.query(f"_dmarc.{domain}", "TXT")
        lookups.append(answer)
        if answer.status is DnsStatus.OFFLINE:
            return Discovery(None, (DmarcOutcome.NOT_RUN, "the DMARC policy was not looked up (offline)"),
                              tuple(lookups))
        if not answer.answered:
            why = f"the DMARC policy lookup for _dmarc.{domain} failed ({answer.status.value})"
            return Discovery(None, (DmarcOutcome.DNS_FAILURE, why), tuple(lookups))
        records = [r for r in answer.records if is_dmarc_record(r)]
        if len(records) > 1:
            why = f"_dmarc.{domain} has {len(records)} DMARC records, so none applies (RFC 7489 §6.6.3)"
            return Discovery(None, (DmarcOutcome.POLICY_ERROR, why), tuple(lookups))
        if records:
            parsed = parse_record(domain, records[0])
            if isinstance(parsed, str):
                failure = (DmarcOutcome.POLICY_ERROR, f"_dmarc.{domain}: {parsed}")
                return Discovery(None, failure, tuple(lookups))
            return Discovery(parsed, None, tuple(lookups))
    return Discovery(None, None, tuple(lookups))


def domain_exists(domain: str, dns: DnsClient) -> tuple[bool | None, list[DnsAnswer]]:
    """RFC 9091 §2.7: a domain does not exist when A, AAAA and MX all answer NXDOMAIN or no data."""
    answers = []
    for rdtype in ("A", "AAAA", "MX"):
        answer = dns.query(domain, rdtype)
        answers.append(answer)
        if answer.status is DnsStatus.OK:
            return True, answers
    if all(a.answered for a in answers):
        return False, answers
    return None, answers


def applicable(policy: DmarcPolicy, from_domain: str,
                dns: DnsClient) -> tuple[str, str, list[str], list[DnsAnswer]]:
    """(tag, disposition, notes, extra lookups) for the From domain under this policy."""
    if policy.domain == from_domain:
        return "p", policy.p, [], []
    tag, disposition = ("sp", policy.sp) if policy.sp else ("p", policy.p)
    if policy.np is None or policy.np == disposition:
        return tag, disposition, [], []
    exists, answers = domain_exists(from_domain, dns)
    if exists is False:
        return "np", policy.np, [f"{from_domain} does not exist (no A, AAAA or MX), so np= applies"], answers
    if exists is True:
        return tag, disposition, [], answers
    weaker = min((policy.np, disposition), key=POLICIES.index)
    note = (f"whether {from_domain} exists could not be learnt (DNS failure), so the weaker of "
            f"np={policy.np} and {tag}={disposition} was used")
    return ("np" if weaker == policy.np else tag), weaker, [note], answers


