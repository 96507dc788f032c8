"""The impersonation check on constructed messages: brand display names, lookalikes, replies and links elsewhere."""

from __future__ import annotations

import pytest
from support.messages import SAMPLES, SHARED, TRUSTED_HOP, build, field, run
from support.signing import message, rsa_key, sign

from mailcheck.context import Context
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Basis, Finding, Label, Report
from mailcheck.pipeline import analyze

RSA = rsa_key(2048)
PHISHING_POT = SHARED / "corpora" / "phishing-pot-dev" / "email"


def mine(report: Report) -> dict[str, Finding]:
    return {f.name: f for f in report.fields if f.check == "impersonation"}


def headers(from_: str, extra: str = "") -> str:
    return (f"From: {from_}\nTo: bob@example.org\nSubject: Your account\nDate: Wed, 18 Nov 2026 11:59:58 +0000\n"
            f"Message-ID: <1@example.net>\n{extra}")


# -- from-brand ----------------------------------------------------------------------------------------


def test_brand_name_over_an_unrelated_unsigned_address_is_forged() -> None:
    report = run(build(headers("PayPal Service <service@mailer.example.net>")))
    brand = field(report, "from-brand")
    assert brand.label is Label.FORGED
    assert "names PayPal" in brand.evidence[0] and "mailer.example.net" in brand.evidence[0]
    assert "no DKIM signature" in brand.evidence[1] or "carries no DKIM" in brand.evidence[1]
    assert any("brands.json" in e and "paypal.com" in e for e in brand.evidence)
    assert report.verdict is Label.FORGED


def test_brand_name_over_the_brands_own_domain_is_left_to_dmarc() -> None:
    assert "from-brand" not in mine(run(build(headers("PayPal <service@mail.paypal.com>"))))


def test_a_brand_signature_present_but_unverified_offline_is_not_forged() -> None:
    raw = sign(message(from_="PayPal <news@esp.example.net>"), RSA, domain="paypal.com")
    brand = field(analyze(TRUSTED_HOP.encode() + raw, Context()), "from-brand")
    assert brand.label is Label.UNVERIFIABLE and brand.basis is Basis.UNDECIDED
    assert "DKIM-Signature[0] by paypal.com" in brand.evidence[1]


def test_a_verified_brand_signature_vouches_for_a_third_party_sender() -> None:
    raw = TRUSTED_HOP.encode() + sign(message(from_="PayPal <news@esp.example.net>"), RSA, domain="paypal.com")
    zone = {("sel._domainkey.paypal.com", "TXT"): [RSA.record()]}
    brand = field(analyze(raw, Context(dns=StaticDns(zone))), "from-brand")
    assert brand.label is Label.VALIDATED
    assert "verifies" in brand.evidence[0]


def test_a_signature_by_the_senders_own_domain_does_not_vouch_for_the_brand() -> None:
    raw = TRUSTED_HOP.encode() + sign(message(from_="PayPal <news@example.com>"), RSA, domain="example.com")
    zone = {("sel._domainkey.example.com", "TXT"): [RSA.record()]}
    brand = field(analyze(raw, Context(dns=StaticDns(zone))), "from-brand")
    assert brand.label is Label.FORGED and "signed by example.com only" in brand.evidence[1]


@pytest.mark.parametrize(("from_", "extra", "why"), [
    ("Microsoft account team <ms.security.team@outlook.com>", "", "free mailbox service"),
    ("PayPal <service@paypal-service.example>", "", "carries the brand's name"),
    ("Netflix via Film Club <film@lists.example.net>", "List-Id: <film.lists.example.net>\n", "mailing-list copy"),
])
def test_brand_claims_that_stay_undecided(from_: str, extra: str, why: str) -> None:
    brand = field(run(build(headers(from_, extra))), "from-brand")
    assert brand.label is Label.UNVERIFIABLE
    assert any(why in e for e in brand.evidence), brand.evidence


@pytest.mark.parametrize("from_", [
    "Apple Valley Rotary <club@rotary.example.org>", "Chase Miller <chase@example.net>", "Bob <bob@example.net>",
])
def test_ordinary_names_are_no_brand_claim(from_: str) -> None:
    assert "from-brand" not in mine(run(build(headers(from_))))


# -- replies and bounces elsewhere ---------------------------------------------------------------------


def test_reply_to_and_envelope_at_other_organisations_are_findings() -> None:
    raw = build(headers("Alice <alice@example.net>", "Reply-To: <collect@elsewhere.example>\n"),
                top="Return-Path: <bounce@esp-mail.example>\n")
    found = mine(run(raw))
    reply = found["reply-to-organisation"]
    assert reply.label is Label.UNVERIFIABLE and "elsewhere.example" in reply.evidence[0]
    envelope = found["envelope-organisation"]
    assert envelope.label is Label.UNVERIFIABLE and "esp-mail.example" in envelope.evidence[0]


def test_reply_to_in_the_same_organisation_is_not_reported() -> None:
    raw = build(headers("Alice <alice@example.net>", "Reply-To: <help@support.example.net>\n"))
    assert "reply-to-organisation" not in mine(run(raw))


# -- lookalike domains and services --------------------------------------------------------------------


def test_a_link_written_to_read_as_the_brands_domain_is_forged() -> None:
    body = "Sign in at https://www.xn--pypal-4ve.com/signin today.\n"
    found = mine(run(build(headers("Alice <alice@example.net>"), body)))
    look = found["lookalike-domain[0]"]
    assert look.label is Label.FORGED and "paypal.com" in look.evidence[0] and "url[0]" in look.evidence[0]


def test_near_and_embedding_domains_are_findings() -> None:
    found = mine(run(build(headers("Service <info@paypal-secure.example>"), "See https://paypall.com/x\n")))
    labels = {f.value: f.label for n, f in found.items() if n.startswith("lookalike-domain")}
    assert labels == {"paypal-secure.example": Label.UNVERIFIABLE, "paypall.com": Label.UNVERIFIABLE}


def test_a_sender_imitating_the_recipients_own_domain() -> None:
    found = mine(run(build(headers("IT desk <it@examp1e.org>"))))
    look = found["lookalike-domain[0]"]
    assert look.label is Label.FORGED and "recipient's own domain" in look.evidence[0]


def test_shorteners_and_free_hosting_are_named() -> None:
    body = "Open https://bit.ly/3abc or https://login-x1.web.app/ or https://docs.google.com/forms/d/e/1/viewform\n"
    found = mine(run(build(headers("Alice <alice@example.net>"), body)))
    kinds = {f.value: f.evidence[0] for n, f in found.items() if n.startswith("free-service")}
    assert set(kinds) == {"bit.ly", "login-x1.web.app", "docs.google.com"}
    assert "URL shortener" in kinds["bit.ly"] and "hosting" in kinds["login-x1.web.app"]
    assert all(f.label is Label.UNVERIFIABLE for n, f in found.items() if n.startswith("free-service"))


# -- a real phish ----------------------------------------------------------------------------------------


def test_real_phish_microsoft_account_team() -> None:
    path = PHISHING_POT / "sample-10.eml"
    if not path.exists():
        pytest.skip("../shared/corpora absent: modern dev corpora not available")
    brand = field(analyze(path.read_bytes(), Context()), "from-brand")
    assert brand.label is Label.FORGED
    assert "names Microsoft" in brand.evidence[0] and "access-accsecurity.com" in brand.evidence[0]


def test_sample_brand_impersonation() -> None:
    report = run((SAMPLES / "brand-impersonation.eml").read_bytes())
    assert report.verdict is Label.FORGED
    assert field(report, "from-brand").label is Label.FORGED
    look = field(report, "lookalike-domain[0]")
    assert look.label is Label.FORGED and look.value == "c0ntoso.example"
    assert "recipient's own domain" in look.evidence[0]
    assert field(report, "reply-to-organisation").label is Label.UNVERIFIABLE
    assert field(report, "envelope-organisation").label is Label.UNVERIFIABLE
