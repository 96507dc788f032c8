"""The RFC 7208 SPF test suite through mailcheck's own SPF path: pyspf with our DNS hook, our Resolver
(dnspython) and the loopback DNS server serving each scenario's zone data over UDP/TCP.

The suite (BSD-3, by Stuart Gathman, Julian Mehnle, Scott Kitterman and others) lives in
../shared/corpora/rfc7208-spf-tests/ and is not copied here; the tests skip when it is absent.

How its zone data is served (the suite's own conventions, see its header comments):
- "SPF" entries are also served as TXT unless the name lists TXT itself ("TXT: NONE" = no TXT), since
  RFC 7208 dropped type SPF and the suite leaves that duplication to drivers;
- "TIMEOUT" makes the server drop questions about that name for types it has no records of;
- "\\xNN" escapes in TXT data are raw octets; MX [0, ""] is a null MX ("0 .");
- a TXT with no strings (null.example.com) is sent as the empty RDATA it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dns_server import DnsServer, Mode, Zone

from mailcheck.auth.spf import evaluate
from mailcheck.lookup.resolver import Resolver

SUITE = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "rfc7208-spf-tests" / "rfc7208-tests.yml"
if not SUITE.exists():
    pytest.skip(f"the RFC 7208 suite is not at {SUITE} (../shared is absent)", allow_module_level=True)

yaml = pytest.importorskip("yaml")

# Cases where mailcheck's path gives another result than the suite, each with the reason; the test
# asserts the result we do give, so a change in either direction is noticed.
DEVIATIONS: dict[str, tuple[str, str]] = {
    "null-text": (
        "temperror",
        "null.example.com has, besides the two-string SPF record, a TXT record with no strings, which "
        "RFC 1035 §3.3.14 forbids. Sent on the wire as it is, it makes the whole response unparsable; "
        "dnspython drops unparsable datagrams (as it must, to resist spoofing) and keeps waiting, so the "
        "lookup times out and SPF says temperror: unverifiable, never forged. pyspf's own driver passes "
        "the records to pyspf without a wire format, so it never meets this. The string gluing the case "
        "is about is tested on its own in test_spf_integration.py.",
    ),
}


def _octets(value: Any) -> Any:
    if isinstance(value, list):
        return [_octets(v) for v in value]
    text = str(value)
    # The suite writes raw octets as "\xNN" escapes, which YAML turns into code points below 256.
    return text.encode("latin-1") if all(ord(c) < 256 for c in text) else text.encode("utf-8")


def scenario_zone(zonedata: dict[str, list[Any]]) -> Zone:
    records: dict[str, dict[str, list[Any]]] = {}
    modes: dict[str, Mode] = {}
    for name, entries in zonedata.items():
        types = records.setdefault(name, {})
        for entry in entries:
            if entry == "TIMEOUT":
                modes[name] = Mode.TIMEOUT
                continue
            ((rdtype, value),) = entry.items()
            if rdtype == "TXT" and value == "NONE":
                types.setdefault("TXT", [])
                continue
            if rdtype in ("TXT", "SPF"):
                value = _octets(value)
            elif rdtype == "MX":
                value = f"{value[0]} {value[1] or '.'}"
            types.setdefault(rdtype, []).append(str(value) if rdtype not in ("TXT", "SPF") else value)
        if "SPF" in types and "TXT" not in types:
            types["TXT"] = list(types["SPF"])
    return Zone(records, modes)


def _cases() -> list[Any]:
    cases = []
    with SUITE.open("rb") as handle:
        for number, scenario in enumerate(yaml.safe_load_all(handle)):
            for name, test in scenario["tests"].items():
                cases.append(pytest.param(number, name, test, id=name))
    return cases


_SCENARIOS = list(yaml.safe_load_all(SUITE.read_bytes()))
_ZONES: dict[int, Zone] = {}


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    with DnsServer() as running:
        yield running


@pytest.mark.parametrize(("scenario", "name", "test"), _cases())
def test_rfc7208(server: DnsServer, scenario: int, name: str, test: dict[str, Any]) -> None:
    if scenario not in _ZONES:
        _ZONES[scenario] = scenario_zone(_SCENARIOS[scenario]["zonedata"])
    server.set_zone(_ZONES[scenario])
    client = Resolver([server.address], timeout=0.25, budget=None)
    outcome = evaluate(client, str(test["host"]), str(test["mailfrom"]), str(test["helo"]))
    assert not server.errors
    if name in DEVIATIONS:
        expected_here, _why = DEVIATIONS[name]
        assert outcome.result == expected_here, outcome
        return
    expected = test["result"] if isinstance(test["result"], list) else [test["result"]]
    assert outcome.result in expected, (outcome, test.get("description"))
    if test.get("explanation") not in (None, "DEFAULT"):
        assert outcome.explanation == test["explanation"]
