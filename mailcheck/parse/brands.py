"""The shipped table of commonly impersonated brands (mailcheck/data/brands.json) and the brand a display name names.

A display name is compared as a reader sees it: compatibility forms and lookalike letters folded
(parse/skeleton.py), accents and invisible characters dropped, then split into words of letters and
digits. An alias matches whole words only, so "Apple" never matches inside "Pineapple". Aliases that
are also ordinary words or names ("Apple", "Chase", "Target") count only when every other word of the
name is a service word ("Apple Support", "Chase Bank", "UPS"), never in "Apple Valley Rotary" or
"Chase Miller". The scan is linear: each word is looked up once in an index of first words.
"""

from __future__ import annotations

import re
import unicodedata
from fnmatch import translate
from functools import cache, lru_cache

from mailcheck.data import read_json
from mailcheck.lookup.domains import registrable_domain
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.pattern_cache import compile_pattern
from mailcheck.parse.skeleton import skeleton
from mailcheck.value_types import NamedTuple

_WORDS = lazy_compile(r"[^\W_]+")
# From a word's start only: unanchored, every position of a long word without "@" rescans the rest of it.
_ADDRESS = lazy_compile(r"(?<!\S)\S+@\S+")
# Digits drawn like letters inside a word ("Micr0soft", "PayPa1"); UTS #39 lists both. Applied only to
# words that also hold letters, so "365" in "Office 365" stays a number.
_DIGIT_LOOKALIKES = str.maketrans({"0": "o", "1": "l"})


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """fnmatchcase's own regex for a domain pattern ("paypal.*"), compiled through the pattern cache."""
    return compile_pattern(translate(pattern))

# Words that say "the brand's own service" rather than a person or another organisation. English,
# German, French, Spanish, Portuguese, Dutch and Italian, as phishing writes them (accents dropped).
SERVICE_WORDS = frozenset("""
    team teams support service services servicio servico servizio customer customers care client clients
    cliente clientes
    account accounts konto conta cuenta compte security secure sicherheit seguranca seguridad securite
    notification notifications notice notices alert alerts aviso avisos billing payment payments pago pagamento
    help helpdesk desk center centre centro online info information informations mail email e official oficial
    id bank banking card cards pay app store shop com net org the your my our de do da dos das del la le el du des
    di der die den von noreply no reply inc llc ltd corp corporation gmbh sa ag co uk us usa express delivery shipping
    parcel package tracking prime plus premium member members rewards verification verify update updates admin
    administrator message messages kundenservice kundendienst kunden equipe assistance klantenservice atendimento
    atencion suporte soporte wallet web group official
""".split())


class Brand(NamedTuple):
    """One row of the table: a brand and the domains its genuine mail comes from."""

    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]  # suffixes: a host matches when it is one or ends with "." + one
    ambiguous: frozenset[str] = frozenset()
    mailbox_domains: tuple[str, ...] = ()  # free mailboxes the brand runs: anyone can have an address there
    domain_patterns: tuple[str, ...] = ()  # registrable domains by shell pattern (federated banks)
    unconfirmed: tuple[str, ...] = ()

    def owns(self, host: str) -> bool:
        """Is this host one of the brand's own domains (a mailbox domain counts: the brand runs it)?"""
        host = host.rstrip(".").lower()
        if any(_under(host, d) for d in self.domains) or self.is_mailbox(host):
            return True
        if not self.domain_patterns:
            return False
        org = registrable_domain(host)
        return org is not None and any(_glob(p).match(org) is not None for p in self.domain_patterns)

    def is_mailbox(self, host: str) -> bool:
        """An address at the mailbox domain itself (anyone@gmail.com); its sub-domains are the brand's own systems."""
        return host.rstrip(".").lower() in self.mailbox_domains

    @property
    def labels(self) -> tuple[str, ...]:
        """The brand's names as they appear in domain names ("paypal", "mercadopago"), five letters or more."""
        return _labels(self)


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@lru_cache(maxsize=256)
def _labels(brand: Brand) -> tuple[str, ...]:
    # from the aliases, not the domains: a domain's first label may be a plain word ("office", "live", "go")
    joined = {alias.replace(" ", "") for alias in brand.aliases}
    return tuple(sorted(label for label in joined if len(label) >= 5 and label.isalnum()))


class BrandMatch(NamedTuple):
    brand: Brand
    alias: str  # the alias as the table writes it


class BrandTable(NamedTuple):
    brands: tuple[Brand, ...]
    source: str  # the table's own statement of where its selection and domains come from
    compiled: str
    # first word of an alias → (alias words, brand); longest aliases first so "mercado pago" beats "mercado"
    by_first_word: dict[str, tuple[tuple[tuple[str, ...], Brand], ...]]
    by_domain: dict[str, Brand]  # every domain and mailbox domain → its brand
    patterned: tuple[Brand, ...]  # brands with domain patterns

    def owner(self, host: str) -> Brand | None:
        """The brand that owns this host, if any: the host and each name it ends with are looked up once."""
        labels = host.rstrip(".").lower().split(".")
        for i in range(len(labels) - 1):
            brand = self.by_domain.get(".".join(labels[i:]))
            if brand is not None and brand.owns(host):
                return brand
        return next((b for b in self.patterned if b.owns(host)), None)


@lru_cache(maxsize=1)
def brand_table() -> BrandTable:
    """The shipped table, parsed once per process."""
    data = read_json("brands.json")
    brands = tuple(
        Brand(
            name=row["name"], aliases=tuple(row["aliases"]), domains=tuple(row["domains"]),
            ambiguous=frozenset(row.get("ambiguous", ())), mailbox_domains=tuple(row.get("mailbox_domains", ())),
            domain_patterns=tuple(row.get("domain_patterns", ())), unconfirmed=tuple(row.get("unconfirmed", ())),
        )
        for row in data["brands"]
    )
    index: dict[str, list[tuple[tuple[str, ...], Brand]]] = {}
    for brand in brands:
        for alias in brand.aliases:
            words = tuple(alias.split())
            index.setdefault(words[0], []).append((words, brand))
    ordered = {k: tuple(sorted(v, key=lambda item: -len(item[0]))) for k, v in index.items()}
    by_domain: dict[str, Brand] = {}
    for brand in brands:
        for domain in (*brand.domains, *brand.mailbox_domains):
            by_domain.setdefault(domain, brand)
    patterned = tuple(b for b in brands if b.domain_patterns)
    source = (f"{data['title']} (compiled {data['compiled']}). Selection: {data['selection']} "
              f"Domains: {data['domains_source']}")
    return BrandTable(brands, source, data["compiled"], ordered, by_domain, patterned)


def words_of(text: str) -> list[str]:
    """The words of a display name as a reader sees them: lookalikes folded, accents and invisible marks dropped."""
    folded = skeleton(text)
    if not folded.isascii():
        # NFKD splits "ú" into "u" + a combining accent; marks (Mn, Me) and format characters (Cf: joiners,
        # tag characters hidden inside "Co\U000e0139inbase") are dropped, so what remains is what the eye reads.
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded)
                         if unicodedata.category(c) not in ("Mn", "Me", "Cf"))
    words = _WORDS.findall(folded)
    return [w.translate(_DIGIT_LOOKALIKES) if not w.isdigit() and not w.isalpha() else w for w in words]


def brands_named(display: str, table: BrandTable | None = None) -> list[BrandMatch]:
    """Every brand the display name names, in order, at most once each."""
    table = table or brand_table()
    # an address written in the name ("jane@gmail.com") names a mailbox, not a brand; display-name judges those
    words = words_of(_ADDRESS.sub(" ", display))
    found: list[BrandMatch] = []
    seen: set[str] = set()
    # words that are neither service words nor numbers: an ambiguous alias needs all of them inside its span
    other = [not (w in SERVICE_WORDS or w.isdigit()) for w in words]
    others = sum(other)
    i = 0
    while i < len(words):
        step = 1
        for alias_words, brand in table.by_first_word.get(words[i], ()):
            n = len(alias_words)
            if tuple(words[i:i + n]) != alias_words:
                continue
            alias = " ".join(alias_words)
            if alias in brand.ambiguous and others > sum(other[i:i + n]):
                continue  # "Apple Valley Rotary", "Chase Miller": an ordinary word or a name here
            if brand.name not in seen:
                seen.add(brand.name)
                found.append(BrandMatch(brand, alias))
            step = n
            break
        i += step
    return found
