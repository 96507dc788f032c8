"""The urls check: link text that names another host is forged; everything else unverifiable, with evidence."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from support.links import CORPORA, alternative, html_message, mbox_messages, plain_message, url_findings

from mailcheck.checks import urls as check
from mailcheck.context import Context
from mailcheck.lookup.contract import DnsAnswer, DnsStatus, LocalDns, OfflineDns, StaticDns
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.urls import scan_links


def one(html: str, ctx: Context | None = None) -> Finding:
    (finding,) = url_findings(html_message(html), ctx)
    return finding


def text(finding: Finding) -> str:
    return " ".join(finding.evidence)


# -- forged --------------------------------------------------------------------------------------------


def test_the_phishing_pattern_is_forged_and_names_both_hosts() -> None:
    raw = alternative(
        "Log in at https://www.paypal.com to keep your account.\n",
        '<p>Please <a href="http://198.51.100.7/login">https://www.paypal.com</a> today.</p>',
    )
    findings = url_findings(raw)
    assert [(f.name, f.value, f.label) for f in findings] == [
        ("url[0]", "https://www.paypal.com", Label.UNVERIFIABLE),  # the plain part's URL
        ("url[1]", "http://198.51.100.7/login", Label.FORGED),
    ]
    forged = findings[1]
    assert forged.basis is Basis.CHECKED and forged.check == "urls"
    assert "www.paypal.com" in forged.evidence[0] and "198.51.100.7" in forged.evidence[0]
    assert len(forged.evidence) == 2


@pytest.mark.parametrize(
    ("shown", "href"),
    [
        ("paypal.com", "http://paypal.com.evil.example/"),
        ("paypal.com/login", "https://login.evil.example/paypal.com/login"),
        ("www.bank.example", "http://www.bank-secure.example.net/"),
        ("https://www.paypal.com/cgi-bin/webscr? cmd=_login-run", "http://203.0.113.5/p/"),
        ("198.51.100.7", "http://198.51.100.8/"),
    ],
)
def test_text_naming_another_registrable_domain_is_forged(shown: str, href: str) -> None:
    finding = one(f'<a href="{href}">{shown}</a>')
    assert finding.label is Label.FORGED, finding.evidence


def test_user_at_host_trick_is_forged() -> None:
    finding = one('<a href="http://www.paypal.com@evil.example/login">Log in</a>')
    assert finding.label is Label.FORGED
    assert "www.paypal.com" in finding.evidence[0] and "evil.example" in finding.evidence[0]
    assert "user name" in finding.evidence[0]


def test_user_at_host_trick_in_plain_text_is_forged() -> None:
    (finding,) = url_findings(plain_message("Go to http://www.paypal.com:secure@198.51.100.9/ now\n"))
    assert finding.label is Label.FORGED and "198.51.100.9" in finding.evidence[0]


@pytest.mark.parametrize("href", ["javascript:location='http://evil.example/'", "data:text/html;base64,PGI+"])
def test_text_naming_a_host_over_a_script_or_data_url_is_forged(href: str) -> None:
    finding = one(f'<a href="{href}">https://www.paypal.com/</a>')
    assert finding.label is Label.FORGED and "www.paypal.com" in finding.evidence[0]


def test_base_href_decides_where_a_relative_link_goes() -> None:
    finding = one('<base href="http://evil.example/"><a href="/signin">https://www.paypal.com/signin</a>')
    assert finding.label is Label.FORGED and "evil.example" in finding.evidence[0]
    assert "<base href>" in finding.evidence[1]


# -- not forged ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "href"),
    [
        ("www.example.com", "http://click.example.com/track?id=1"),  # tracking on the same domain
        ("http://www.example.com/", "https://www.example.com/"),  # http shown, https target
        ("example.co.uk", "https://mail.example.co.uk/x"),
        ("Click here", "http://203.0.113.5/"),  # names no host, so nothing to contradict
        ("Amazon.com Logo", "http://evil.example/"),
        ("report.pdf", "http://files.example.net/r.pdf"),
        ("https://www.paypal.com/", "/relative/with/no/base"),
    ],
)
def test_not_forged(shown: str, href: str) -> None:
    finding = one(f'<a href="{href}">{shown}</a>')
    assert finding.label is Label.UNVERIFIABLE, finding.evidence
    assert finding.basis is Basis.UNCHECKABLE
    assert "mailcheck never fetches" in finding.evidence[1]


def test_unverifiable_says_the_host_was_not_looked_up() -> None:
    finding = one('<a href="http://news.example.org/a">Read more</a>')
    assert finding.evidence == (
        "A link in the text/html part shows 'Read more'; it goes to news.example.org.",
        "Where a link leads cannot be checked without fetching it, and mailcheck never fetches; "
        "the host was not looked up (a lookup can tip off the sender).",
    )


@pytest.mark.parametrize(
    ("href", "phrases"),
    [
        ("http://3232235777/", ["'3232235777'", "192.168.1.1"]),
        ("http://0xC0.0xA8.0x01.0x01/x", ["192.168.1.1", "another form"]),
        ("http://198.51.100.7/", ["IP address"]),
        ("http://xn--pypal-4ve.com/", ["xn--pypal-4ve.com", "p\u0430ypal.com", "Cyrillic and Latin"]),
        ("http://p\u0430ypal.com/", ["xn--pypal-4ve.com", "Cyrillic and Latin"]),
        ("http://bit.ly/3xYz", ["bit.ly is a URL shortener"]),
        ("https://t.co/abc", ["t.co is a URL shortener"]),
        ("http://userid:password@example.com:8080/", ["user name ('userid:password')"]),
        ("javascript:void(0)", ["javascript: link"]),
        ("data:text/html,<b>x</b>", ["data: link"]),
        ("http://bad host.example/", ["not a valid host name"]),
        ("/local/path", ["no host"]),
        ("www.example.com/start", ["without http://"]),
    ],
)
def test_unverifiable_links_carry_the_evidence_a_reader_needs(href: str, phrases: list[str]) -> None:
    finding = one(f'<a href="{href}">Open</a>')
    assert finding.label is Label.UNVERIFIABLE
    for phrase in phrases:
        assert phrase in text(finding), finding.evidence


def test_single_script_and_japanese_hosts_are_not_called_mixed() -> None:
    assert check.mixed_script_label("пример.испытание") is None
    assert check.mixed_script_label("ソニーstore日本.jp") is None  # Latin with Han and Katakana: allowed
    assert check.mixed_script_label("p\u0430ypal.com") == ("p\u0430ypal", ["CYRILLIC", "LATIN"])
    assert check.mixed_script_label("\u03bfnline-bank.com") == ("\u03bfnline-bank", ["GREEK", "LATIN"])


def test_redirect_carrying_the_named_host_is_still_forged_but_says_so() -> None:
    finding = one('<a href="http://r.tracker.example/c?u=https%3A%2F%2Fwww.shop.example%2F">www.shop.example</a>')
    assert finding.label is Label.FORGED
    assert "click-tracking" in finding.evidence[0]


def test_a_long_data_url_value_is_shortened() -> None:
    finding = one(f'<a href="data:text/html;base64,{"A" * 5000}">Invoice</a>')
    assert len(finding.value) < 400 and "characters)" in finding.value


def test_more_links_than_the_cap() -> None:
    page = "".join(f'<a href="http://h{i}.example/">{i}</a>' for i in range(205))
    findings = url_findings(html_message(page))
    assert len(findings) == 201
    assert findings[199].name == "url[199]"
    summary = findings[-1]
    assert (summary.name, summary.label, summary.basis) == ("urls", Label.UNVERIFIABLE, Basis.NOT_EXAMINED)
    assert "205 distinct links" in summary.evidence[0]


def test_no_links_no_findings() -> None:
    assert url_findings(plain_message("Nothing to click here.\n")) == []


# -- host existence (--resolve-urls) -------------------------------------------------------------------


class CountingDns(LocalDns):
    """A DnsClient that records every question; answers from a StaticDns zone."""

    def __init__(self, zone: StaticDns) -> None:
        self.zone = zone
        self.questions: list[tuple[str, str]] = []

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        self.questions.append((name, rdtype))
        return self.zone.query(name, rdtype)


ZONE = StaticDns(
    {("www.example.com", "A"): ["192.0.2.10"], ("v6only.example.com", "AAAA"): ["2001:db8::10"]},
    fail={"slow.example.net": DnsStatus.TIMEOUT, "broken.example.net": DnsStatus.SERVFAIL},
)


def resolving(dns: object) -> Context:
    return Context(dns=dns, resolve_urls=True)  # type: ignore[arg-type]


def test_lookup_table_has_a_row_for_every_dns_status() -> None:
    assert set(check.LOOKUP_TABLE) == set(DnsStatus)


def test_hosts_are_not_looked_up_unless_asked() -> None:
    dns = CountingDns(ZONE)
    finding = one('<a href="http://gone.example.com/">x</a>', Context(dns=dns))
    assert dns.questions == []
    assert finding.basis is Basis.UNCHECKABLE and "not looked up" in finding.evidence[1]


def test_a_host_that_does_not_exist_is_forged() -> None:
    finding = one('<a href="http://gone.example.com/login">Log in</a>', resolving(ZONE))
    assert finding.label is Label.FORGED and finding.basis is Basis.CHECKED
    assert finding.evidence[0] == "The link's host does not exist (A gone.example.com: NXDOMAIN)."


def test_a_host_that_exists_stays_unverifiable() -> None:
    finding = one('<a href="http://www.example.com/">Home</a>', resolving(ZONE))
    assert finding.label is Label.UNVERIFIABLE and finding.basis is Basis.UNCHECKABLE
    assert "the host exists (A www.example.com: 192.0.2.10)" in finding.evidence[1]


def test_a_name_with_only_aaaa_exists() -> None:
    finding = one('<a href="http://v6only.example.com/">Home</a>', resolving(ZONE))
    assert finding.label is Label.UNVERIFIABLE and "AAAA v6only.example.com: 2001:db8::10" in finding.evidence[1]


@pytest.mark.parametrize("host", ["slow.example.net", "broken.example.net"])
def test_dns_failure_is_undecided_never_forged(host: str) -> None:
    finding = one(f'<a href="http://{host}/">x</a>', resolving(ZONE))
    assert finding.label is Label.UNVERIFIABLE and finding.basis is Basis.UNDECIDED
    assert "lookup failed" in finding.evidence[1]


def test_offline_lookup_is_not_run() -> None:
    finding = one('<a href="http://www.example.com/">Home</a>', resolving(OfflineDns()))
    assert finding.label is Label.UNVERIFIABLE and finding.basis is Basis.NOT_RUN


def test_each_host_is_looked_up_once_and_ip_literals_and_single_labels_never() -> None:
    dns = CountingDns(ZONE)
    url_findings(
        html_message(
            '<a href="http://www.example.com/a">a</a><a href="http://www.example.com/b">b</a>'
            '<a href="http://198.51.100.7/">c</a><a href="http://[2001:db8::1]/">d</a>'
            '<a href="http://intranet/wiki">e</a>'  # one label: the reader's resolver completes it
        ),
        resolving(dns),
    )
    assert dns.questions == [("www.example.com", "A")]


def test_forged_links_are_not_looked_up() -> None:
    dns = CountingDns(ZONE)
    finding = one('<a href="http://evil.example.net/">https://www.paypal.com/</a>', resolving(dns))
    assert finding.label is Label.FORGED and dns.questions == []


# -- links a security gateway rewrote (mailcheck.parse.rewriters) ---------------------------------------

SAFE_LINK = ("https://eur03.safelinks.protection.outlook.com/?url={}&amp;data=05%7C02%7C0%7C0&amp;"
             "sdata=QUJD%3D&amp;reserved=0")


def test_a_rewritten_link_is_compared_by_its_original_target() -> None:
    finding = one(f'<a href="{SAFE_LINK.format("https%3A%2F%2Fwww.paypal.com%2Fsignin")}">https://www.paypal.com/</a>')
    assert finding.label is Label.UNVERIFIABLE, finding.evidence  # today: forged, "goes to …safelinks…"
    assert finding.value.startswith("https://eur03.safelinks.protection.outlook.com/")  # the link as written
    assert ("Rewritten by Microsoft Safe Links; original target https://www.paypal.com/signin (the link itself "
            "goes to eur03.safelinks.protection.outlook.com).") in finding.evidence[1]
    assert "not forgery" in finding.evidence[1]


def test_a_rewritten_link_to_another_host_is_forged_with_the_rewriting_as_evidence() -> None:
    nested = "https://urldefense.com/v3/__https://evil.example/login__;!!Org!Tok$".replace(":", "%3A").replace(
        "/", "%2F").replace("!", "%21").replace("$", "%24")
    finding = one(f'<a href="{SAFE_LINK.format(nested)}">www.paypal.com</a>')
    assert finding.label is Label.FORGED
    assert finding.evidence[0] == "The link text names www.paypal.com, but the link goes to evil.example."
    assert "Microsoft Safe Links around Proofpoint URL Defense v3" in finding.evidence[1]


@pytest.mark.parametrize("href", ["https://url.uk.m.mimecastprotect.com/s/AbCdEfGh",
                                  "https://clicktime.symantec.com/a/1/QUJD?d=blob",
                                  "https://urldefense.com/v3/__https://example.org/x*y__;@@!!A!B$"])
def test_an_opaque_rewriter_leaves_the_link_unverifiable_and_says_why(href: str) -> None:
    finding = one(f'<a href="{href}">https://www.paypal.com/</a>')
    assert finding.label is Label.UNVERIFIABLE and finding.basis is Basis.UNCHECKABLE
    assert "cannot be compared with a hidden target" in text(finding)
    assert "opaque" in text(finding) or "malformed" in text(finding)


def test_mimecast_domain_is_compared_as_the_host() -> None:
    finding = one('<a href="https://protect-us.mimecast.com/s/Tok?domain=evil.example">paypal.com</a>')
    assert finding.label is Label.FORGED and "evil.example" in finding.evidence[0]
    assert "names only the original target's host" in finding.evidence[1]


def test_the_original_host_is_what_resolve_urls_looks_up() -> None:
    dns = CountingDns(ZONE)
    one(f'<a href="{SAFE_LINK.format("http%3A%2F%2Fgone.example.com%2F")}">Log in</a>', resolving(dns))
    assert dns.questions == [("gone.example.com", "A")]


# -- real mail -----------------------------------------------------------------------------------------


def _corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/corpora/{'/'.join(parts)} is not available")
    return path


def test_nazario_phishing_corpus() -> None:
    folder = _corpus("nazario-phishing")
    links = forged = 0
    forged_links = []
    messages = 0
    for mbox in sorted(folder.glob("*.mbox")):
        for message in mbox_messages(mbox):
            messages += 1
            scan = scan_links(message.text_parts)
            for link, finding in zip(scan.links, check.label_links(scan.links, None), strict=True):
                links += 1
                if finding.label is Label.FORGED:
                    forged += 1
                    forged_links.append(link)
    assert messages == 870
    # Measured: 4431 links, 510 forged. Every forged one is a real mismatch of registrable domains.
    assert links > 4000 and forged > 450
    for link in random.Random(7).sample(forged_links, 50):
        claimed = link.shown_host or check._userinfo_host(link.userinfo or "")
        assert claimed is not None
        assert check._site(claimed) != check._site(link.ip or link.host_ascii or "-"), link


def test_easy_ham_has_no_forged_links() -> None:
    folder = _corpus("spamassassin-publiccorpus", "easy_ham")
    from support.links import facts_for

    forged = []
    for path in sorted(folder.iterdir()):
        for finding in check.run(facts_for(path.read_bytes()), Context()):
            if finding.label is Label.FORGED:
                forged.append((path.name, finding.evidence[0]))
    assert forged == []
