"""A resolver that lies forges nothing (issue 9 item 5, DESIGN §3): `mailcheck FILE`, `scan` and the
filter against real loopback servers that answer NXDOMAIN for every name, the same sinkhole address
for every name, or REFUSED for everything; and an honest server still gets the forged cases right."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.archives import mbox, mbox_entry, write
from support.dns_server import DnsServer, Mode
from support.filtermode import run_filter, verdict_of
from support.messages import SAMPLES, build

from mailcheck.cli import cli

ZONE = {
    "example.com": {"MX": ["10 mail.example.com"], "TXT": ["v=spf1 ip4:192.0.2.25 -all"], "A": ["192.0.2.25"]},
    "mail.example.com": {"A": ["192.0.2.25"]},
    "_dmarc.example.com": {"TXT": ["v=DMARC1; p=reject"]},
    "25.2.0.192.in-addr.arpa": {"PTR": ["mail.example.com."]},
}
LIARS = [(Mode.NXDOMAIN, "lying", "cannot be true"), (Mode.SINKHOLE, "lying", "cannot be true"),
         (Mode.REFUSED, "unknown", "could not be shown to tell the truth")]
DNS_FIELDS = ("envelope-sender", "from", "envelope-sender-domain", "from-domain")


def dns_args(server: DnsServer) -> list[str]:
    return ["--resolver", server.resolver, "--timeout", "1", "--budget", "3"]


def check(server: DnsServer, sample: Path, fmt: str = "json") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--format", fmt, *dns_args(server), str(sample)])
    return result.exit_code, result.stdout, result.stderr


def fields(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in report["fields"]}


@pytest.mark.parametrize(("mode", "status", "words"), LIARS)
def test_a_legitimate_message_is_not_forged_by_a_liar(dns_server: Callable[..., DnsServer], mode: Mode,
                                                      status: str, words: str) -> None:
    code, out, err = check(dns_server(ZONE, mode=mode), SAMPLES / "clean.eml")
    report = json.loads(out)
    assert code == 0 and report["verdict"] != "forged"
    assert not [f["name"] for f in report["fields"] if f["label"] == "forged"]
    assert report["resolver"]["status"] == status and report["resolver"]["honest"] is False
    assert err.count("mailcheck: warning:") == 1 and words in err
    if mode is not Mode.REFUSED:  # a refusing resolver's answers are failures already, shown as they are
        evidence = " ".join(e for name in DNS_FIELDS for e in fields(report)[name]["evidence"])
        assert "the resolver gives answers that cannot be true" in evidence


def test_the_text_report_warns_once(dns_server: Callable[..., DnsServer]) -> None:
    code, _, err = check(dns_server(ZONE, mode=Mode.NXDOMAIN), SAMPLES / "clean.eml", fmt="text")
    assert code == 0 and err.count("mailcheck: warning:") == 1
    assert "it says the root zone does not exist" in err


def test_an_honest_resolver_still_forges_what_is_forged(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    code, out, err = check(server, SAMPLES / "planted-authres.eml")  # SPF fail under p=reject
    report = json.loads(out)
    assert code == 1 and fields(report)["from"]["label"] == "forged"
    assert fields(report)["envelope-sender"]["label"] == "forged"
    assert report["resolver"]["status"] == "honest" and err == ""
    code, out, _ = check(server, SAMPLES / "clean.eml")
    assert code == 0 and json.loads(out)["verdict"] == "validated"


def test_an_honest_nxdomain_still_forges_the_domain(dns_server: Callable[..., DnsServer], tmp_path: Path) -> None:
    sample = tmp_path / "nowhere.eml"
    sample.write_bytes(build("From: Mallory <m@nowhere.example.com>\nSubject: hi\n"))
    code, out, _ = check(dns_server(ZONE), sample)
    got = fields(json.loads(out))["from-domain"]
    assert code == 1 and got["label"] == "forged" and "does not exist" in got["evidence"][0]


def test_offline_json_has_no_resolver_key() -> None:
    result = CliRunner().invoke(cli, ["check", "--format", "json", "--offline", str(SAMPLES / "clean.eml")])
    assert "resolver" not in json.loads(result.stdout) and result.stderr == ""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_scan_warns_once_and_every_record_says_why(dns_server: Callable[..., DnsServer], tmp_path: Path,
                                                     jobs: str) -> None:
    raw = (SAMPLES / "clean.eml").read_bytes()
    path = write(tmp_path / "clean.mbox", mbox([mbox_entry(raw, sender="alice@example.com")] * 4))
    server = dns_server(ZONE, mode=Mode.NXDOMAIN)
    result = CliRunner().invoke(cli, ["scan", "--format", "jsonl", "--jobs", jobs, "--chunk", "1",
                                      *dns_args(server), str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4 and all(r["verdict"] != "forged" for r in records)
    assert all(r["resolver"]["status"] == "lying" for r in records)
    assert result.stderr.count("mailcheck: warning:") == 1


def test_the_filter_still_writes_its_verdict_and_never_forged(dns_server: Callable[..., DnsServer]) -> None:
    raw = (SAMPLES / "clean.eml").read_bytes()
    done = run_filter(raw, *dns_args(dns_server(ZONE, mode=Mode.NXDOMAIN)))
    assert done.returncode == 0 and verdict_of(done.stdout) != "forged"
