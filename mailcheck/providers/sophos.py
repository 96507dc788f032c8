"""Sophos Email (Central), a gateway in front of mailboxes: providers.md §4 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

PROFILE = Profile(
    name="sophos",
    title="Sophos Email",
    kind="gateway",
    # relay-<region> receives; id-/ix-/rd- are internal; mfod-<region> hands the message back to the mailbox.
    hops=(Name(".prod.hydra.sophos.com", cite("IDX-A"), "also IDX-SO"),),
    edge=(Name(r"re:relay-[a-z0-9-]+\.prod\.hydra\.sophos\.com", cite("IDX-A")),),
    verdict_headers=(HeaderName("X-Sophos-", cite("IDX-A"), prefix=True),
                     HeaderName("X-LASED-", cite("IDX-A"), prefix=True),
                     HeaderName("X-PMX-Spam", cite("SPS"))),
    ar_position="none",
    ar_source=cite("IDX-A"),
)
