"""Apple iCloud: providers.md §3 and §7 (the internal hop above the edge is unnamed there)."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_EDGE = Name(".me.com", cite("IDX-I1"), "`by <host>.me.com (Postfix) with ESMTPS`, e.g. st43p00im-qukt05021701.me.com")

PROFILE = Profile(
    name="icloud",
    title="Apple iCloud",
    kind="mailbox",
    hops=(_EDGE,),
    edge=(_EDGE,),
    authserv_ids=tuple(Name(n, cite("IDX-I1")) for n in (
        "bimi.icloud.com", "arc.icloud.com", "dmarc.icloud.com", "dkim-verifier.icloud.com", "spf.icloud.com")),
    verdict_headers=(
        HeaderName("Authentication-Results", cite("IDX-I1")),
        HeaderName("Received-SPF", cite("IDX-I1")),
        HeaderName("X-ICL-SCORE", cite("IDX-I1")),
        HeaderName("X-ICL-INFO", cite("IDX-I1")),
        HeaderName("X-ARC-Info", cite("IDX-I1")),
        HeaderName("X-DMARC-Info", cite("IDX-I1")),
        HeaderName("X-DMARC-Policy", cite("IDX-I1")),
        HeaderName("X-Apple-MoveToFolder", cite("IDX-I1")),
        HeaderName("X-Apple-Action", cite("IDX-I1")),
    ),
    ar_position="below",
    ar_source=cite("IDX-I1"),
)
