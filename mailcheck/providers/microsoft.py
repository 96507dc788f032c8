"""Microsoft 365 / Exchange Online / Outlook.com (EOP): providers.md §1 and §7."""

from mailcheck.providers.profile import HeaderName, Name, Network, Profile, cite

_EDGE = Name(".mail.protection.outlook.com", cite("MS-ATTR1"),
             "EOP inbound edge; the first such hop from the top is the recipient's (MS-LEAVE: lower ones are "
             "the sender tenant's)")

PROFILE = Profile(
    name="microsoft365",
    title="Microsoft 365 / Exchange Online / Outlook.com",
    kind="mailbox",
    hops=(
        _EDGE,
        Name(".prod.protection.outlook.com", cite("MHA"), "EOP internal nodes (the edge re-appears so named)"),
        Name(".prod.outlook.com", cite("IDX-A"), "Exchange Online transport and mailbox servers (ST-103 too)"),
        Name(".outlook.office365.com", cite("IDX-A"), "Exchange Online front door"),
        Name(".prod.exchangelabs.com", cite("IDX-C"), "Exchange Online internal servers"),
    ),
    edge=(_EDGE,),
    networks=(
        # What the internal hops between the edge and the mailbox record; observed only (providers.md §1.4).
        Network("2603:10a6::/32", "internal", cite("IDX-A"), "EU internal hops; Microsoft's ownership unconfirmed"),
        Network("2603:10b6::/32", "internal", cite("IDX-A"), "NA internal hops; Microsoft's ownership unconfirmed"),
        Network("2a01:111::/32", "internal", cite("MS-EP23"), "only sub-prefixes are listed; the /32 unconfirmed"),
        Network("40.92.0.0/15", "outbound", cite("MS-EP23")),
        Network("40.107.0.0/16", "outbound", cite("MS-EP23")),
        Network("52.100.0.0/14", "outbound", cite("MS-EP23")),
        Network("104.47.0.0/17", "outbound", cite("MS-EP23")),
        Network("2a01:111:f400::/48", "outbound", cite("MS-EP23")),
        Network("2a01:111:f403::/48", "outbound", cite("MS-EP23")),
    ),
    # The A-R itself has no authserv-id; the ARC-Authentication-Results name mx.microsoft.com.
    authserv_ids=(Name("mx.microsoft.com", cite("MS-ARC"), "in ARC-Authentication-Results, followed by '1'"),),
    bare_ar=True,
    verdict_headers=(
        HeaderName("Authentication-Results", cite("MS-HDR")),
        HeaderName("Received-SPF", cite("IDX-A")),
        HeaderName("X-Forefront-Antispam-Report", cite("MS-HDR")),
        HeaderName("X-Microsoft-Antispam", cite("MS-HDR")),
        HeaderName("X-Microsoft-Antispam-Mailbox-Delivery", cite("MS-HDR")),
        HeaderName("X-MS-Exchange-Organization-", cite("MS-HDR"), prefix=True),
        HeaderName("X-MS-Exchange-CrossTenant-", cite("IDX-A"), prefix=True),
    ),
    ar_position="above",
    ar_source=cite("IDX-A"),
    notes=("FFAS, X-Microsoft-Antispam and X-MS-Exchange-* are appended at the END of the header block "
           "(IDX-B, ST-103), not beside the edge.",),
)
