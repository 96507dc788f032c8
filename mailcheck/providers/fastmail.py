"""Fastmail: providers.md §3 and §7 (its hop names are unconfirmed there; the MX names are authserv-ids)."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_MX = Name(r"re:(phl-)?mx-?[0-9]+\.messagingengine\.com", cite("IDX-F1"),
           "mxN / phl-mx-NN.messagingengine.com: seen as authserv-ids; as hop names unconfirmed")

PROFILE = Profile(
    name="fastmail",
    title="Fastmail",
    kind="mailbox",
    hops=(_MX,),
    edge=(_MX,),
    authserv_ids=(_MX,),
    verdict_headers=(
        HeaderName("Authentication-Results", cite("IDX-F1")),
        HeaderName("X-Spam-hits", cite("SPS")),
    ),
    ar_position="either",  # unconfirmed in the reference
    ar_source=cite("IDX-F1"),
)
