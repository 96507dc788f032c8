"""Zoho Mail: providers.md §3 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_MX = Name("mx.zohomail.com", cite("IDX-Z2"), "`by mx.zohomail.com with SMTPS id <digits>.<digits>`")

PROFILE = Profile(
    name="zoho",
    title="Zoho Mail",
    kind="mailbox",
    hops=(_MX,),
    edge=(_MX,),
    authserv_ids=(_MX,),
    verdict_headers=(
        HeaderName("Authentication-Results", cite("IDX-Z2")),
        HeaderName("Received-SPF", cite("IDX-Z1")),
        HeaderName("X-ZohoMail-DKIM", cite("IDX-Z3")),
    ),
    ar_position="above",
    ar_source=cite("IDX-Z2"),
)
