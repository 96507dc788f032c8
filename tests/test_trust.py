"""The trust boundary: which hops your servers wrote, the entry hop, delays and the receipt time."""

from __future__ import annotations

from datetime import UTC, datetime

from support.received_chains import ESSAY_HOPS, chain, facts_for

from mailcheck.context import MtaEvidence
from mailcheck.trust import entry_client, trusted_receipt_time

OUTSIDE = ("from sender.example.net (sender.example.net [203.0.113.9]) by mx.example.org (Postfix) with "
           "ESMTP id A1; "
           "Wed, 18 Nov 2026 12:00:00 +0000")
RELAY = ("from relay.example.org (relay.example.org [198.51.100.7]) by store.example.org (Postfix) with "
         "ESMTP id B2; "
         "Wed, 18 Nov 2026 12:00:05 +0000")
STRANGER = ("from laptop (dsl.example.net [192.0.2.33]) by sender.example.net (Postfix) with ESMTP id C3; "
            "Wed, 18 Nov 2026 11:59:58 +0000")


def test_no_received_lines() -> None:
    hops, boundary = chain()
    assert hops == ()
    assert boundary.entry_index is None and boundary.trusted_count == 0
    assert "no Received lines" in boundary.explanation


def test_top_hop_is_trusted_and_is_the_entry_for_a_public_client() -> None:
    hops, boundary = chain(OUTSIDE, STRANGER)
    assert [h.trusted for h in hops] == [True, False]
    assert boundary.entry_index == 0 and boundary.trusted_count == 1
    assert hops[0].entry and "topmost" in hops[0].why and "entry hop" in hops[0].why
    assert "203.0.113.9" in boundary.explanation and "received[0]" in boundary.explanation
    assert "received[0] is the entry hop" in hops[1].why


def test_private_client_extends_trust() -> None:
    inner = ("from mx.example.org (mx.example.org [10.1.2.3]) by store.example.org (Postfix) with ESMTP id "
             "D4; "
             "Wed, 18 Nov 2026 12:00:02 +0000")
    hops, boundary = chain(inner, OUTSIDE, STRANGER)
    assert [h.trusted for h in hops] == [True, True, False]
    assert boundary.entry_index == 1
    assert "10.1.2.3" in hops[1].why and "private" in hops[1].why


def test_ipv6_ula_and_loopback_extend_trust() -> None:
    ula = ("from mx.example.org (mx.example.org [IPv6:fd00::25]) by store.example.org with ESMTP id E5; "
           "Wed, 18 Nov 2026 12:00:02 +0000")
    hops, boundary = chain(ula, OUTSIDE)
    assert boundary.entry_index == 1
    assert "unique local" in hops[1].why


def test_documentation_addresses_are_not_inside_your_network() -> None:
    # ipaddress calls 203.0.113.0/24 "private"; the boundary must not (it is anybody's address in tests).
    _, boundary = chain(OUTSIDE)
    assert boundary.entry_index == 0


def test_authenticated_submission_keeps_trust_and_has_no_entry() -> None:
    submit = ("from [192.168.1.2] (dsl.example.net [198.51.100.20]) by mail.example.org (Postfix) with "
              "ESMTPSA id F6; "
              "Wed, 18 Nov 2026 12:00:00 +0000")
    hops, boundary = chain(submit)
    assert [h.trusted for h in hops] == [True]
    assert boundary.entry_index is None
    assert "ESMTPSA" in boundary.explanation and "no entry hop" in boundary.explanation


def test_authenticated_client_trusts_the_older_hop() -> None:
    submit = ("from relay.example.net (relay.example.net [198.51.100.20]) (authenticated bits=0) by "
              "mail.example.org "
              "(8.12.5/8.12.5) with ESMTP id G7; Wed, 18 Nov 2026 12:00:00 +0000")
    hops, boundary = chain(submit, STRANGER)
    assert [h.trusted for h in hops] == [True, True]
    assert boundary.entry_index == 1


def test_trusted_cidr() -> None:
    hops, boundary = chain(RELAY, OUTSIDE, STRANGER)
    assert boundary.entry_index == 0  # without --trusted the relay's public address ends trust
    hops, boundary = chain(RELAY, OUTSIDE, STRANGER, trusted=("198.51.100.0/24",))
    assert boundary.entry_index == 1
    assert "--trusted 198.51.100.0/24" in hops[1].why


def test_trusted_host_matches_the_rdns_your_server_recorded() -> None:
    hops, boundary = chain(RELAY, OUTSIDE, STRANGER, trusted=("relay.example.org",))
    assert boundary.entry_index == 1
    assert "rDNS relay.example.org" in hops[1].why
    hops, boundary = chain(RELAY, OUTSIDE, STRANGER, trusted=(".example.org",))
    assert boundary.entry_index == 1


def test_a_helo_name_never_extends_trust() -> None:
    liar = ("from relay.example.org (attacker.example.net [192.0.2.66]) by mx.example.org (Postfix) with "
            "ESMTP id H8; "
            "Wed, 18 Nov 2026 12:00:00 +0000")
    forged = ("from anything (x [198.51.100.99]) by relay.example.org with ESMTP id I9; "
              "Wed, 18 Nov 2026 11:59:00 +0000")
    hops, boundary = chain(liar, forged, trusted=("relay.example.org",))
    assert boundary.entry_index == 0
    assert not hops[1].trusted
    assert "HELO is the client's own claim" in hops[0].why


def test_local_hand_offs_do_not_end_the_chain() -> None:
    # sa easy_ham: Postfix on the reader's machine, fetchmail, and the POP server's own hop
    hops, boundary = chain(
        "from localhost (localhost [127.0.0.1]) by phobos.labs.netnoteinc.com (Postfix) with ESMTP id "
        "19EA5440C9 "
        "for <jm@localhost>; Mon, 22 Jul 2002 13:07:07 -0400 (EDT)",
        "from dogma.slashnull.org [212.17.35.15] by localhost with IMAP (fetchmail-5.9.0) for jm@localhost "
        "(single-drop); Mon, 22 Jul 2002 18:07:07 +0100 (IST)",
        "from webnote.net (mail.webnote.net [193.120.211.219]) by dogma.slashnull.org (8.11.6/8.11.6) with "
        "ESMTP id "
        "g6MFI0902629 for <jm@jmason.org>; Mon, 22 Jul 2002 16:18:03 +0100",
        "from mandark.labs.netnoteinc.com ([213.105.180.140]) by webnote.net (8.9.3/8.9.3) with ESMTP id "
        "MAA31474 "
        "for <jm@jmason.org>; Mon, 22 Jul 2002 12:05:15 +0100",
    )
    assert [h.trusted for h in hops] == [True, True, True, False]
    assert boundary.entry_index == 2
    assert "local hand-off" in hops[1].why


def test_internal_hops_without_a_client_keep_trust() -> None:
    # csdmc: Gmail's internal hand-offs name no client at all
    hops, boundary = chain(
        "by 10.143.43.17 with SMTP id v17cs4615wfj; Fri, 16 Apr 2010 20:56:16 -0700 (PDT)",
        "by 10.142.247.3 with SMTP id u3mr2084376wfh.207.1271476575961; Fri, 16 Apr 2010 20:56:15 -0700",
        "from liszt.debian.org (liszt.debian.org [82.195.75.100]) by mx.google.com with ESMTP id "
        "21si5561614fkx.10.2010.05.01.12.25.39; Fri, 16 Apr 2010 20:56:15 -0700 (PDT)",
        STRANGER,
    )
    assert [h.trusted for h in hops] == [True, True, True, False]
    assert boundary.entry_index == 2


def test_a_named_client_without_address_ends_trust_without_entry() -> None:
    named = "from virtual-access.org by bolero.conactive.com ; Thu, 20 Feb 2003 23:32:58 +0100"
    hops, boundary = chain(named,
                           STRANGER)
    assert [h.trusted for h in hops] == [True, False]
    assert boundary.entry_index is None
    assert "records no address" in boundary.explanation


def test_essay_chain() -> None:
    hops, boundary = chain(*ESSAY_HOPS)
    assert [h.trusted for h in hops] == [True, True, False]
    assert not hops[0].hop.relay
    assert boundary.entry_index == 1
    assert hops[1].hop.ip == "198.51.100.23"


def test_delays_are_signed() -> None:
    newer = "from a.example.org ([10.0.0.2]) by b.example.org with ESMTP id J1; Wed, 18 Nov 2026 12:00 +0000"
    later_older = ("from c.example.net ([203.0.113.5]) by a.example.org with ESMTP id J2; "
                   "Wed, 18 Nov 2026 12:05:00 +0000")
    earlier = ("from d.example.net ([192.0.2.5]) by c.example.net with ESMTP id J3; "
               "Wed, 18 Nov 2026 11:04:00 -0100")
    hops, _ = chain(newer, later_older, earlier)
    assert hops[0].delay_seconds is None
    assert hops[1].delay_seconds == -300.0  # the newer hop is dated 5 min before this one: stays negative
    assert hops[2].delay_seconds == 60.0  # zones are honoured: 11:04 -0100 is 12:04 UTC


def test_delay_is_none_without_a_date() -> None:
    hops, _ = chain(OUTSIDE, "from x.example.net ([192.0.2.1]) by sender.example.net with SMTP id K1")
    assert hops[1].delay_seconds is None


def test_trusted_receipt_time_is_the_entry_hops() -> None:
    inner = ("from mx.example.org (mx.example.org [10.1.2.3]) by store.example.org with ESMTP id D4; "
             "Wed, 18 Nov 2026 12:00:30 +0000")
    facts, _ = facts_for(inner, OUTSIDE, STRANGER)
    assert trusted_receipt_time(facts) == datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def test_trusted_receipt_time_without_entry_is_the_top_hops() -> None:
    facts, _ = facts_for("from [192.168.1.2] (dsl.example.net [198.51.100.20]) by mail.example.org with "
                         "ESMTPSA id "
                         "F6; Wed, 18 Nov 2026 12:00:00 +0000")
    assert trusted_receipt_time(facts) == datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def test_trusted_receipt_time_falls_back_to_a_newer_trusted_hop() -> None:
    inner = ("from mx.example.org (mx.example.org [10.1.2.3]) by store.example.org with ESMTP id D4; "
             "Wed, 18 Nov 2026 12:00:30 +0000")
    undated = "from sender.example.net (sender.example.net [203.0.113.9]) by mx.example.org with ESMTP id A1"
    facts, _ = facts_for(inner, undated, STRANGER)
    assert facts.boundary.entry_index == 1
    assert trusted_receipt_time(facts) == datetime(2026, 11, 18, 12, 0, 30, tzinfo=UTC)


def test_trusted_receipt_time_none_without_hops() -> None:
    facts, _ = facts_for()
    assert trusted_receipt_time(facts) is None


def test_entry_client_from_the_entry_hop_and_from_the_mta() -> None:
    facts, ctx = facts_for(OUTSIDE, STRANGER)
    client = entry_client(facts, ctx)
    assert client is not None
    assert (client.ip, client.helo) == ("203.0.113.9", "sender.example.net")
    assert client.rdns == "sender.example.net"
    assert client.source == "received[0] written by mx.example.org"
    facts, ctx = facts_for(OUTSIDE, mta=MtaEvidence(client_address="192.0.2.200", client_helo="h.example"))
    client = entry_client(facts, ctx)
    assert client is not None and client.ip == "192.0.2.200" and "CLIENT_ADDRESS" in client.source


# Receiving providers (providers.md §1.2, §2.2 composites; contoso/fabrikam names, documentation addresses).
T = "Wed, 18 Nov 2026 12:00:0{} +0000"
M365_MAILBOX = ("from MB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) by "
                "MB0PR11MB0003.namprd11.prod.outlook.com with HTTPS; " + T.format(5))
M365_STORE = ("from BN9PR03CA0001.namprd03.prod.outlook.com (2603:10b6:408:e6::28) by "
              "MB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) with Microsoft SMTP Server id 15.20.1; "
              + T.format(4))
M365_FRONT = ("from BN1PEPF00001234.namprd03.prod.outlook.com (2603:10b6:408:e6:cafe::12) by "
              "BN9PR03CA0001.outlook.office365.com (2603:10b6:408:e6::28) with Microsoft SMTP Server id 15.20.1 "
              "via Frontend Transport; " + T.format(3))


def m365_edge(client: str, ip: str, node: str = "BN1PEPF00001234") -> str:
    return (f"from {client} ({ip}) by {node}.mail.protection.outlook.com (10.167.243.1) with Microsoft SMTP "
            f"Server id 15.20.1 via Frontend Transport; " + T.format(2))


SENDER_HOP = "from laptop (dsl.example.net [192.0.2.33]) by mx.example.net (Postfix) with ESMTP id C3; " + T.format(1)
M365_INBOUND = (M365_MAILBOX, M365_STORE, M365_FRONT, m365_edge("mx.example.net", "198.51.100.7"), SENDER_HOP)


def test_microsoft_365_is_trusted_down_to_its_inbound_edge() -> None:
    facts, ctx = facts_for(*M365_INBOUND)
    b = facts.boundary
    assert b.entry_index == 3 and b.trusted_count == 4
    assert b.provider == "microsoft365" and b.provider_edges == (("microsoft365", 3),)
    assert "Recognised Microsoft 365" in b.explanation and "received[0]" in b.explanation
    assert "its inbound edge is received[3]" in b.explanation and "MS-ATTR1" in b.explanation
    client = entry_client(facts, ctx)
    assert client is not None and client.ip == "198.51.100.7"
    assert "2603:10b6::/32" in facts.hops[1].why


def test_provider_none_keeps_the_default_inference() -> None:
    _hops, b = chain(*M365_INBOUND, provider="none")
    assert b.entry_index == 0 and b.provider is None and b.provider_edges == ()  # as before profiles
    assert "Recognised" not in b.explanation


def test_cross_tenant_stops_at_the_recipients_edge() -> None:
    # The sender tenant's own hops (its mailbox, its EOP edge for connector mail) sit below the edge.
    sender_tenant = (
        m365_edge("NAM12-MW2-obe.outbound.protection.outlook.com", "40.107.244.73"),
        ("from DM6PR11MB0001.namprd11.prod.outlook.com (2603:10b6:5:1::9) by "
         "DM6PR11MB0002.namprd11.prod.outlook.com (2603:10b6:5:1::10) with Microsoft SMTP Server id 15.20.1; "
         + T.format(1)),
        m365_edge("onprem.fabrikam.example", "203.0.113.50", "CO1PEPF000075F3"),
    )
    facts, ctx = facts_for(M365_MAILBOX, M365_STORE, M365_FRONT, *sender_tenant)
    assert facts.boundary.entry_index == 3
    assert [h.trusted for h in facts.hops] == [True, True, True, True, False, False]
    client = entry_client(facts, ctx)
    assert client is not None and client.ip == "40.107.244.73"


GMAIL_TOP = "by 2002:a4a:8e45:0:0:0:0:0 with SMTP id z5csp3690610ook; Wed, 18 Nov 2026 04:00:05 -0800 (PST)"


def gmail_edge(helo: str, rdns: str, ip: str) -> str:
    return (f"from {helo} ({rdns}. [{ip}]) by mx.google.com with ESMTPS id a1si1 for <bob@example.org> "
            "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Wed, 18 Nov 2026 04:00:03 -0800 (PST)")


def test_gmail_inbound_edge() -> None:
    facts, _ctx = facts_for(GMAIL_TOP, gmail_edge("mx.example.net", "mx.example.net", "198.51.100.7"), SENDER_HOP)
    b = facts.boundary
    assert b.entry_index == 1 and b.provider == "google" and b.provider_edges == (("google", 1),)
    assert "by mx.google.com" in b.explanation


def test_gmail_to_gmail_stops_at_the_recipients_edge() -> None:
    sender_side = (
        "by mail-sor-f41.google.com with SMTP id x2sor1 for <bob@example.org>; Wed, 18 Nov 2026 04:00:02 -0800",
        "from [192.168.1.20] ([198.51.100.99]) by smtp.gmail.com with ESMTPSA id y3sm1; "
        "Wed, 18 Nov 2026 04:00:01 -0800",
    )
    facts, ctx = facts_for(GMAIL_TOP, gmail_edge("mail-sor-f41.google.com", "mail-sor-f41.google.com",
                                                 "209.85.220.41"), *sender_side)
    assert facts.boundary.entry_index == 1
    assert [h.trusted for h in facts.hops] == [True, True, False, False]
    client = entry_client(facts, ctx)
    assert client is not None and client.ip == "209.85.220.41"


PROOFPOINT = ("from mx.example.net (mx.example.net [198.51.100.7]) by mx0a-001b2d01.pphosted.com with ESMTPS id "
              "4a1; " + T.format(1))


def test_a_gateway_is_followed_only_when_named() -> None:
    chain_ = (M365_MAILBOX, M365_STORE, M365_FRONT, m365_edge("mx0a-001b2d01.pphosted.com", "148.163.156.1"),
              PROOFPOINT, SENDER_HOP)
    facts, ctx = facts_for(*chain_, provider="microsoft365,proofpoint")
    b = facts.boundary
    assert b.entry_index == 4 and b.provider == "microsoft365"
    assert b.provider_edges == (("microsoft365", 3), ("proofpoint", 4))
    client = entry_client(facts, ctx)
    assert client is not None and client.ip == "198.51.100.7"
    # auto: the sender's outbound Proofpoint looks the same, so the edge stays Microsoft's, and says why
    _hops, b = chain(*chain_)
    assert b.entry_index == 3 and "only when --provider names it" in b.explanation


def test_a_helo_naming_a_gateway_without_its_hop_below_is_not_followed() -> None:
    _hops, b = chain(M365_MAILBOX, M365_STORE, M365_FRONT, m365_edge("unrs.pphosted.com", "192.0.2.195"),
                    provider="proofpoint")
    assert b.entry_index == 3 and "the hop below was not written by Proofpoint" in b.explanation


def test_provider_names_below_a_self_hosted_top_hop_are_not_recognised() -> None:
    _hops, b = chain(OUTSIDE, M365_MAILBOX, M365_STORE, M365_FRONT, m365_edge("mx.example.net", "198.51.100.7"))
    assert b.entry_index == 0 and b.trusted_count == 1
    assert b.provider is None and "Recognised" not in b.explanation


def test_a_content_filter_loop_through_the_edge_host_is_not_the_edge() -> None:
    loop = ("from mailmx.nyi.internal (localhost [127.0.0.1]) by mx6.messagingengine.com (Postfix) with ESMTP "
            "id 1; " + T.format(3))
    outside = ("from mail.example.net (mail.example.net [198.51.100.7]) by mx6.messagingengine.com (Postfix) "
               "with ESMTPS id 2; " + T.format(2))
    _hops, b = chain(loop, outside, SENDER_HOP)
    assert b.entry_index == 1 and b.provider_edges == (("fastmail", 1),)


def test_trusted_with_a_leading_dot_matches_a_domain_suffix_of_the_rdns() -> None:
    relay = ("from mail-a.example.org (mail-a.example.org [198.51.100.8]) by mx.example.org (Postfix) with "
             "ESMTP id A0; " + T.format(3))
    assert chain(relay, OUTSIDE, trusted=(".example.org",))[1].entry_index == 1
    assert chain(relay, OUTSIDE, trusted=("example.org",))[1].entry_index == 0  # plain HOST stays exact
    assert chain(relay, OUTSIDE, trusted=("mail-a.example.org",))[1].entry_index == 1
