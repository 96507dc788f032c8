"""Google, Proton, iCloud, Yahoo, Fastmail and Zoho receipt records and Received-SPF, decoded and summarised.

Values marked "phishing-pot-dev" are quoted from rf-peixoto/phishing_pot (CC BY-NC 4.0, via
../shared/corpora/phishing-pot-dev/email/<file>); the rest are synthetic in the forms of providers.md §2.3, §3.
"""

from __future__ import annotations

import pytest

from mailcheck.auth.provider_verdicts import (
    decode_fastmail,
    decode_google,
    decode_icloud,
    decode_proton,
    decode_yahoo,
    decode_zoho,
    parse_received_spf,
)

AR = "Authentication-Results"
# phishing-pot-dev sample-1183.eml
GOOGLE_REAL = ("mx.google.com; dkim=pass header.i=@gmail.com header.s=20210112 header.b=hkJVO3Ut; spf=pass "
               "(google.com: domain of rolandjjj2259@gmail.com designates 209.85.220.41 as permitted sender) "
               "smtp.mailfrom=rolandjjj2259@gmail.com; dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) "
               "header.from=gmail.com")


def test_google_real() -> None:
    record = decode_google([(AR, GOOGLE_REAL)])
    assert record.strict and record.authserv_ids == ("mx.google.com",)
    assert record.recorded_sender_ip() == "209.85.220.41"
    assert record.dkim[0].domain == "gmail.com" and record.dkim[0].selector == "20210112"
    assert record.dmarc[0].policy.p == "none" and record.dmarc[0].policy.sp == "quarantine"
    assert not record.dmarc_failed_under_enforcement()
    assert record.plain_words()[0].startswith("Google recorded at receipt (mx.google.com): SPF pass for "
                                              "rolandjjj2259@gmail.com from 209.85.220.41")


@pytest.mark.parametrize(("comment", "header_from", "enforced"), [
    ("p=REJECT sp=REJECT dis=REJECT", "example.org", True),
    ("p=QUARANTINE sp=QUARANTINE dis=QUARANTINE", "example.org", True),
    ("p=REJECT sp=REJECT dis=NONE", "example.org", False),  # Google applied nothing: override / sampling
    ("p=REJECT sp=NONE", "example.org", True),  # no dis=: the organizational domain's p applies
    ("p=REJECT sp=NONE", "mail.example.org", False),  # a sub-domain: sp applies
    ("p=NONE sp=QUARANTINE dis=NONE", "example.org", False),
])
def test_google_enforcement(comment: str, header_from: str, enforced: bool) -> None:
    value = f"mx.google.com; dmarc=fail ({comment}) header.from={header_from}"
    assert decode_google([(AR, value)]).dmarc_failed_under_enforcement() is enforced


def test_google_dis_none_explained_and_other_ids_ignored() -> None:
    record = decode_google([(AR, "mx.google.com; dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=a.example"),
                            (AR, "evil.example; dmarc=fail (p=REJECT dis=REJECT) header.from=a.example")])
    assert record.authserv_ids == ("mx.google.com",) and len(record.dmarc) == 1
    assert "applied no disposition" in record.plain_words()[0]


def test_google_received_spf_fills_the_ip() -> None:
    # Received-SPF in the neutral/best-guess form of providers.md §2.3 (MA-ARC), synthetic addresses.
    record = decode_google([(AR, "mx.google.com; spf=neutral smtp.mailfrom=a@a.example"),
                            ("Received-SPF", "neutral (google.com: 192.0.2.44 is neither permitted nor denied "
                                             "by best guess record for domain of a@a.example) client-ip=192.0.2.44;")])
    assert record.received_spf is not None and record.received_spf.reporter == "google.com"
    assert record.recorded_sender_ip() == "192.0.2.44"


# phishing-pot-dev sample-1534.eml (four A-R, one per method, plus the X-Pm-* stamps)
PROTON = [(AR, "mailin051.protonmail.ch; dmarc=fail (p=reject dis=none) header.from=sac.com.br"),
          (AR, "mailin051.protonmail.ch; spf=none smtp.mailfrom=nadamaisimpot3.homesecuritymac.com"),
          (AR, "mailin051.protonmail.ch; arc=none smtp.remote-ip=167.99.160.244"),
          (AR, "mailin051.protonmail.ch; dkim=none"),
          ("X-Pm-Spamscore", "15"), ("X-Pm-Spam-Action", "spam"), ("X-Pm-Origin", "external")]


def test_proton_real() -> None:
    record = decode_proton(PROTON)
    assert record.authserv_ids == ("mailin051.protonmail.ch",)
    assert record.recorded_sender_ip() == "167.99.160.244"
    # Proton writes dis=none even here: its p=reject decides.
    assert record.dmarc_failed_under_enforcement()
    words = record.plain_words()
    assert "DMARC fail for sac.com.br (p=reject dis=none) under the domain's reject policy" in words[0]
    assert any("spam score 15" in w for w in words) and any("action: spam" in w for w in words)
    assert any("external (from outside Proton" in w for w in words)


def test_proton_tolerant_fallback_and_comment() -> None:
    # phishing-pot-dev sample-1213.eml: authres refuses `arc.chain=:…`; dkim comment nested.
    record = decode_proton([(AR, "mailin037.protonmail.ch; arc=pass smtp.remote-ip=51.255.220.188 "
                                 "arc.chain=:improvmx-mails.com"),
                            (AR, "mailin037.protonmail.ch; dkim=pass (Good 2048 bit rsa-sha256 signature) "
                                 "header.d=improvmx-mails.com header.i=@improvmx-mails.com header.a=rsa-sha256")])
    assert not record.strict and record.recorded_sender_ip() == "51.255.220.188"
    assert "tolerant reader" in record.plain_words()[1]
    assert record.dkim[0].comment == "Good 2048 bit rsa-sha256 signature"


def test_icloud_policy_from_dmarc_info() -> None:
    # Forms from providers.md §3 (IDX-I1), synthetic values.
    headers = [(AR, "dmarc.icloud.com; dmarc=fail header.from=a.example"),
               (AR, "spf.icloud.com; spf=fail smtp.mailfrom=a.example"),
               (AR, "dkim-verifier.icloud.com; dkim=none"),
               ("Received-SPF", "fail (spf.icloud.com: domain of a.example does not designate 192.0.2.8 as "
                                "permitted sender) receiver=spf.icloud.com; client-ip=192.0.2.8; helo=h.example; "
                                "envelope-from=x@a.example"),
               ("X-DMARC-Info", "pass=fail; dmarc-policy=reject; s=r1; d=r1; pdomain=a.example"),
               ("X-ICL-SCORE", "3.3333")]
    record = decode_icloud(headers)
    assert len(record.authserv_ids) == 3 and record.recorded_sender_ip() == "192.0.2.8"
    assert record.dmarc_failed_under_enforcement()
    assert any("X-ICL-SCORE" in w for w in record.plain_words())
    assert not decode_icloud(headers[:4]).dmarc_failed_under_enforcement()  # no policy known


def test_yahoo_nonstandard_tokens() -> None:
    # Tokens from providers.md §3 (MOX, IDX-Y4), synthetic names.
    record = decode_yahoo([(AR, "atlas220.free.mail.bf1.yahoo.com; dkim=perm_fail header.i=@a.example; "
                                "spf=pass smtp.mailfrom=a.example; dmarc=fail(p=REJECT) header.from=a.example"),
                           ("Received-SPF", "pass (domain of a.example designates 192.0.2.9 as permitted sender)")])
    assert record.dkim[0].result == "perm_fail" and record.recorded_sender_ip() == "192.0.2.9"
    assert record.dmarc_failed_under_enforcement()


def test_received_spf_microsoft_form() -> None:
    # phishing-pot-dev sample-4549.eml
    spf = parse_received_spf("Pass (protection.outlook.com: domain of brasil.santander.com.br designates "
                             "172.206.6.171 as permitted sender) receiver=protection.outlook.com; "
                             "client-ip=172.206.6.171; helo=r171.brasil.santander.com.br; pr=C")
    assert (spf.result, spf.reporter, spf.client_ip, spf.helo) == (
        "pass", "protection.outlook.com", "172.206.6.171", "r171.brasil.santander.com.br")
    assert spf.recorded_sender_ip() == "172.206.6.171" and not spf.dmarc_failed_under_enforcement()
    assert spf.plain_words()[0].startswith("protection.outlook.com recorded SPF pass for client 172.206.6.171")
    assert parse_received_spf("").recorded_sender_ip() is None


def _fastmail_ar(result: str, published: str, applied: str) -> str:
    # The method forms providers.md §3 lists for Fastmail (IDX-F1); synthetic values.
    return (f"mx4.messagingengine.com; dkim=none; iprev=pass smtp.remote-ip=192.0.2.10 (h.example); "
            f"spf=fail smtp.mailfrom=a.example; x-me-sender=none; dmarc={result} "
            f"policy.published-domain-policy={published} policy.applied-disposition={applied} "
            f"(p={published},d={applied},d.eval={applied}) header.from=a.example")


def test_fastmail_policy_and_applied_disposition() -> None:
    record = decode_fastmail([(AR, _fastmail_ar("fail", "reject", "reject")), ("X-Spam-hits", "BAYES_99 3.5")])
    assert record.authserv_ids == ("mx4.messagingengine.com",) and record.recorded_sender_ip() == "192.0.2.10"
    assert record.dmarc_failed_under_enforcement()
    assert any("X-Spam-hits" in w and "BAYES_99" in w for w in record.plain_words())
    # Fastmail let it through (applied none): the fail is recorded, not enforced.
    assert not decode_fastmail([(AR, _fastmail_ar("fail", "reject", "none"))]).dmarc_failed_under_enforcement()
    assert not decode_fastmail([(AR, "mx.example.net; dmarc=fail (p=reject) header.from=a.example")]).dmarc


def test_zoho_record_and_received_spf() -> None:
    # Forms from providers.md §3 (IDX-Z1, Z2, Z3), synthetic values.
    headers = [(AR, "mx.zohomail.com; dkim=fail; spf=fail (zohomail.com: domain of a.example does not designate "
                    "192.0.2.11 as permitted sender) smtp.mailfrom=x@a.example; dmarc=fail(p=reject dis=reject) "
                    "header.from=a.example"),
               ("Received-SPF", "fail (zohomail.com: domain of a.example does not designate 192.0.2.11 as permitted "
                                "sender) client-ip=192.0.2.11; envelope-from=x@a.example; helo=h.example;"),
               ("X-ZohoMail-DKIM", "fail")]
    record = decode_zoho(headers)
    assert record.authserv_ids == ("mx.zohomail.com",) and record.recorded_sender_ip() == "192.0.2.11"
    assert record.dmarc_failed_under_enforcement()
    assert any("X-ZohoMail-DKIM" in w for w in record.plain_words())
    relaxed = [(AR, headers[0][1].replace("dis=reject", "dis=none"))]
    assert not decode_zoho(relaxed).dmarc_failed_under_enforcement()
