"""Microsoft's A-R, FFAS and stamp headers decoded into typed values and plain words.

Header values marked "phishing-pot-dev" are quoted from rf-peixoto/phishing_pot (CC BY-NC 4.0, via
../shared/corpora/phishing-pot-dev/email/<file>); the others are synthetic (RFC 5737 / example names)
in the forms providers.md §1.5–§1.8 gives.
"""

from __future__ import annotations

import pytest

from mailcheck.auth.provider_verdicts import (
    decode_microsoft,
    is_microsoft_form,
    parse_connecting_ip,
    parse_forefront,
    parse_microsoft_ar,
    parse_stamps,
)
from mailcheck.auth.provider_verdicts.ms_codes import bcl, compauth_reason, scl

# phishing-pot-dev sample-1393.eml
REAL_FAIL = ("spf=fail (sender IP is 38.242.137.69) smtp.mailfrom=accountprotection.microsoft.com; dkim=fail "
             "(signature did not verify) header.d=accountprotection.microsoft.com;dmarc=none action=none "
             "header.from=accountprotection.Club-sams.com;compauth=fail reason=001")
# phishing-pot-dev sample-3772.eml
REAL_PASS = ("spf=pass (sender IP is 52.100.164.218) smtp.mailfrom=ali1.sarakzit.za.com; dkim=pass (signature "
             "was verified) header.d=ali1.sarakzit.za.com;dmarc=none action=none "
             "header.from=ali1.sarakzit.za.com;compauth=pass reason=130")
# phishing-pot-dev sample-4489.eml: the whole value RFC 2047-encoded (header.from in mathematical bold)
REAL_ENCODED = ("=?utf-8?B?c3BmPW5vbmUgKHNlbmRlciBJUCBpcyAxOTQuMTEwLjE3My4xMTUpIHNtdHAu?= "
                "=?utf-8?B?aGVsbz1TbWFydC53YXJlLmhrOyBka2ltPW5vbmUgKG1lc3NhZ2Ugbm90IHNp?= "
                "=?utf-8?B?Z25lZCkgaGVhZGVyLmQ9bm9uZTtkbWFyYz1ub25lIGFjdGlvbj1ub25lIGhl?= "
                "=?utf-8?B?YWRlci5mcm9tPfCdl7LwnZev8J2XrvCdmIYu8J2XsWU7?=")
SYNTHETIC = ("spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=example.org; dkim=none (message not signed) "
             "header.d=none;dmarc=fail action=oreject header.from=example.org;compauth=fail reason=000")


def test_real_header_typed() -> None:
    ar = parse_microsoft_ar(REAL_FAIL)
    assert ar.spf is not None and ar.spf.result == "fail"
    assert (ar.spf.sender_ip, ar.spf.mailfrom) == ("38.242.137.69", "accountprotection.microsoft.com")
    assert [(d.result, d.domain, d.comment) for d in ar.dkim] == [
        ("fail", "accountprotection.microsoft.com", "signature did not verify")]
    assert ar.dmarc is not None
    assert (ar.dmarc.result, ar.dmarc.action, ar.dmarc.header_from) == (
        "none", "none", "accountprotection.Club-sams.com")
    assert ar.compauth is not None and (ar.compauth.result, ar.compauth.reason) == ("fail", "001")
    assert ar.recorded_sender_ip() == "38.242.137.69"
    assert not ar.dmarc_failed_under_enforcement()


def test_plain_words_example() -> None:
    words = parse_microsoft_ar(SYNTHETIC).plain_words()
    assert words[0].startswith("Microsoft recorded at receipt: SPF fail for example.org from 203.0.113.9; ")
    assert "DMARC fail for example.org, action oreject (reject override" in words[0]
    assert "unconfirmed" in words[0]
    assert "composite authentication fail (reason 000: explicit authentication failed" in words[0]


def test_arc_override_reason_in_words() -> None:
    assert "ARC result" in parse_microsoft_ar(REAL_PASS).plain_words()[0]


def test_encoded_value_decoded() -> None:
    ar = parse_microsoft_ar(REAL_ENCODED)
    assert ar.recorded_sender_ip() == "194.110.173.115"
    assert ar.spf is not None and ar.spf.helo == "Smart.ware.hk"
    assert ar.dmarc is not None and ar.dmarc.header_from == "\U0001d5f2\U0001d5ef\U0001d5ee\U0001d606.\U0001d5f1e"


@pytest.mark.parametrize(("action", "result", "enforced"), [
    ("oreject", "fail", True), ("quarantine", "fail", True), ("reject", "fail", True),
    ("pct.quarantine", "fail", False), ("pct.reject", "fail", False), ("none", "fail", False),
    ("permerror", "fail", False), ("oreject", "pass", False), ("none", "bestguesspass", False),
])
def test_dmarc_enforcement(action: str, result: str, enforced: bool) -> None:
    value = f"spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=a.example;dmarc={result} action={action} " \
            "header.from=a.example;compauth=fail reason=000"
    assert parse_microsoft_ar(value).dmarc_failed_under_enforcement() is enforced


def test_pct_words() -> None:
    words = parse_microsoft_ar("dmarc=fail action=pct.quarantine header.from=a.example").plain_words()[0]
    assert "pct sampling skipped this message" in words


def test_older_form_with_bare_recipient_tokens() -> None:
    # Form from MS-ARS (providers.md §1.5), names synthetic.
    ar = parse_microsoft_ar("spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=aol.example; contoso.example; "
                            "dkim=pass (signature was verified) header.d=aol.example;contoso.example; "
                            "dmarc=pass action=none header.from=aol.example;")
    assert ar.bare_tokens == ("contoso.example", "contoso.example")
    assert ar.dkim[0].domain == "aol.example" and ar.dmarc is not None and ar.dmarc.result == "pass"
    assert any("recipient's domain" in s for s in ar.plain_words())


def test_empty_sender_ip() -> None:
    # Form from FL-365 (providers.md §1.5): Microsoft-internal mail.
    ar = parse_microsoft_ar("spf=none (sender IP is ) smtp.mailfrom=<>; dkim=none (message not signed) "
                            "header.d=none;dmarc=none action=none header.from=;")
    assert ar.recorded_sender_ip() is None
    assert ar.dmarc is not None and ar.dmarc.header_from == ""
    assert any("no usable sender IP" in s for s in ar.plain_words())


def test_damaged_ip_is_not_an_ip() -> None:
    # phishing-pot-dev anonymised some IPs (e.g. "193.phishing@pot.113.219"): no address, no exception.
    assert parse_microsoft_ar("spf=pass (sender IP is 193.phishing@pot.113.219) smtp.mailfrom=x.example") \
        .recorded_sender_ip() is None


def test_arc_form_policy_comment_decides_without_action() -> None:
    ar = parse_microsoft_ar("i=2; mx.microsoft.com 1; spf=fail (sender ip is 192.0.2.3) smtp.mailfrom=a.example;"
                            " dmarc=fail (p=reject sp=reject pct=100) header.from=a.example",
                            "ARC-Authentication-Results")
    assert ar.authserv_id == "mx.microsoft.com" and ar.recorded_sender_ip() == "192.0.2.3"
    assert ar.dmarc_failed_under_enforcement()
    sampled = parse_microsoft_ar("dmarc=fail (p=reject pct=50) header.from=a.example")
    assert not sampled.dmarc_failed_under_enforcement()


def test_form_detection() -> None:
    assert is_microsoft_form(REAL_FAIL) and is_microsoft_form(REAL_ENCODED)
    assert not is_microsoft_form("mx.google.com; spf=pass smtp.mailfrom=a.example")


@pytest.mark.parametrize(("code", "words"), [
    ("000", "explicit authentication failed"), ("001", "implicit authentication failed"),
    ("002", "forbids"), ("010", "accepted domains"), ("130", "ARC"), ("109", "passed"), ("705", "passed"),
    ("201", "soft-passed"), ("301", "not checked"), ("451", "bypassed"), ("905", "bypassed"),
    ("601", "accepted domains"), ("501", "does not document"), ("x", "does not document"), (None, "no reason"),
])
def test_compauth_reasons(code: str | None, words: str) -> None:
    assert words in compauth_reason(code)


def test_scl_and_bcl_words() -> None:
    assert "skipped" in scl("-1") and "not spam" in scl("1") and scl("6").startswith("spam")
    assert "high-confidence" in scl("9") and "does not write" in scl("3") and scl("x") == "not a number"
    assert bcl("0") == "not from a bulk sender" and "many complaints" in bcl("8") and "few" in bcl("2")


# phishing-pot-dev sample-406.eml
REAL_FFAS = ("CIP:62.161.37.113;CTRY:FR;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:antispam.sdis91.fr;"
             "PTR:smtp.sdis91.fr;CAT:SPM;SFS:(13230025)(451199018)(8676002);DIR:INB;")


def test_forefront_report() -> None:
    report = parse_forefront(REAL_FFAS)
    assert report.recorded_sender_ip() == "62.161.37.113" and not report.dmarc_failed_under_enforcement()
    assert report.get("h") == "antispam.sdis91.fr" and report.undocumented_keys() == ("SFS",)
    words = " ".join(report.plain_words())
    for expected in ("connecting IP 62.161.37.113", "country/region of the connecting IP FR",
                     "reverse DNS name smtp.sdis91.fr", "SCL 5: spam", "SFV SPM: filtered as spam",
                     "category SPM: spam", "IPV NLI", "direction inbound", "internal/undocumented"):
        assert expected in words


def test_forefront_untrusted_placeholder_ipv6_and_unknown_values() -> None:
    # phishing-pot-dev sample-7879.eml (shortened): internal submission, placeholder CIP.
    report = parse_forefront("CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;"
                             "H:CPWP215MB2189.LAMP215.PROD.OUTLOOK.COM;PTR:;CAT:NONE;DIR:OUT;SFP:1102;",
                             "X-Forefront-Antispam-Report-Untrusted")
    assert report.untrusted and report.recorded_sender_ip() is None
    words = " ".join(report.plain_words())
    assert "sender-side pass" in words and "no usable connecting IP (255.255.255.255)" in words
    assert parse_forefront("CIP:2001:db8::5;SFV:ZZZ;SFTY:9.25").recorded_sender_ip() == "2001:db8::5"
    assert "does not document" in " ".join(parse_forefront("SFV:ZZZ").plain_words())
    assert "first contact" in " ".join(parse_forefront("SFTY:9.25").plain_words())


def test_stamps() -> None:
    # Values from phishing-pot-dev sample-6034.eml (delivery), sample-7897.eml (connecting IP), BCL 8 sample-6670.
    stamps = parse_stamps([
        ("X-Microsoft-Antispam", "BCL:8;ARA:1444111002|119000799006;"),
        ("X-MS-Exchange-Organization-SCL", "9"), ("X-MS-Exchange-Organization-AuthAs", "Anonymous"),
        ("X-MS-Exchange-Organization-AuthSource", "DBAEUR03FT050.eop-EUR03.prod.protection.outlook.com"),
        ("X-MS-Exchange-Organization-MessageDirectionality", "Incoming"),
        ("X-Microsoft-Antispam-Mailbox-Delivery", "ucf:0;jmr:0;ex:0;psp:0;auth:0;dest:J;OFR:SpamFilterAuthJ;"
                                                  "ENG:(5062000311)(920221119095);RF:JunkEmail;"),
        ("X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp",
         "TenantId=772f1099-bc2b-4797-9c22-94594494461f;Ip=[23.81.33.40];Helo=[slave.socialou.com]"),
    ])
    assert (stamps.bcl, stamps.scl, stamps.dest, stamps.deciding_rule) == ("8", "9", "J", "SpamFilterAuthJ")
    assert stamps.recorded_sender_ip() == "23.81.33.40" and not stamps.dmarc_failed_under_enforcement()
    words = " ".join(stamps.plain_words())
    for expected in ("BCL 8: bulk sender with many complaints", "SCL 9: high-confidence spam",
                     "Junk Email folder (dest:J, decided by SpamFilterAuthJ)", "as Anonymous: not authenticated",
                     "Incoming: not from the organization", "connecting IP 23.81.33.40"):
        assert expected in words
    assert parse_stamps([]).plain_words() == ()
    assert parse_connecting_ip("garbage").recorded_sender_ip() is None


def test_decode_microsoft_picks_the_receipt_copy() -> None:
    verdicts = decode_microsoft([
        ("Authentication-Results", SYNTHETIC),
        ("Authentication-Results", "mx.google.com; spf=pass smtp.mailfrom=a.example"),  # not Microsoft's form
        ("X-MS-Exchange-Authentication-Results", "spf=fail (sender IP is 198.51.100.1) smtp.mailfrom=b.example;"
                                                 "dmarc=fail action=quarantine header.from=b.example"),
        ("X-Forefront-Antispam-Report-Untrusted", "CIP:198.51.100.1;SCL:9"),
    ])
    assert len(verdicts.auth_results) == 2 and verdicts.recorded_sender_ip() == "203.0.113.9"
    assert verdicts.dmarc_failed_under_enforcement()
    assert any("renamed by Microsoft" in s for s in verdicts.plain_words())
    only_renamed = decode_microsoft([("X-MS-Exchange-Authentication-Results",
                                      "dmarc=fail action=reject header.from=b.example")])
    assert not only_renamed.dmarc_failed_under_enforcement() and only_renamed.recorded_sender_ip() is None
    ffas_only = decode_microsoft([("X-Forefront-Antispam-Report", REAL_FFAS)])
    assert ffas_only.recorded_sender_ip() == "62.161.37.113"
