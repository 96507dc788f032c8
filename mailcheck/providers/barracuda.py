"""Barracuda (appliance, ESS, Email Gateway Defense): providers.md §4 (its host names are unconfirmed
there, so this profile names verdict headers only and never moves the trust boundary)."""

from mailcheck.providers.profile import HeaderName, Profile, cite

PROFILE = Profile(
    name="barracuda",
    title="Barracuda",
    kind="gateway",
    hops=(),
    edge=(),
    verdict_headers=(HeaderName("X-Barracuda-", cite("BA-UMD"), prefix=True),
                     HeaderName("X-BESS-", cite("IDX-BA"), prefix=True)),
    ar_position="none",
    ar_source=cite("BA-CU"),
)
