"""Proton Mail: providers.md §3 and §7 (inbound host names and A-R placement partly unconfirmed there)."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_MX = Name(r"re:mail(in)?[0-9]*[a-z]?\.protonmail\.ch", cite("IDX-P4"),
           "mailNN[i].protonmail.ch (2018); mailinNNN.protonmail.ch unconfirmed in the reference")

PROFILE = Profile(
    name="proton",
    title="Proton Mail",
    kind="mailbox",
    hops=(_MX,),
    edge=(_MX,),
    authserv_ids=(Name("mail.protonmail.ch", cite("MOX")),
                  Name(r"re:mail[a-z0-9-]*\.protonmail\.ch", cite("IDX-P2"), "the receiving host's own name")),
    verdict_headers=(
        HeaderName("Authentication-Results", cite("MOX")),
        HeaderName("X-Pm-Spamscore", cite("IDX-P3")),
        HeaderName("X-Pm-Spam-Action", cite("IDX-P3")),
        HeaderName("X-Pm-Spam", cite("IDX-P3")),
        HeaderName("X-Pm-Origin", cite("IDX-P3")),
        HeaderName("X-Pm-Transfer-Encryption", cite("IDX-P3")),
    ),
    # IDX-P1 (inbound) shows the A-R block above the connection Received, IDX-P2 (relay) below its own.
    ar_position="either",
    ar_source=cite("IDX-P1"),
)
