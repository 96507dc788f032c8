"""Your receiving provider's own verdict headers (issue 9 item 2): labelled as its receipt-time record,
its recorded sender IP against the entry client, its DMARC fail making From forged offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.messages import SHARED, field, run

from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Finding, Label

# providers.md §1.2: Internet -> Microsoft 365, verdict headers appended at the end.
M365 = """\
Received: from MB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) by
	MB0PR11MB0003.namprd11.prod.outlook.com with HTTPS; Wed, 18 Nov 2026 12:00:03 +0000
Received: from BN9PR03CA0001.namprd03.prod.outlook.com (2603:10b6:408:1::1) by
	MB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) with Microsoft SMTP Server id 15.20.1; Wed, 18
	Nov 2026 12:00:02 +0000
Received: from BN1PEPF00001234.namprd03.prod.outlook.com (2603:10b6:408:cafe::12) by
	BN9PR03CA0001.outlook.office365.com (2603:10b6:408:1::1) with Microsoft SMTP Server id 15.20.1 via Frontend
	Transport; Wed, 18 Nov 2026 12:00:02 +0000
Authentication-Results: spf=fail (sender IP is {ar_ip}) smtp.mailfrom=example.org; dkim=none (message not
	signed) header.d=none;dmarc=fail action=oreject header.from=example.org;compauth=fail reason=000
Received-SPF: Fail (protection.outlook.com: domain of example.org does not designate 198.51.100.7 as permitted
	sender) receiver=protection.outlook.com; client-ip=198.51.100.7; helo=mx.example.org;
Received: from mx.example.org (198.51.100.7) by BN1PEPF00001234.mail.protection.outlook.com (10.167.243.1)
	with Microsoft SMTP Server id 15.20.1 via Frontend Transport; Wed, 18 Nov 2026 12:00:01 +0000
Received: from x by mx.example.org; Wed, 18 Nov 2026 12:00:00 +0000
X-Forefront-Antispam-Report-Untrusted: CIP:192.0.2.99;CTRY:;LANG:en;SCL:1;
X-MS-Exchange-Organization-SCL: 9
From: Bank <alerts@example.org>
To: bob@example.com
Subject: hi
Date: Wed, 18 Nov 2026 11:59:00 +0000
Message-ID: <1@example.org>
MIME-Version: 1.0
X-MS-Exchange-Organization-SCL: 5
X-Forefront-Antispam-Report: CIP:198.51.100.7;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mx.example.org;CAT:SPOOF;
X-Microsoft-Antispam: BCL:0;
X-MS-Exchange-CrossTenant-Id: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa

Hello.
"""


def m365(ar_ip: str = "198.51.100.7") -> bytes:
    return M365.replace("{ar_ip}", ar_ip).encode()


def test_microsoft_verdicts_are_its_receipt_record() -> None:
    report = run(m365())
    ar = field(report, "header:Authentication-Results[0]")
    assert ar.label is Label.VALIDATED and "record at receipt" in ar.evidence[0]
    assert "DMARC" in ar.evidence[1]
    ffas = field(report, "header:X-Forefront-Antispam-Report[0]")
    assert ffas.label is Label.VALIDATED and "header firewall" in ffas.evidence[0]
    assert field(report, "header:X-Microsoft-Antispam[0]").label is Label.VALIDATED
    # Both SCL copies: the firewall strips the name from arriving mail, wherever Microsoft wrote it.
    assert field(report, "header:X-MS-Exchange-Organization-SCL[1]").label is Label.VALIDATED
    # The sending side's stamps are not the recipient provider's verdicts.
    assert field(report, "header:X-Forefront-Antispam-Report-Untrusted[0]").label is Label.UNVERIFIABLE
    assert field(report, "header:X-MS-Exchange-CrossTenant-Id[0]").label is Label.UNVERIFIABLE


def test_recorded_sender_ip_against_entry_client() -> None:
    same = field(run(m365()), "provider-record")
    assert same.label is Label.VALIDATED and same.value == "198.51.100.7"
    other = field(run(m365("203.0.113.50")), "provider-record")
    assert other.label is Label.UNVERIFIABLE and "198.51.100.7" in other.evidence[0]


def test_provider_dmarc_fail_under_reject_forges_from_offline() -> None:
    author = field(run(m365()), "from")
    assert author.label is Label.FORGED
    assert "DMARC failed" in author.evidence[0] and any("reject" in e.lower() for e in author.evidence[1:])


def _online(spf: str) -> Finding:
    zone = {
        ("example.org", "TXT"): [spf], ("example.org", "A"): ["198.51.100.7"],
        ("example.org", "MX"): ["10 mx.example.org."], ("mx.example.org", "A"): ["198.51.100.7"],
        ("_dmarc.example.org", "TXT"): ["v=DMARC1; p=reject"],
    }
    raw = b"Return-Path: <alerts@example.org>\n" + m365()  # the envelope sender, as the mailbox stores it
    return field(run(raw, dns=StaticDns(zone)), "from")


def test_online_the_live_dmarc_result_decides_and_the_receipt_record_stands_beside_it() -> None:
    failed = _online("v=spf1 -all")  # the re-check fails too: forged on its own evidence
    assert failed.label is Label.FORGED
    assert any("DMARC" in e and "reject" in e for e in failed.evidence)
    assert any("recorded at receipt that DMARC failed" in e for e in failed.evidence)
    passed = _online("v=spf1 ip4:198.51.100.7 -all")  # the re-check passes: its word, not the record's, decides
    assert passed.label is Label.VALIDATED
    assert any("recorded at receipt that DMARC failed" in e for e in passed.evidence)


def test_without_a_provider_the_same_fields_keep_todays_rules() -> None:
    # Cut the Microsoft hops: the chain starts at mx.example.org, no provider is recognised.
    raw = M365.replace("{ar_ip}", "198.51.100.7").split("Received: from x by", 1)
    report = run(("Received: from x by" + raw[1]).encode())
    assert field(report, "header:X-Forefront-Antispam-Report[0]").label is not Label.VALIDATED
    assert field(report, "from").label is Label.UNVERIFIABLE
    assert not [f for f in report.fields if f.name == "provider-record"]


# providers.md §2.2: Google's ARC set above its edge, Received-SPF and A-R directly below it; a lower
# Gmail pass sealed by google.com (a Gmail-to-Gmail forward) is the sealer's words, not forged.
GMAIL = """\
Delivered-To: bob@gmail.com
Received: by 2002:a05:6a10:1::1 with SMTP id abc; Wed, 18 Nov 2026 12:00:02 -0800
ARC-Seal: i=2; a=rsa-sha256; t=1; cv=pass; d=google.com; s=arc-20160816; b=AAAA
ARC-Message-Signature: i=2; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20160816; h=from; bh=x; b=BBBB
ARC-Authentication-Results: i=2; mx.google.com; spf=pass smtp.mailfrom=carol@gmail.com; arc=pass (i=1)
Return-Path: <carol@gmail.com>
Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS
	id x; Wed, 18 Nov 2026 12:00:01 -0800
Received-SPF: pass (google.com: domain of carol@gmail.com designates 209.85.220.41 as permitted sender)
	client-ip=209.85.220.41;
Authentication-Results: mx.google.com; spf=pass (google.com: domain of carol@gmail.com designates
	209.85.220.41 as permitted sender) smtp.mailfrom=carol@gmail.com; dmarc=pass (p=NONE sp=QUARANTINE dis=NONE)
	header.from=gmail.com
ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=google.com; s=arc-20160816; b=CCCC
ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20160816; h=from; bh=x; b=DDDD
ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@example.com; spf=pass
	smtp.mailfrom=alice@example.com
Received: from mail.example.com (mail.example.com. [198.51.100.20]) by mx.google.com with ESMTPS id y; Wed, 18
	Nov 2026 11:59:00 -0800
From: Alice <alice@example.com>
To: carol@gmail.com
Subject: fwd
Date: Wed, 18 Nov 2026 11:58:00 -0800
Message-ID: <2@example.com>

Hello.
"""


def test_gmail_writes_below_its_edge_and_an_earlier_sealed_pass_is_not_forged() -> None:
    report = run(GMAIL.encode())
    ar = field(report, "header:Authentication-Results[0]")
    assert ar.label is Label.VALIDATED and "directly below" in ar.evidence[0]
    assert field(report, "header:Received-SPF[0]").label is Label.VALIDATED
    earlier = field(report, "header:ARC-Authentication-Results[1]")
    assert earlier.label is Label.UNVERIFIABLE and "sealed by d=google.com" in earlier.evidence[1]
    assert field(report, "provider-record").label is Label.VALIDATED


# Proton (providers.md §3): one A-R per method naming the receiving host, on either side of its
# Received line, and X-Pm-* stamps appended at the end.
PROTON = """\
Return-Path: <x@example.net>
Received: from mail.example.net (mail.example.net [203.0.113.7]) by mailin028.protonmail.ch; Wed, 18 Nov 2026
	12:00:01 +0000
Received: from [192.0.2.5] by mail.example.net; Wed, 18 Nov 2026 12:00:00 +0000
Authentication-Results: mailin028.protonmail.ch; dmarc=fail (p=reject dis=none) header.from=example.com
Authentication-Results: mailin028.protonmail.ch; arc=none smtp.remote-ip=203.0.113.7
Authentication-Results: mailin099.protonmail.ch; spf=pass smtp.mailfrom=example.net
From: Support <help@example.com>
Subject: hi
Date: Wed, 18 Nov 2026 11:59:00 +0000
MIME-Version: 1.0
X-Pm-Spam-Action: phishing
X-Pm-Origin: external

Hello.
"""


def test_proton_records_on_either_side_of_its_edge() -> None:
    report = run(PROTON.encode())
    for n in (0, 1):
        assert field(report, f"header:Authentication-Results[{n}]").label is Label.VALIDATED
    # Naming another Proton host below the edge: not the edge host's words, so today's rules apply.
    assert field(report, "header:Authentication-Results[2]").label is not Label.VALIDATED
    action = field(report, "header:X-Pm-Spam-Action[0]")
    assert action.label is Label.VALIDATED and "phishing" in action.evidence[1]
    assert field(report, "provider-record").label is Label.VALIDATED


PHISH = SHARED / "corpora" / "phishing-pot-dev" / "email"


@pytest.mark.skipif(not PHISH.is_dir(), reason="../shared/corpora/phishing-pot-dev is not present")
def test_real_phishing_received_by_microsoft_speaks_through_its_provider() -> None:
    files = sorted(PHISH.glob("*.eml"))[:60]
    agree = provider_words = forged_ar = 0
    for path in files:
        report = run(path.read_bytes())
        by_name = {f.name: f for f in report.fields}
        record = by_name.get("provider-record")
        agree += record is not None and record.label is Label.VALIDATED
        ar = by_name.get("header:Authentication-Results[0]")
        provider_words += ar is not None and ar.label is Label.VALIDATED and "record at receipt" in ar.evidence[0]
        forged_ar += ar is not None and ar.label is Label.FORGED
    assert provider_words >= len(files) * 0.8, json.dumps([provider_words, len(files)])
    assert agree >= len(files) * 0.8 and forged_ar == 0


def test_shared_corpus_path_is_the_checkout_sibling() -> None:
    assert Path(__file__).resolve().parents[2].parent / "shared" == SHARED
