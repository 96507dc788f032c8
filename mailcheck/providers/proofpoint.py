"""Proofpoint (PPS / Proofpoint on Demand), a gateway in front of mailboxes: providers.md §4 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

PROFILE = Profile(
    name="proofpoint",
    title="Proofpoint",
    kind="gateway",
    # mx0a-<id>.pphosted.com / mx0b-…: also the HELO of the same customer's OUTBOUND mail, so a
    # pphosted.com client says nothing about direction (why gateways are followed only when named).
    hops=(Name(".pphosted.com", cite("IDX-PP"), "customer-specific mx0a-/mx0b-<id>.pphosted.com"),),
    edge=(Name(r"re:mx0[a-z]-[0-9a-z]+\.pphosted\.com", cite("IDX-PP")),),
    verdict_headers=(HeaderName("X-Proofpoint-", cite("IDX-PP"), prefix=True),),
    ar_position="none",  # usually adds none; the mailbox behind it evaluates the gateway's address
    ar_source=cite("IDX-PP"),
)
