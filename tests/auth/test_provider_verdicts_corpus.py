"""Every Microsoft A-R and FFAS header of phishing-pot-dev decodes, and the recorded sender IP is found.

phishing-pot-dev (rf-peixoto/phishing_pot, CC BY-NC 4.0) lives in ../shared, outside the project: the
test skips when it is absent. Nothing from the corpus is copied here.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from mailcheck.auth.provider_verdicts import is_microsoft_form, parse_forefront, parse_microsoft_ar
from mailcheck.auth.provider_verdicts.microsoft import AR_NAMES, FFAS_NAMES
from mailcheck.auth.provider_verdicts.tokens import decode_encoded_words
from mailcheck.parse.message import parse

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "phishing-pot-dev" / "email"
# Written independently of the decoder: the address Microsoft states, when it is a real address.
_STATED = re.compile(r"sender IP is ([0-9A-Fa-f:.]+)\)", re.IGNORECASE)


def _stated_ip(value: str) -> str | None:
    found = _STATED.search(decode_encoded_words(value))
    if not found:
        return None
    try:
        return str(ipaddress.ip_address(found.group(1)))
    except ValueError:
        return None  # the corpus anonymiser damaged some addresses ("193.phishing@pot.113.219")


def test_phishing_pot_microsoft_headers() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora absent: modern dev corpora not available")
    ar_count = ffas_count = stated = matched = 0
    for path in sorted(CORPUS.glob("*.eml")):
        message = parse(path.read_bytes())
        for header in message.headers:
            name = header.name.lower()
            if name in AR_NAMES and is_microsoft_form(header.value):
                ar_count += 1
                decoded = parse_microsoft_ar(header.value, header.name)
                decoded.plain_words()
                decoded.dmarc_failed_under_enforcement()
                expected = _stated_ip(header.value)
                if expected is not None:
                    stated += 1
                    matched += decoded.recorded_sender_ip() == expected
            elif name in FFAS_NAMES:
                ffas_count += 1
                report = parse_forefront(header.value, header.name)
                report.plain_words()
                report.recorded_sender_ip()
    print(f"\nMicrosoft A-R decoded: {ar_count}; stating a sender IP: {stated}; found: {matched}; "
          f"FFAS decoded: {ffas_count}")
    assert ar_count > 2000 and ffas_count > 300
    assert matched >= 0.99 * stated
