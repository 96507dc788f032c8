"""The ARC validation suite (ValiMail arc_test_suite, 171 tests, MIT) through mailcheck's ARC path:
an in-memory zone for each case, and all of it once more through the resolver and a DNS server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from support.authdata import SHARED, server_zone
from support.dns_server import DnsServer

from mailcheck.auth.arc import ArcOutcome, verify_chain
from mailcheck.lookup.contract import DnsClient, StaticDns
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Label
from mailcheck.parse.message import parse

SUITE = SHARED / "corpora" / "arc-test-suite" / "arc-draft-validation-tests.yml"
ABSENT = f"{SUITE} is absent (the shared corpora are not checked out beside the repository)"
TOTAL = 171


def _scenarios() -> list[dict[str, Any]]:
    with SUITE.open(encoding="utf-8") as handle:
        return [s for s in yaml.safe_load_all(handle) if s]


def _cases() -> Iterator[Any]:
    if not SUITE.exists():
        yield pytest.param(None, None, None, id="suite-absent", marks=pytest.mark.skip(reason=ABSENT))
        return
    for scenario in _scenarios():
        records = {k.rstrip(".").lower(): [v] for k, v in scenario["txt-records"].items()}
        for name, test in scenario["tests"].items():
            yield pytest.param(test["message"], test["cv"], records, id=name)


def expected_cv(cv: str) -> str:
    # The suite writes "" where a sealer recorded cv=fail and the chain ended (RFC 8617 §5.2: fail).
    return cv.lower() if cv else "fail"


def _check(message: str, cv: str, dns: DnsClient) -> str | None:
    """None when mailcheck agrees with the suite, else what differs."""
    result = verify_chain(parse(message.encode("utf-8")), dns)
    want = expected_cv(cv)
    if result.cv != want:
        return f"cv={result.cv}, expected {want}: {result.reason}"
    if want == "pass" and result.label is not Label.VALIDATED:
        return f"cv=pass but labelled {result.label.value}"
    if want != "pass" and result.label is Label.VALIDATED:
        return f"cv={want} but validated"
    if cv == "" and result.outcome is not ArcOutcome.SEALER_REPORTED_FAIL:
        return f"expected a sealer-reported failure, got {result.outcome.value}"
    return None


@pytest.mark.parametrize(("message", "cv", "records"), list(_cases()))
def test_validation_case(message: str, cv: str, records: dict[str, list[str]]) -> None:
    dns = StaticDns({(name, "TXT"): values for name, values in records.items()})
    assert _check(message, cv, dns) is None


def test_the_suite_is_whole() -> None:
    if not SUITE.exists():
        pytest.skip(ABSENT)
    assert sum(len(s["tests"]) for s in _scenarios()) == TOTAL


def test_the_whole_suite_through_a_dns_server(dns_server: Callable[..., DnsServer]) -> None:
    if not SUITE.exists():
        pytest.skip(ABSENT)
    server = dns_server()
    failures, passed = [], 0
    for scenario in _scenarios():
        records = {k.rstrip(".").lower(): [v] for k, v in scenario["txt-records"].items()}
        server.set_zone(server_zone(records))
        resolver = Resolver([server.address], timeout=1.0, budget=None)  # a fresh cache per zone
        for name, test in scenario["tests"].items():
            problem = _check(test["message"], test["cv"], resolver)
            if problem is None:
                passed += 1
            else:
                failures.append(f"{name}: {problem}")
    assert failures == []
    assert passed == TOTAL
    assert server.hits, "the keys were fetched from the DNS server"
