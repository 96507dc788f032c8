"""Google (Gmail / Workspace): providers.md §2 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Network, Profile, cite

_EDGE = Name("mx.google.com", cite("MA-ARC"), "Gmail inbound edge, `with ESMTP[S] id … for <rcpt>` (ST-ARC too)")

PROFILE = Profile(
    name="google",
    title="Google (Gmail / Workspace)",
    kind="mailbox",
    hops=(
        _EDGE,
        # `Received: by 2002:… with SMTP id …` (no from clause): Google's internal delivery hop, topmost.
        Name("re:2002:[0-9a-f:]+", cite("MA-ARC"), "internal host label in 6to4 form (ST-ARC too)"),
    ),
    edge=(_EDGE,),
    networks=(
        Network("10.0.0.0/8", "internal", cite("G-FW")),
        Network("209.85.128.0/17", "outbound", cite("IDX-G1")),
        Network("74.125.0.0/16", "outbound", cite("IDX-G1")),
        Network("64.233.160.0/19", "outbound", cite("IDX-G1")),
        Network("66.102.0.0/20", "outbound", cite("IDX-G1")),
        Network("173.194.0.0/16", "outbound", cite("IDX-G1")),
        Network("2607:f8b0:4000::/36", "outbound", cite("IDX-G1")),
        Network("2a00:1450:4000::/36", "outbound", cite("IDX-G1")),
    ),
    authserv_ids=(Name("mx.google.com", cite("MA-ARC")),
                  Name("gmr-mx.google.com", cite("IDX-G3"), "Google Groups: X-Original-Authentication-Results")),
    verdict_headers=(
        HeaderName("Authentication-Results", cite("MA-ARC")),
        HeaderName("Received-SPF", cite("MA-ARC")),
        HeaderName("ARC-Authentication-Results", cite("MA-ARC")),
    ),
    ar_position="below",  # Received-SPF and A-R directly under the edge; its ARC set above it
    ar_source=cite("MA-ARC"),
)
