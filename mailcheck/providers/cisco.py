"""Cisco Secure Email (IronPort), a gateway in front of mailboxes: providers.md §4 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

# Appliances carry customer names; only the cloud service's names are common to every customer.
_CLOUD = Name(".iphmx.com", cite("IDX-CI"), "cloud ESA names (esaN.<customer>.iphmx.com): unconfirmed")

PROFILE = Profile(
    name="cisco",
    title="Cisco Secure Email (IronPort)",
    kind="gateway",
    hops=(_CLOUD,),
    edge=(_CLOUD,),
    verdict_headers=(HeaderName("X-IronPort-", cite("CI-TN"), prefix=True),
                     HeaderName("X-Amp-", cite("CI-UG"), prefix=True),
                     HeaderName("X-IPAS-Result", cite("IDX-CI")),
                     HeaderName("IronPort-SDR", cite("IDX-CI"))),
    ar_position="none",
    ar_source=cite("CI-TN"),
)
