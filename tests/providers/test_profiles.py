"""The provider profiles as data: every provider the issue names, every fact dated, patterns that match."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailcheck.providers import PROFILES, by_name, select
from mailcheck.providers.profile import Name, Source, cite

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "providers.md"


def _sources() -> list[Source]:
    found = []
    for p in PROFILES:
        found += [n.source for n in p.hops + p.edge + p.authserv_ids]
        found += [n.source for n in p.networks] + [h.source for h in p.verdict_headers]
        found += [p.ar_source] if p.ar_source else []
    return found


def test_every_named_provider_has_a_profile() -> None:
    names = {p.name for p in PROFILES}
    assert names == {"microsoft365", "google", "yahoo", "icloud", "proton", "fastmail", "zoho", "proofpoint",
                     "mimecast", "barracuda", "cisco", "trendmicro", "sophos", "symantec"}
    assert all(p.verdict_headers for p in PROFILES)


def test_every_fact_carries_a_dated_source_from_the_reference() -> None:
    sources = _sources()
    assert sources and all(s.date for s in sources)
    if not REFERENCE.is_file():
        pytest.skip("../shared/reference absent: cannot compare the keys with providers.md")
    text = REFERENCE.read_text()
    missing = {s.key for s in sources if s.key.removeprefix("IDX-") not in text}
    assert not missing


def test_cite_refuses_a_key_the_reference_lacks() -> None:
    with pytest.raises(KeyError):
        cite("NO-SUCH-KEY")


def test_name_patterns() -> None:
    src = cite("MHA")
    assert Name(".prod.outlook.com", src).matches("DEUP281.PROD.OUTLOOK.COM")
    assert not Name(".prod.outlook.com", src).matches("prod.outlook.com.evil.example")
    assert Name("mx.google.com", src).matches("mx.google.com.")
    assert not Name("mx.google.com", src).matches("xmx.google.com")
    assert Name(r"re:mx0[a-z]-[0-9a-z]+\.pphosted\.com", src).matches("mx0a-001b2d01.pphosted.com")
    assert not Name("mx.google.com", src).matches(None)


def test_microsoft_profile_facts() -> None:
    ms = by_name("microsoft365")
    assert ms.is_edge("BN1PEPF00001234.mail.protection.outlook.com")
    assert not ms.is_edge("BN9PR03CA0001.namprd03.prod.outlook.com")
    assert ms.network_for("2603:10b6:408:e6::28", "internal") is not None
    assert ms.network_for("40.107.244.73", "outbound") is not None
    assert ms.network_for("198.51.100.7") is None and ms.network_for("not an ip") is None
    assert ms.bare_ar and ms.ar_position == "above"
    assert ms.verdict_header_for("X-MS-Exchange-Organization-SCL") is not None
    assert by_name("google").ar_position == "below"
    assert by_name("proofpoint").verdict_header_for("x-proofpoint-spam-details") is not None


def test_select() -> None:
    mailboxes, gateways = select("auto")
    assert {p.kind for p in mailboxes} == {"mailbox"} and gateways == ()
    assert select("none") == ((), ())
    only, gw = select("microsoft365,proofpoint")
    assert [p.name for p in only] == ["microsoft365"] and [p.name for p in gw] == ["proofpoint"]
    assert select("proofpoint")[0] == mailboxes  # a gateway alone keeps every mailbox provider
    with pytest.raises(ValueError, match="known:"):
        select("hotmale")
