"""Trend Micro (IMSS/IMSVA, Email Security): providers.md §4 (host names unconfirmed there, so this
profile names verdict headers only and never moves the trust boundary)."""

from mailcheck.providers.profile import HeaderName, Profile, cite

PROFILE = Profile(
    name="trendmicro",
    title="Trend Micro Email Security",
    kind="gateway",
    hops=(),
    edge=(),
    verdict_headers=(HeaderName("X-TM-AS-", cite("TM-KA"), prefix=True),
                     HeaderName("X-TMASE-", cite("TM-ASE"), prefix=True),
                     HeaderName("X-imss-scan-details", cite("TM-KA"))),
    ar_position="none",
    ar_source=cite("TM-KA"),
)
