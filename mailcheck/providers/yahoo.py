"""Yahoo / AOL: providers.md §3 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Profile, cite

_ATLAS = Name(r"re:atlas[-a-z0-9.]*\.yahoo\.com", cite("IDX-Y1"),
              "atlas-production…omega.yahoo.com (2022+), atlasNNN.free.mail.<dc>.yahoo.com (2021, IDX-Y2), "
              "AOL atlasNNN.aol.mail.<dc>.yahoo.com")

PROFILE = Profile(
    name="yahoo",
    title="Yahoo / AOL",
    kind="mailbox",
    hops=(_ATLAS,),
    # The edge's `by` is a bare private address: it means Yahoo only once the atlas hop above named Yahoo.
    edge=(Name(r"re:10\.\d{1,3}\.\d{1,3}\.\d{1,3}", cite("IDX-Y1"), "`by <10.x.x.x> with SMTPs`"),),
    authserv_ids=(_ATLAS,),
    verdict_headers=(
        HeaderName("Authentication-Results", cite("IDX-Y1")),
        HeaderName("Received-SPF", cite("IDX-Y1")),
        HeaderName("X-Originating-Ip", cite("IDX-Y1")),
        HeaderName("X-Apparently-To", cite("IDX-Y1")),
        HeaderName("X-YMailISG", cite("IDX-Y1")),
        HeaderName("X-YMailAVSC", cite("IDX-Y2")),
    ),
    ar_position="above",  # between the top atlas hop and the edge
    ar_source=cite("IDX-Y1"),
)
