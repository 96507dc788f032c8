"""The shipped brand and service tables, the display-name matcher and the lookalike-domain rules."""

from __future__ import annotations

import json
import time
from importlib.resources import files

import pytest

from mailcheck.parse.brands import brand_table, brands_named, words_of
from mailcheck.parse.lookalike import Strength, brand_lookalike, recipient_lookalike
from mailcheck.parse.services import service_of, service_table


def names(display: str) -> list[str]:
    return [m.brand.name for m in brands_named(display)]


# -- the table -----------------------------------------------------------------------------------------


def test_table_size_source_and_shape() -> None:
    table = brand_table()
    assert 60 <= len(table.brands) <= 150
    assert "Check Point" in table.source and "APWG" in table.source and table.compiled
    for brand in table.brands:
        assert brand.aliases and brand.domains, brand.name
        for alias in brand.aliases:
            # aliases are written the way words_of reads a name, or they could never match
            assert words_of(alias) == alias.split(), (brand.name, alias)
        assert brand.ambiguous <= set(brand.aliases), brand.name
        listed = {*brand.domains, *brand.mailbox_domains, *brand.domain_patterns}
        assert set(brand.unconfirmed) <= listed, brand.name


def test_the_data_files_are_package_data() -> None:
    raw = json.loads(files("mailcheck.data").joinpath("brands.json").read_text(encoding="utf-8"))
    assert raw["selection"] and raw["domains_source"]
    assert service_table().source


# -- display names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("display", "brand"), [
    ("PayPal", "PayPal"),
    ("Microsoft account team ,_", "Microsoft"),
    ("Mercado Pago", "Mercado Pago / Mercado Livre"),
    ("BANCO DO BRASIL", "Banco do Brasil"),
    ("Itaú Unibanco", "Itaú"),  # the accent is dropped
    ("Sаmsung Gаlаxy S23", "Samsung"),  # Cyrillic а
    ("Co\U000e0139\U000e0139in\U000e0139base Inc", "Coinbase"),  # invisible variation selectors inside the word
    ("Micr0soft Office 365", "Microsoft"),  # a zero for the o
    ("Apple Support", "Apple"),
    ("UPS ✔️", "UPS"),
    ("Amazon Web Services", "Amazon"),
])
def test_brand_names_found(display: str, brand: str) -> None:
    assert names(display)[:1] == [brand]


@pytest.mark.parametrize("display", [
    "Apple Valley Rotary", "Chase Miller", "Max Steller von Amazon", "Pineapple Express", "Target practice club",
    "Orange County Linux Users", "Santander Garcia", "jane@gmail.com", "Jo Visa-Smith",
])
def test_ordinary_words_and_names_are_not_brands(display: str) -> None:
    assert names(display) == []


def test_longest_alias_wins_and_each_brand_once() -> None:
    (match,) = brands_named("Microsoft account team - Microsoft")
    assert match.alias == "microsoft account team"


def test_matching_is_linear() -> None:
    long_name = "Apple " * 100_000 + "PayPal"
    start = time.perf_counter()
    assert names(long_name) == ["PayPal"]
    assert time.perf_counter() - start < 2.0


# -- owners --------------------------------------------------------------------------------------------


def test_owner_of_a_host() -> None:
    table = brand_table()
    assert table.owner("mail.paypal.com").name == "PayPal"  # type: ignore[union-attr]
    assert table.owner("paypal.com.evil.example") is None
    assert table.owner("sparkasse-koelnbonn.de").name == "Sparkasse"  # type: ignore[union-attr]
    google = table.owner("gmail.com")
    assert google is not None and google.is_mailbox("gmail.com")
    yahoo = table.owner("arf.mail.yahoo.com")
    assert yahoo is not None and not yahoo.is_mailbox("arf.mail.yahoo.com")  # Yahoo's own systems


# -- lookalike domains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "strength", "imitates"), [
    ("pаypal.com", Strength.CONFUSABLE, "paypal.com"),
    ("xn--pypal-4ve.com", Strength.CONFUSABLE, "paypal.com"),
    ("rnicrosoft.com", Strength.CONFUSABLE, "microsoft.com"),
    ("paypa1.com", Strength.CONFUSABLE, "paypal.com"),
    ("paypall.com", Strength.NEAR, "paypal"),
    ("micosoft.com", Strength.NEAR, "microsoft"),
    ("paypal-secure.com", Strength.EMBEDS, "paypal"),
    ("paypal.com.evil.example", Strength.EMBEDS, "paypal"),
    ("paypal.co.ke", Strength.EMBEDS, "paypal"),
    ("support-trustwallet.com", Strength.EMBEDS, "trustwallet"),
])
def test_brand_lookalikes(host: str, strength: Strength, imitates: str) -> None:
    look = brand_lookalike(host)
    assert look is not None and look.strength is strength and look.imitates == imitates


@pytest.mark.parametrize("host", [
    "mail.paypal.com", "pineapple.com", "theledger.com", "www.qmail.org", "newsletter.online.com", "gmail.com",
    "lists.sourceforge.net", "applevalleyrotary.org",
])
def test_not_lookalikes(host: str) -> None:
    assert brand_lookalike(host) is None


def test_recipient_lookalikes() -> None:
    mine = frozenset({"example.org"})
    assert recipient_lookalike("examp1e.org", mine).strength is Strength.CONFUSABLE  # type: ignore[union-attr]
    assert recipient_lookalike("exampel.org", mine).strength is Strength.NEAR  # type: ignore[union-attr]
    assert recipient_lookalike("mail.example.org", mine) is None
    assert recipient_lookalike("example.net", mine) is None  # another suffix is another organisation


# -- services ------------------------------------------------------------------------------------------


def test_services() -> None:
    assert service_of("bit.ly").kind == "shortener"  # type: ignore[union-attr]
    assert service_of("login-x1.web.app").kind == "hosting"  # type: ignore[union-attr]
    assert service_of("web.app") is None  # the service's own site, not someone's page
    assert service_of("docs.google.com", "/forms/d/e/1FAIpQL/viewform").kind == "form"  # type: ignore[union-attr]
    assert service_of("docs.google.com", "/document/d/1") is None
    assert service_of("example.org") is None


def test_services_kept_per_host_still_answer_per_path() -> None:
    # The entries a host falls under are kept per host; the path is still judged on every call.
    for _ in range(2):
        assert service_of("docs.google.com", "/forms/x").kind == "form"  # type: ignore[union-attr]
        assert service_of("docs.google.com", "/document/x") is None
        assert service_of("docs.google.com", "") is None
    assert service_of("a.b.web.app").kind == "hosting"  # type: ignore[union-attr]
    assert service_of("BIT.LY.").kind == "shortener"  # type: ignore[union-attr]
    long_host = "a" * 300 + ".web.app"  # too long to keep: judged the same way
    assert service_of(long_host).kind == "hosting"  # type: ignore[union-attr]
