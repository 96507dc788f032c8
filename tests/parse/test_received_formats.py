"""rDNS versus HELO, and authenticated submissions, per MTA format (issue 9 item 6).

The rules follow what each MTA writes (SpamAssassin's Received parser documents the same formats);
the lines are synthetic, in each MTA's documented shape, with example names and documentation
addresses, except where a corpus is named (see test_received.py for the corpus key).
"""

from __future__ import annotations

from typing import Any

import pytest

from mailcheck.parse.received import parse_received

DATE = "Mon, 2 Nov 2020 10:00:00 +0000"

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("qmail without (HELO x): the HELO equalled the rDNS name",
     f"from mail.example.com (192.0.2.10) by mx.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.10", "rdns": "mail.example.com", "helo": "mail.example.com"}),
    ("qmail with ident and no HELO comment",
     f"from mail.example.com (user@192.0.2.10) by mx.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.10", "rdns": "mail.example.com", "helo": "mail.example.com", "ident": "user"}),
    ("qmail QMQP, bracketed address",
     f"from relay.example.com ([192.0.2.11]) by mx.example.net with QMQP; {DATE}",
     {"ip": "192.0.2.11", "rdns": "relay.example.com", "helo": "relay.example.com"}),
    ("qmail unknown rDNS stays unknown",
     f"from unknown (192.0.2.12) by mx.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.12", "rdns": None}),
    ("qmail empty (HELO ): an empty HELO, the name is still the rDNS",
     f"from mail.example.com (HELO ) (192.0.2.13) by mx.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.13", "rdns": "mail.example.com", "helo": None}),
    ("qmail empty (EHLO ) after an address: not the address as HELO",
     f"from 192.0.2.14  (EHLO ) (192.0.2.14) by mta.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.14", "rdns": None, "helo": None}),
    ("qmail (HELO x) as before",
     f"from mail.example.com (HELO opus) (192.0.2.15) by mx.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.15", "rdns": "mail.example.com", "helo": "opus"}),
    ("qmail IP-literal HELO kept with its brackets",
     f"from unknown (HELO [198.51.100.7]) (192.0.2.16) by mx.example.net with SMTP; {DATE}",
     {"ip": "192.0.2.16", "rdns": None, "helo": "[198.51.100.7]"}),
    ("a sendmail-like line with an id is not read as qmail's",
     f"from mail.example.com (192.0.2.17) by mx.example.net with SMTP id abc123; {DATE}",
     {"ip": "192.0.2.17", "rdns": None, "helo": "mail.example.com"}),
    ("Exchange's name (address) is a HELO, not an rDNS",
     f"from host.example.com (192.0.2.18) by mx.example.net (192.0.2.1) with Microsoft SMTP Server id "
     f"14.3.439.0; {DATE}",
     {"ip": "192.0.2.18", "rdns": None, "helo": "host.example.com"}),
    ("CommuniGate ([ip] verified): a verified rDNS name",
     f"from host.example.com ([192.0.2.19] verified) by mail.example.net (CommuniGate Pro SMTP 5.1.13) with "
     f"ESMTP id 9786656 for user@example.net; {DATE}",
     {"ip": "192.0.2.19", "rdns": "host.example.com", "helo": "host.example.com"}),
    ("Obtuse smtpd claiming to be",
     'from pl027.example.jp(192.0.2.27), claiming to be "foo.example.net" via SMTP by st.example.at, '
     "id smtpd1PBsZT; Sun Nov 13 15:38:52 2005",
     {"ip": "192.0.2.27", "rdns": "pl027.example.jp", "helo": "foo.example.net"}),
    ("Obtuse smtpd without a claim: no HELO recorded",
     "from host.example.cn(192.0.2.54) via SMTP by st.example.at, id smtpdEDUB8h; Sun Nov 13 14:50:12 2005",
     {"ip": "192.0.2.54", "rdns": "host.example.cn", "helo": None}),
    ("Obtuse smtpd UNKNOWN rDNS",
     "from UNKNOWN(192.0.2.55) via SMTP by st.example.at, id smtpdEDUB8i; Sun Nov 13 14:50:12 2005",
     {"ip": "192.0.2.55", "rdns": None, "helo": None}),
    ("Exim 3 without parentheses: a verified name",
     f"from boggle.example.nz [192.0.2.209] by grunt6.example.nz with esmtp (Exim 3.35 #1 (Debian)) id "
     f"18SWRe-0006X6-00; {DATE}",
     {"ip": "192.0.2.209", "rdns": "boggle.example.nz", "helo": "boggle.example.nz"}),
    ("Exim 3 rdns (helo) [ip]: the HELO in parentheses",
     f"from www.example.ie (hassle.example.ie) [192.0.2.154] by relay01.example.net with esmtp id "
     f"17aWyy-0006i4-00; {DATE}",
     {"ip": "192.0.2.154", "rdns": "www.example.ie", "helo": "hassle.example.ie"}),
    ("upper-case keywords are not qmail's",
     f"FROM host.example.com (192.0.2.190) BY host.example.com WITH SMTP; {DATE}",
     {"ip": "192.0.2.190", "rdns": None, "helo": "host.example.com"}),
    ("a firewall's 'via smtpd' line is not qmail's",
     f"from imo.example.com ([192.0.2.4]) by fw.example.net via smtpd (for [198.51.100.80]) with SMTP; {DATE}",
     {"ip": "192.0.2.4", "rdns": None, "helo": "imo.example.com"}),
    ("ESMTP without an id is not qmail's either",
     f"from us-bdb.example.com (10.207.27.52) by notify.example.com with ESMTP; {DATE}",
     {"ip": "10.207.27.52", "rdns": None, "helo": "us-bdb.example.com"}),
    ("Exim 4 name ([ip]) without helo=",
     f"from mail.example.com ([192.0.2.5]) by mx.example.net with esmtp (Exim 4.50) id 1GzVLs-0002Oz-7b; "
     f"{DATE}",
     {"ip": "192.0.2.5", "rdns": "mail.example.com", "helo": "mail.example.com"}),
    ("Exim IP-literal helo=",
     f"from [192.0.2.6] (helo=[198.51.100.1]) by mx.example.net with esmtp (Exim 4.50) id "
     f"1GzVLs-0002Oz-7c; {DATE}",
     {"ip": "192.0.2.6", "rdns": None, "helo": "[198.51.100.1]"}),
    ("Exim asmtp is an authenticated submission",
     f"from host.example.com ([192.0.2.3]) by mx.example.net with asmtp (Exim 4.34) id 1GzVLs-0002Oz-7d; "
     f"{DATE}",
     {"ip": "192.0.2.3", "auth": "asmtp"}),
    ("webmail with HTTP",
     f"from 192.0.2.7 ([192.0.2.7]) by webmail.example.net (IMP) with HTTP for <a@example.net>; {DATE}",
     {"ip": "192.0.2.7", "auth": "webmail (HTTP)"}),
    ("webmail with HTTPS",
     f"from [192.0.2.8] by webmail.example.net with HTTPS; {DATE}",
     {"ip": "192.0.2.8", "auth": "webmail (HTTPS)"}),
    ("Microsoft 365's own HTTPS hand-off to the mailbox is no webmail login",
     f"from BN9PR03CA0001.namprd03.prod.outlook.com (2603:10b6:408:e6::28) by MB0PR11MB0002.namprd11.prod."
     f"outlook.com with HTTPS; {DATE}",
     {"ip": "2603:10b6:408:e6::28", "auth": None}),
    ("United Internet (via HTTP)",
     f"from [192.0.2.9] by web.example.net (via HTTP); {DATE}",
     {"ip": "192.0.2.9", "auth": "webmail (via HTTP)"}),
    ("GMX submission shape",
     f"from dslb.example.net (EHLO homepc) [192.0.2.64] by mail.gmx.net (mp010) with SMTP; {DATE}",
     {"ip": "192.0.2.64", "rdns": "dslb.example.net", "helo": "homepc", "auth": "GMX submission"}),
    ("the same shape at another receiver is no GMX submission",
     f"from dslb.example.net (EHLO homepc) [192.0.2.64] by mx.example.net (mp010) with SMTP; {DATE}",
     {"ip": "192.0.2.64", "auth": None}),
    ("plain SMTP is not authenticated",
     f"from mail.example.com (mail.example.com [192.0.2.4]) by mx.example.net (Postfix) with ESMTP id "
     f"ABC; {DATE}",
     {"auth": None}),
]


@pytest.mark.parametrize(("value", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rdns_helo_and_auth(value: str, expected: dict[str, Any]) -> None:
    hop = parse_received(value)
    for name, want in expected.items():
        assert getattr(hop, name) == want, f"{name}: {getattr(hop, name)!r} != {want!r}"


@pytest.mark.parametrize("value", [
    'from x(192.0.2.1), claiming to be "',
    "from (HELO ) () by",
    "from a ([192.0.2.1] verified",
    'from x(999.1.1.1), claiming to be "y" via SMTP by z, id q; Sun Nov 13 14:50:12 2005',
    f"from (EHLO) (192.0.2.1) by mx.example.net with SMTP; {DATE}",
])
def test_truncated_and_odd_forms_never_raise(value: str) -> None:
    parse_received(value)
