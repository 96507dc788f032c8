"""Mimecast, a gateway in front of mailboxes: providers.md §4 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_RELAY = Name("relay.mimecast.com", cite("IDX-MC"), "`by relay.mimecast.com with ESMTP id us-mta-NN-…`")

PROFILE = Profile(
    name="mimecast",
    title="Mimecast",
    kind="gateway",
    hops=(_RELAY,
          Name(r"re:[a-z]{2}-smtp-[0-9]+\.mimecast\.com", cite("IDX-MC"), "delivers to the customer, us-smtp-N")),
    edge=(_RELAY,),
    authserv_ids=(Name("relay.mimecast.com", cite("IDX-MC"), "outbound submission stamp (auth=pass)"),),
    verdict_headers=(HeaderName("X-Mimecast-", cite("IDX-MC"), prefix=True),
                     HeaderName("X-MC-Unique", cite("IDX-MC"))),
    ar_position="none",
    ar_source=cite("IDX-MC"),
)
