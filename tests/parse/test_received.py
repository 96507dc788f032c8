"""parse_received: one Received header → Hop, for the MTAs found in real mail.

Header lines marked with a corpus come from ../shared/corpora (INDEX.md there gives origin and
licence): sa = SpamAssassin public corpus, csdmc = CSDMC2010, nazario = Nazario phishing corpus,
notmuch = notmuch test corpora, patchwork = patchwork test mboxes, stalwart = stalwart mail-auth
resources, mailparser = SpamScope mail-parser tests. Lines marked "synthetic" follow the MTA's
documented format with example.com names and documentation addresses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.parse.dates import read_date as parse_date
from mailcheck.parse.received import is_contradiction, normalise_ip, parse_received

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("postfix (sa)",
     "from egwn.net (auth02.nl.egwn.net [193.172.5.4]) by    dogma.slashnull.org (8.11.6/8.11.6) with ESMTP "
     "id g7QJ8VZ05732 for    <jm-rpm@jmason.org>; Mon, 26 Aug 2002 20:08:31 +0100",
     {"ip": "193.172.5.4", "rdns": "auth02.nl.egwn.net", "helo": "egwn.net", "by": "dogma.slashnull.org",
      "id": "g7QJ8VZ05732", "for_": "jm-rpm@jmason.org", "protocol": "ESMTP", "relay": True}),
    ("postfix unknown rdns (nazario)",
     "from 204.181.64.8 (unknown [209.200.117.131])\tby mail2.monkey.org (Postfix) with SMTP id DE9621836A1\t"
     "for <jose@monkey.org>; Mon, 27 Jun 2005 21:07:05 -0400 (EDT)",
     {"ip": "209.200.117.131", "rdns": None, "helo": "204.181.64.8", "by": "mail2.monkey.org",
      "id": "DE9621836A1"}),
    ("postfix authenticated sender (mailparser)",
     "from computer_3436 (unknown [43.230.105.145]) (Authenticated sender: jdazey@alexandersmith.com) by "
     "omf06.b.hostedemail.com (Postfix) with ESMTPA for <kinney@noth.com>; Mon, 22 Aug 2016 14:22:52 +0000 "
     "(UTC)",
     {"ip": "43.230.105.145", "helo": "computer_3436", "protocol": "ESMTPA", "auth": "ESMTPA",
      "for_": "kinney@noth.com"}),
    ("postfix ESMTP with authenticated-sender comment only (csdmc)",
     "from [192.168.1.100] (212-123-164-6.ip.telfort.nl [212.123.164.6]) (Authenticated sender: sjoerd) by "
     "mail.lorentz.leidenuniv.nl (Postfix) with ESMTP id 6E1E115D8186 for <debian-user@lists.debian.org>; "
     "Tue, 18 May 2010 23:00:41 +0200 (CEST)",
     {"ip": "212.123.164.6", "rdns": "212-123-164-6.ip.telfort.nl", "helo": "[192.168.1.100]",
      "auth": "Authenticated sender: sjoerd"}),
    ("sendmail IDENT (sa)",
     "from florence.ie.alphyra.com (IDENT:nZkYDIusQDGfSMTyRHCNX/M/mWV8KiVA@itg-gw.cr008.cwt.esat.net "
     "[193.120.242.226]) by lugh.tuatha.org (8.9.3/8.9.3) with ESMTP id TAA30933 for <ilug@linux.ie>; "
     "Thu, 8 Aug 2002 19:24:33 +0100",
     {"ip": "193.120.242.226", "rdns": "itg-gw.cr008.cwt.esat.net", "helo": "florence.ie.alphyra.com",
      "ident": "nZkYDIusQDGfSMTyRHCNX/M/mWV8KiVA", "by": "lugh.tuatha.org", "id": "TAA30933"}),
    ("sendmail may be forged (csdmc)",
     "from Sivayogan (host-92-3-218-192.as43234.net [92.3.218.192] (may be forged)) by ns2.csmining.org with "
     "SMTP id n3SKpEva003102 for <hibody@csmining.org>; Wed, 29 Apr 2009 05:51:16 +0900 (JST)",
     {"ip": "92.3.218.192", "rdns": "host-92-3-218-192.as43234.net", "helo": "Sivayogan"}),
    ("sendmail authenticated bits (sa)",
     "from [192.168.0.4] (chello062178142216.4.14.vie.surfer.at [62.178.142.216]) (authenticated bits=0) by "
     "mail.uptime.at (8.12.5/8.12.5) with ESMTP id g7MEI7Vp022036 for "
     "<spamassassin-devel@lists.sourceforge.net>; "
     "Thu, 22 Aug 2002 16:18:07 +0200",
     {"ip": "62.178.142.216", "helo": "[192.168.0.4]", "auth": "authenticated bits=0"}),
    ("sendmail envelope-from after the date (csdmc)",
     "from corvil.com (pixelbeat.local.corvil.com [172.18.1.170]) by    corvil.com. (8.12.5/8.12.5) with "
     "ESMTP id "
     "g7GD0An4037116 for    <ilug@linux.ie>; Fri, 16 Aug 2002 14:00:10 +0100 (IST) (envelope-from    "
     "padraig.brady@corvil.com)",
     {"ip": "172.18.1.170", "envelope_from": "padraig.brady@corvil.com", "by": "corvil.com."}),
    ("sendmail local submission (sa)",
     "(from daemon@localhost) by docserver.cac.washington.edu (8.12.1+UW01.12/8.12.1+UW02.06) id "
     "g773nxYZ005355 "
     "for fork <fork@xent.com>; Tue, 6 Aug 2002 20:49:59 -0700",
     {"ip": None, "ident": "daemon", "helo": None, "relay": False, "by": "docserver.cac.washington.edu"}),
    ("sendmail -bs by a local user (csdmc)",
     "from localhost (eugen@localhost) by hydrogen.leitl.org (8.11.6/8.11.6) with ESMTP id g7H9Vik23356; "
     "Sat, 17 Aug 2002 11:31:45 +0200",
     {"ip": None, "ident": "eugen", "relay": False}),
    ("exim helo= (sa)",
     "from mail.t-intra.de ([62.156.147.75] helo=mailc0911.dte2k.de) by usw-sf-list1.sourceforge.net with "
     "esmtp "
     "(Exim 3.31-VA-mm2 #1 (Debian)) id 17X9Fx-0003Nt-00 for <spamassassin-talk@lists.sourceforge.net>; "
     "Tue, 23 Jul 2002 16:39:54 -0700",
     {"ip": "62.156.147.75", "rdns": "mail.t-intra.de", "helo": "mailc0911.dte2k.de",
      "by": "usw-sf-list1.sourceforge.net", "id": "17X9Fx-0003Nt-00", "protocol": "esmtp"}),
    ("exim address first, helo= and ident= (csdmc)",
     "from [192.168.1.7] (helo=thumper.dhh.gt.org ident=Debian-exim) by toncho.dhh.gt.org with esmtp "
     "(Exim 3.36 #1 (Debian)) id 1O6N6Q-0001OZ-00 for <debian-user@lists.debian.org>; Mon, 26 Apr 2010 "
     "07:07:54 -0500",
     {"ip": "192.168.1.7", "helo": "thumper.dhh.gt.org", "ident": "Debian-exim", "rdns": None}),
    ("exim verified name, no helo= (csdmc)",
     "from lns-bzn-30-82-253-148-133.adsl.proxad.net ([82.253.148.133]) by main.gmane.org with esmtp "
     "(Gmexim 0.1 (Debian)) id 1AlnuQ-0007hv-00 for <debian-kde@lists.debian.org>; Tue, 04 May 2010 "
     "11:40:57 +0200",
     {"ip": "82.253.148.133", "rdns": "lns-bzn-30-82-253-148-133.adsl.proxad.net"}),
    ("exim bracketed port (sa)",
     "from hippo.star.co.uk ([195.216.14.9]:2657) by panoramix.vasoftware.com with smtp (Exim 4.05-VA-mm1 #1 "
     "(Debian)) id 17hYvr-0006KW-00 for <SpamAssassin-talk@lists.sourceforge.net>; Wed, 21 Aug 2002 "
     "10:06:11 -0700",
     {"ip": "195.216.14.9", "by": "panoramix.vasoftware.com"}),
    ("exim esmtpsa with helo=[127.0.0.1] (csdmc)",
     "from damien.cob.calpoly.edu ([129.65.91.128] helo=[127.0.0.1]) by scully.cob.calpoly.edu with esmtpsa "
     "(TLS1.0:DHE_RSA_AES_256_CBC_SHA1:32) (Exim 4.69) (envelope-from <joe@emenaker.com>) id "
     "1O3z3l-00030T-Es for "
     "debian-laptop@lists.debian.org; Mon, 19 Apr 2010 15:03:17 -0700",
     {"ip": "129.65.91.128", "rdns": "damien.cob.calpoly.edu", "helo": "[127.0.0.1]", "auth": "esmtpsa",
      "envelope_from": "joe@emenaker.com"}),
    ("exim local (csdmc)",
     "from list by lo.gmane.org with local (Exim 4.69) (envelope-from <gldu-debian-user-2@m.gmane.org>) "
     "id 1OD079-0004N3-Hu for debian-user@lists.debian.org; Fri, 14 May 2010 21:00:03 +0200",
     {"ip": None, "relay": False, "protocol": "local", "envelope_from": "gldu-debian-user-2@m.gmane.org"}),
    ("qmail HELO and address (sa)",
     "from mgm.dsl.xmission.com (HELO opus) (204.228.152.186) by yrex.com with SMTP; 28 Aug 2002 20:28:21 "
     "-0000",
     {"ip": "204.228.152.186", "rdns": "mgm.dsl.xmission.com", "helo": "opus", "by": "yrex.com",
      "protocol": "SMTP"}),
    ("qmail ident@address, helo==rdns (sa)",
     "from x1-6-00-04-bd-d2-e0-a3.k317.webspeed.dk (benelli@80.167.158.170) by totor.bouissou.net with SMTP; "
     "5 Nov 2003 23:18:42 -0000",
     {"ip": "80.167.158.170", "ident": "benelli", "helo": "x1-6-00-04-bd-d2-e0-a3.k317.webspeed.dk"}),
    ("qmail-ldap bracketed HELO literal (csdmc)",
     "from unknown (HELO [192.168.0.101]) (s083201@[62.197.101.67]) (envelope-sender "
     "<Luca.Merciadri@student.ulg.ac.be>) by serv108.segi.ulg.ac.be (qmail-ldap-1.03) with SMTP for "
     "<ac@acampbell.org.uk>; 23 May 2010 13:32:25 +0200",
     {"ip": "62.197.101.67", "rdns": None, "helo": "[192.168.0.101]", "ident": "s083201",
      "envelope_from": "Luca.Merciadri@student.ulg.ac.be"}),
    ("qmail invoked from network (sa)",
     "(qmail 15822 invoked from network); 4 Oct 2002 02:50:21 -0000",
     {"ip": None, "by": None, "relay": False}),
    ("qmail-ldap invoked with messnum (sa)",
     "(qmail 323 messnum 260646 invoked from network[159.134.237.77/kearney.eircom.net]); 2 Jun 2002 "
     "01:23:11 -0000",
     {"relay": False}),
    ("qmail invoked by uid (nazario)",
     "(qmail 13432 invoked by uid 0); 18 Feb 2005 13:43:16 -0000", {"relay": False}),
    ("IIS SMTPSVC (patchwork)",
     "from dd1.caveonetworks.com ([64.2.3.195]) by caexch01.caveonetworks.com over TLS secured channel with "
     "Microsoft SMTPSVC(6.0.3790.4675); Mon, 5 Dec 2011 16:49:35 -0800",
     {"ip": "64.2.3.195", "helo": "dd1.caveonetworks.com", "by": "caexch01.caveonetworks.com",
      "protocol": "Microsoft SMTPSVC"}),
    ("IIS mail pickup service (csdmc)",
     "from mail pickup service by hotmail.com with Microsoft SMTPSVC; Mon, 23 Sep 2002 19:00:58 -0700",
     {"ip": None, "relay": False, "by": "hotmail.com"}),
    ("Exchange 2010 (patchwork)",
     "from localhost.localdomain.localdomain (10.175.113.25) by DGGEMS411-HUB.china.huawei.com "
     "(10.3.19.211) with "
     "Microsoft SMTP Server id 14.3.439.0; Tue, 20 Aug 2019 09:32:56 +0800",
     {"ip": "10.175.113.25", "helo": "localhost.localdomain.localdomain",
      "by": "DGGEMS411-HUB.china.huawei.com",
      "protocol": "Microsoft SMTP Server"}),
    ("Microsoft 365, IPv6, via Frontend Transport (stalwart)",
     "from BN7NAM10FT048.eop-nam10.prod.protection.outlook.com (2603:10b6:408:fb:cafe::d7) by "
     "BN9PR03CA0046.outlook.office365.com (2603:10b6:408:fb::21) with Microsoft SMTP Server (version=TLS1_2, "
     "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5746.27 via Frontend Transport; "
     "Tue, 25 Oct 2022 09:05:36 +0000",
     {"ip": "2603:10b6:408:fb:cafe::d7", "helo": "BN7NAM10FT048.eop-nam10.prod.protection.outlook.com",
      "by": "BN9PR03CA0046.outlook.office365.com", "id": "15.20.5746.27", "protocol": "Microsoft SMTP Server",
      "relay": True}),
    ("Google MX (notmuch)",
     "from angua (S01060002b3d79728.cg.shawcable.net [70.72.87.49]) by mx.google.com with ESMTPS id "
     "d15sm3276149ana.20.2010.11.14.19.57.43 (version=TLSv1/SSLv3 cipher=RC4-MD5); Sun, 14 Nov 2010 "
     "19:57:45 -0800 (PST)",
     {"ip": "70.72.87.49", "rdns": "S01060002b3d79728.cg.shawcable.net", "helo": "angua",
      "by": "mx.google.com",
      "id": "d15sm3276149ana.20.2010.11.14.19.57.43", "protocol": "ESMTPS"}),
    ("Google address only (notmuch)",
     "from monstr.eu ([178.23.216.97]) by mx.google.com with ESMTPS id l14sm735429fan.33.2010.11.14.22.37.40 "
     "(version=SSLv3 cipher=RC4-MD5); Sun, 14 Nov 2010 22:37:41 -0800 (PST)",
     {"ip": "178.23.216.97", "helo": "monstr.eu", "rdns": None}),
    ("Gmail submission ESMTPSA, rDNS with trailing dot (patchwork)",
     "from MARS.lan (host39-81.statics.netsource.ie. [212.17.39.81]) by smtp.gmail.com with ESMTPSA id "
     "e5sm14784082wma.13.2016.09.11.15.31.01 for <stephenfinucane@hotmail.com> (version=TLS1_2 "
     "cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128); Sun, 11 Sep 2016 15:31:01 -0700 (PDT)",
     {"ip": "212.17.39.81", "rdns": "host39-81.statics.netsource.ie", "auth": "ESMTPSA"}),
    ("Gmail internal hop, no client (csdmc)",
     "by 10.223.17.90 with SMTP id r26mr2620699faa.5.1272797228054;        Sun, 02 May 2010 03:47:08 -0700 "
     "(PDT)",
     {"ip": None, "by": "10.223.17.90", "relay": True, "protocol": "SMTP"}),
    ("Yahoo web mail (sa)",
     "from [193.220.176.134] by web40310.mail.yahoo.com via HTTP; Wed, 12 Feb 2003 14:22:21 PST",
     {"ip": "193.220.176.134", "by": "web40310.mail.yahoo.com", "protocol": "HTTP"}),
    ("Yahoo SMTP with login (nazario)",
     "from unknown (HELO newcastle23) (newcastle23@195.234.182.160 with login) by "
     "smtp803.mail.sc5.yahoo.com with "
     "SMTP; 14 Apr 2005 02:37:26 -0000",
     {"ip": "195.234.182.160", "helo": "newcastle23", "auth": "newcastle23@195.234.182.160 with login"}),
    ("Amazon SES client (stalwart)",
     "from a14-92.smtp-out.amazonses.com (a14-92.smtp-out.amazonses.com [54.240.14.92]) (using TLSv1.2 with "
     "cipher "
     "ECDHE-RSA-AES128-SHA256 (128/128 bits)) (No client certificate requested) by mail.stalw.art (Postfix) "
     "with "
     "ESMTPS id 1337D7E19D for <domains@stalw.art>; Mon, 28 Nov 2022 10:51:56 +0000",
     {"ip": "54.240.14.92", "rdns": "a14-92.smtp-out.amazonses.com", "by": "mail.stalw.art"}),
    ("Zimbra LMTP with LHLO (synthetic)",
     "from mail.example.com (LHLO mail.example.com) (192.0.2.10) by mail.example.com with LMTP; "
     "Tue, 1 Mar 2022 10:00:00 -0500 (EST)",
     {"ip": "192.0.2.10", "relay": False, "protocol": "LMTP"}),
    ("Cyrus LMTPA (stalwart)",
     "from compute3.internal (compute3.nyi.internal [10.202.2.43]) by sloti43n03 (Cyrus 3.11.0-alpha0) with "
     "LMTPA; "
     "Wed, 07 Aug 2024 21:23:35 -0400",
     {"ip": "10.202.2.43", "relay": False, "auth": "LMTPA"}),
    ("fetchmail IMAP (sa)",
     "from phobos [127.0.0.1]\tby localhost with IMAP (fetchmail-5.9.0)\tfor jm@localhost (single-drop); "
     "Tue, 13 Aug 2002 10:19:31 +0100 (IST)",
     {"ip": "127.0.0.1", "helo": "phobos", "by": "localhost", "relay": False, "for_": "jm@localhost"}),
    ("fetchmail POP3 from a public server (sa)",
     "from mail.webnote.net [193.120.211.219]\tby localhost with POP3 (fetchmail-5.9.0)\tfor zzzz@localhost "
     "(single-drop); Wed, 28 Aug 2002 10:42:54 +0100 (IST)",
     {"ip": "193.120.211.219", "relay": False, "protocol": "POP3"}),
    ("amavis hand-off on loopback (csdmc)",
     "from liszt.debian.org ([127.0.0.1])\tby localhost (lists.debian.org [127.0.0.1]) (amavisd-new, port "
     "2525)\t"
     "with ESMTP id 5UvvTgeaQAFx for <lists-debian-kde@liszt.debian.org>;\tThu,  6 May 2010 15:59:11 +0000 "
     "(UTC)",
     {"ip": "127.0.0.1", "by": "localhost", "relay": False, "id": "5UvvTgeaQAFx"}),
    ("Courier IPv4-mapped address and AUTH (sa)",
     "from yoda (12-231-69-107.client.attbi.com [::ffff:12.231.69.107]) (AUTH: CRAM-MD5 "
     "hosting@j2solutions.net) by "
     "mail.j2solutions.net with esmtp; Thu, 19 Sep 2002 22:13:32 -0700",
     {"ip": "12.231.69.107", "rdns": "12-231-69-107.client.attbi.com",
      "auth": "AUTH: CRAM-MD5 hosting@j2solutions.net"}),
    ("Courier IPv4-mapped address only, IDENT comment (sa easy_ham_2)",
     "from dhiggins ([::ffff:205.233.198.35]) (IDENT: xafurni) by netc.net with esmtp; "
     "Mon, 05 Aug 2002 09:49:57 -0400",
     {"ip": "205.233.198.35", "helo": "dhiggins", "ident": "xafurni", "by": "netc.net"}),
    ("IPv6: prefix on loopback (sa)",
     "from darkness.sial.org (localhost. [IPv6:::1]) by mail.sial.org (8.12.5/8.12.5) with ESMTP id "
     "g7SF6EQK002946 "
     "for <spamassassin-talk@lists.sourceforge.net>; Wed, 28 Aug 2002 08:06:14 -0700 (PDT)",
     {"ip": "::1", "rdns": None, "relay": False}),
    ("IPv6 client (notmuch)",
     "from mx2.freebsd.org (mx2.freebsd.org [2610:1c1:1:606c::19:2]) by smrk (OpenSMTPD) with ESMTPS id "
     "048528c1 "
     "(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) for <stepnem@smrk.net>; Tue, 23 Jun 2026 07:47:54 +0200 (CEST)",
     {"ip": "2610:1c1:1:606c::19:2", "rdns": "mx2.freebsd.org", "by": "smrk", "protocol": "ESMTPS"}),
    ("IPv6 with IPv6: prefix (csdmc)",
     "from tac.ki.iif.hu (tac.ki.iif.hu [IPv6:2001:738:0:401:20c:6eff:fe71:b2db]) (using TLSv1 with cipher "
     "AES256-SHA (256/256 bits)) (Client did not present a certificate) by liszt.debian.org (Postfix) with "
     "ESMTPS "
     "id 8ADC313A4960; Mon, 24 May 2010 17:13:08 +0000 (UTC)",
     {"ip": "2001:738:0:401:20c:6eff:fe71:b2db", "rdns": "tac.ki.iif.hu"}),
    ("port inside the brackets (nazario, ecelerity)",
     "from ([127.0.0.1:43887]) by drmonroe.techtarget.com (ecelerity 1.2.10.1 r(4336)) with ECSTREAM id "
     "E9/BF-01345-21548A24 for <username@domain.com>; Thu, 09 Jun 2005 09:33:06 -0400",
     {"ip": "127.0.0.1", "helo": None, "id": "E9/BF-01345-21548A24"}),
    ("Smail from … from (csdmc)",
     "from mx7.airmail.net from [209.196.77.104] by mail5.airmail.net (/\\##/\\ Smail3.1.30.16 #30.56) with "
     "esmtp "
     "for <ler@209.196.123.6> sender: <vip@99-81.com> id <mP/17oq98-002OgFP@mail5.airmail.net>; "
     "Tue, 10 Sep 2002 13:53:58 -0500 (CDT)",
     {"ip": "209.196.77.104", "by": "mail5.airmail.net"}),
    ("glued name[address] (nazario)",
     "from infong233.us.perfora.net[217.160.226.16] (helo=infong233) by mrelay.perfora.net with ESMTP "
     "(Nemesis), "
     "id 0MKyxe-1CvH5T02ii-0008IW; Sun, 30 Jan 2005 10:34:07 -0500",
     {"ip": "217.160.226.16", "rdns": "infong233.us.perfora.net", "helo": "infong233"}),
]


@pytest.mark.parametrize(("value", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mta_formats(value: str, expected: dict[str, Any]) -> None:
    hop = parse_received(value)
    for name, want in expected.items():
        assert getattr(hop, name) == want, f"{name}: {getattr(hop, name)!r} != {want!r}"
    assert hop.raw == value


def test_fields_and_timestamp_of_a_postfix_line() -> None:
    hop = parse_received(CASES[0][1])
    assert hop.timestamp == datetime(2002, 8, 26, 19, 8, 31, tzinfo=UTC)
    assert hop.timestamp is not None and hop.timestamp.utcoffset() == timedelta(hours=1)
    assert hop.timestamp_text == "Mon, 26 Aug 2002 20:08:31 +0100"
    assert hop.problems == ()


@pytest.mark.parametrize(("text", "ip"), [
    ("[192.0.2.1]", "192.0.2.1"),
    ("IPv6:2001:db8::1", "2001:db8::1"),
    ("[IPv6:2001:DB8:0:0::1]", "2001:db8::1"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("[::ffff:c000:0207]", "192.0.2.7"),
    ("192.0.2.1:25", "192.0.2.1"),
    ("fe80::1%eth0", "fe80::1"),
    ("999.1.2.3", None),
    ("mail.example.com", None),
])
def test_ip_normalisation(text: str, ip: str | None) -> None:
    assert normalise_ip(text) == ip


@pytest.mark.parametrize("value", [
    "from mail.example.org ([192.0.2.5]:2525) by mx.example.com with esmtp id 1; Mon, 2 Nov 2020 10:00:00 "
    "+0000",
    "from mail.example.org ([192.0.2.5:2525]) by mx.example.com with esmtp id 1; Mon, 2 Nov 2020 10:00:00 "
    "+0000",
    "from mail.example.org (192.0.2.5:2525) by mx.example.com with esmtp id 1; Mon, 2 Nov 2020 10:00 -0000",
])
def test_ports_next_to_the_address(value: str) -> None:
    assert parse_received(value).ip == "192.0.2.5"


def test_ipv6_port_outside_brackets() -> None:
    hop = parse_received("from mail.example.org (mail.example.org [2001:db8::25]:25) by mx.example.com "
                         "(Postfix) "
                         "with ESMTPS id ABC123; Mon, 2 Nov 2020 10:00:00 +0000")
    assert hop.ip == "2001:db8::25"
    assert hop.rdns == "mail.example.org"


def test_zone_minus_0060_is_impossible() -> None:
    hop = parse_received("from a.example.com ([192.0.2.1]) by mx.example.com with esmtp; "
                         "Fri, 17 Nov 2006 08:59:19 -0060")
    assert hop.timestamp is None
    assert hop.timestamp_text == "Fri, 17 Nov 2006 08:59:19 -0060"
    assert any("impossible zone offset -0060" in p for p in hop.problems)
    assert all(is_contradiction(p) for p in hop.problems if "-0060" in p)


@pytest.mark.parametrize(("text", "why"), [
    ("Fri, 17 Nov 2006 08:59:19 +1500", "impossible zone offset +1500"),
    ("Mon, 31 Feb 2003 10:00:00 +0000", "Feb 2003 has 28 days"),
    ("Fri, 17 Nov 2006 25:59:19 +0000", "impossible time"),
])
def test_impossible_dates(text: str, why: str) -> None:
    stamp = parse_date(text)
    assert stamp.when is None
    assert any(why in p and is_contradiction(p) for p in stamp.problems), stamp.problems


@pytest.mark.parametrize(("text", "when"), [
    ("Tue, 8 Oct 2002 10:55:22 +0100 (IST)", datetime(2002, 10, 8, 9, 55, 22, tzinfo=UTC)),
    ("17 Nov 2006 08:59:12 -0000", datetime(2006, 11, 17, 8, 59, 12, tzinfo=UTC)),
    ("Wed, 12 Feb 2003 14:22:21 PST", datetime(2003, 2, 12, 22, 22, 21, tzinfo=UTC)),
    ("28 Aug 02 09:32:10 +0000", datetime(2002, 8, 28, 9, 32, 10, tzinfo=UTC)),
    ("Mon, 02 Sep 2002 01:07:29 -08:00", datetime(2002, 9, 2, 9, 7, 29, tzinfo=UTC)),
    ("Sun, 11 Sep 2016 15:31:01 -0700 (PDT)", datetime(2016, 9, 11, 22, 31, 1, tzinfo=UTC)),
])
def test_dates_mtas_write(text: str, when: datetime) -> None:
    stamp = parse_date(text)
    assert stamp.when == when
    assert not any(is_contradiction(p) for p in stamp.problems)


def test_zone_is_kept() -> None:
    stamp = parse_date("Fri, 14 May 2010 15:45:56 -0700 (PDT)")
    assert stamp.when is not None and stamp.when.tzinfo == timezone(timedelta(hours=-7))


def test_missing_date_is_an_oddity_not_a_contradiction() -> None:
    hop = parse_received("from first.example.com by second.example.com")
    assert hop.timestamp is None and hop.timestamp_text is None
    assert hop.problems and not any(is_contradiction(p) for p in hop.problems)


def test_essay_garbage_hop_filled_in() -> None:
    hop = parse_received("from [203.0.113.77] (HELO example.com) by mx.example.com with esmtp (U8M0B9>/*0 "
                         ">=.KM) "
                         "id 2K7..7-A,X0IM-QF for <victim@example.com>; Fri, 17 Nov 2006 08:59:19 -0060")
    assert hop.ip == "203.0.113.77" and hop.helo == "example.com" and hop.by == "mx.example.com"
    assert hop.id == "2K7..7-A,X0IM-QF" and hop.for_ == "victim@example.com"
    contradictions = [p for p in hop.problems if is_contradiction(p)]
    assert any("U8M0B9" in p and "angle bracket" in p for p in contradictions)
    assert any("-0060" in p for p in contradictions)


def test_essay_hops_as_printed_never_crash_and_show_garbage() -> None:
    hop = parse_received("from (HELO by with esmtp (U8M0B9>/*0 >=.KM) id 2K7..7-A,X0IM-QF for; "
                         "Fri, 17 Nov 2006 08:59:19 -0060")
    assert hop.ip is None and hop.by is None
    assert any("unbalanced" in p for p in hop.problems)
    assert any("-0060" in p and is_contradiction(p) for p in hop.problems)
    second = parse_received("from unknown (HELO cudo) (@ by with SMTP; 17 Nov 2006 08:59:12 -0000")
    assert second.helo == "cudo" and second.ip is None
    assert second.timestamp == datetime(2006, 11, 17, 8, 59, 12, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    # nazario: a phishing kit's template variables left in the queue id
    "from x.example.com ([192.0.2.1]) by mx.example.com with ESMTP id 47390263597642.OK105.%EBAYDOMAIN@x; "
    "Mon, 2 Nov 2020 10:00:00 +0000",
    "from x.example.com ([192.0.2.1]) by mx.example.com with ESMTP id 05[1-5].WBXL539@bellsouth.net; "
    "Mon, 2 Nov 2020 10:00:00 +0000",
    # spam: an IPv4 address with a leading zero, which no socket reports
    "from 201.151.171.08 ([127.0.0.1]) by fileserver3.evalue.com with Microsoft SMTPSVC(5.0.2195.5329); "
    "Fri, 6 Sep 2002 01:52:08 +0530",
])
def test_text_no_mta_writes(value: str) -> None:
    assert any(is_contradiction(p) for p in parse_received(value).problems)


@pytest.mark.parametrize("value", [
    # real MTAs: InterMail ids end in @[address] (sa), Amazon ids contain ',' (sa hard_ham)
    "from [24.61.113.164] by rwcrmhc51.attbi.com (InterMail vM.4.01.03.27 201-229-121-127-20010626) with "
    "ESMTP id "
    "<20020919014137.ZVCQ29827.rwcrmhc51.attbi.com@[24.61.113.164]>; Thu, 19 Sep 2002 01:41:37 +0000",
    "by mail-ems-101.amazon.com id AAA-24721820-08683,4237; 9 Nov 2002 00:19:14 -0800",
    # a misconfigured sendmail whose version comment has an unbalanced parenthesis (sa easy_ham)
    "from localhost (jrennie@tiikeri [128.52.37.76]) by life.ai.mit.edu "
    "(8.12.2/8.12.2/BASENAME(ai.master.life-"
    "8.12.2.mc, .mc):RCS_REVISION(evision: 1.23 ) with ESMTP id g99GvDmX025433; Wed, 9 Oct 2002 12:57:14 "
    "-0400 (EDT)",
    # AOL's unsigned zone (sa easy_ham_2)
    "from aol.com (mow-m19.webmail.aol.com [64.12.180.135]) by air-id09.mx.aol.com (v86_r1.16) with ESMTP id "
    "MAILINID93-0808073613; Thu, 08 Aug 2002 07:36:13 2000",
])
def test_odd_but_real_mta_output_is_no_contradiction(value: str) -> None:
    assert not any(is_contradiction(p) for p in parse_received(value).problems)


def test_folded_white_space_is_normalised() -> None:
    folded = ("from a.example.com (a.example.com [192.0.2.9])\r\n\tby mx.example.com (Postfix)  with ESMTP\t "
              "id X1; "
              "Mon,  2 Nov 2020 10:00:00 +0000")
    hop = parse_received(folded)
    assert (hop.ip, hop.by, hop.id, hop.protocol) == ("192.0.2.9", "mx.example.com", "X1", "ESMTP")
    assert hop.timestamp == datetime(2020, 11, 2, 10, 0, tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(value: str) -> None:
    hop = parse_received(value)
    assert hop.raw == value
    assert hop.ip is None or normalise_ip(hop.ip) == hop.ip


_PIECES = st.sampled_from(["from", "by", "with", "id", "for", "via", "(", ")", "[", "]", ";", "<", ">", "@",
                           "HELO", "helo=", "IPv6:", "::ffff:", "192.0.2.1", "2001:db8::1", ":25", "-0060",
                           "Fri, 17 Nov 2006 08:59:19", "localhost", "mail.example.com", " ", "\t", "\r\n "])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_never_raises_on_received_shaped_text(value: str) -> None:
    parse_received(value)
