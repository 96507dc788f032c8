"""Broadcom / Symantec Email Security.cloud (MessageLabs), a gateway in front of mailboxes: providers.md §4, §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_NODE = Name(".messagelabs.com", cite("SY-HDR"), "named in X-Msg-Ref: server-<n>.<cluster>.messagelabs.com")

PROFILE = Profile(
    name="symantec",
    title="Broadcom / Symantec Email Security.cloud",
    kind="gateway",
    hops=(_NODE,),
    edge=(_NODE,),
    verdict_headers=(
        *(HeaderName(n, cite("SY-HDR")) for n in ("X-Brightmail-Tracker", "X-Env-Sender", "X-Msg-Ref",
                                                  "X-SpamInfo", "X-Content-Flag", "X-ContentInfo", "X-Porninfo")),
        HeaderName("X-AuditID", cite("SY-SMG")),
    ),
    ar_position="none",
    ar_source=cite("SY-HDR"),
)
