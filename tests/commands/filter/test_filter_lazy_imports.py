"""Modules the offline filter once loaded for every message and now loads only when the message needs them.

Each was measured on the start-up path (issue 12: one process per message under procmail); these tests keep
them off it, on a plain message (clean.eml) and on a multipart one with an HTML part (phishing.eml). Where a
module is still loaded for some messages, the test of its lazy use is named beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from support.filtermode import SAMPLES, child_env, run_filter

RUN_AND_LIST = """
import atexit, sys
listing = sys.argv[1]
atexit.register(lambda: open(listing, "w").write("\\n".join(sorted(sys.modules))))
sys.argv = ["mailcheck", "filter", "--offline"]
from mailcheck.cli import main
main()
"""

# module -> what loaded it before, and where its lazy use is tested now
OFF_THE_PATH = {
    # selectolax's `import logging` (deferred: mailcheck/deferred_logging.py, tests/test_deferred_logging.py)
    "logging": "selectolax", "traceback": "logging", "linecache": "logging", "tokenize": "logging",
    "textwrap": "logging",
    # html.parser, loaded beside lexbor for every HTML part (tests/parse/test_html_readers.py, deep nesting)
    "html": "html_part_links", "html.parser": "html_part_links", "html.entities": "html_part_links",
    # pathlib for the default config file and path options (tests/commands/test_default_config.py)
    "pathlib": "settings and filter args", "ntpath": "pathlib",
    # json for the brand and service tables (a marshal snapshot now: tests/test_data_tables.py)
    "json": "parse/brands.py, parse/services.py",
    # threading for three locks and the main-thread test (tests/commands/test_budget.py)
    "threading": "lookup/honesty.py, probe/cache.py, commands/budget.py",
    # weakref for the per-message link scan (tests/parse/test_message_links.py)
    "weakref": "parse/message_links.py",
    # the idna codec for every ASCII sender domain (tests/checks/test_probe_domain.py)
    "encodings.idna": "checks/probe.py", "stringprep": "encodings.idna",
    # the utf-16-le codec for one constant (tests/checks/test_probe_domain.py)
    "encodings.utf_16_le": "parse/recognise_input.py",
    # the DNS client's files, offline (tests/lookup/test_dns_resolver.py)
    "mailcheck.lookup.record": "lookup/factory.py", "mailcheck.lookup.resolver": "lookup/factory.py",
}
SAMPLE_NAMES = ("clean.eml", "phishing.eml")


def deployed_env() -> dict[str, str]:
    """The environment of an installed (not editable) mailcheck: run with -S, the editable install's finder,
    which loads pathlib into every process of the development venv, stays out; site-packages and the
    checkout are on the path instead."""
    site = sysconfig.get_paths()
    paths = dict.fromkeys([child_env()["PYTHONPATH"], site["purelib"], site["platlib"]])
    return child_env(PYTHONPATH=os.pathsep.join(paths))


def loaded(raw: bytes, listing: Path) -> tuple[set[str], bytes]:
    done = subprocess.run([sys.executable, "-S", "-c", RUN_AND_LIST, str(listing)], input=raw, capture_output=True,
                          env=deployed_env(), timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return set(listing.read_text().split()), done.stdout


@pytest.fixture(scope="module")
def modules_of(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The modules each sample's offline filter run loaded (its output checked against the plain filter's)."""
    found = {}
    for name in SAMPLE_NAMES:
        raw = (SAMPLES / name).read_bytes()
        modules, out = loaded(raw, tmp_path_factory.mktemp("listing") / "modules.txt")
        assert out == run_filter(raw, "--offline").stdout
        found[name] = modules
    return found


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
@pytest.mark.parametrize("module", sorted(OFF_THE_PATH))
def test_the_offline_filter_does_without(modules_of: dict[str, set[str]], sample: str, module: str) -> None:
    assert module not in modules_of[sample], f"{module} is loaded again (it came through {OFF_THE_PATH[module]})"


def test_the_html_sample_still_reads_its_html_with_lexbor(modules_of: dict[str, set[str]]) -> None:
    # what makes the logging and html.parser tests above mean something for phishing.eml
    assert {"selectolax.lexbor", "mailcheck.parse.urls.html_lexbor"} <= modules_of["phishing.eml"]
    assert "selectolax" not in {m.split(".")[0] for m in modules_of["clean.eml"]}


# A receiving provider's verdict headers without any DKIM signature or ARC set: reading them loaded dkimpy,
# dnspython and PyNaCl (~60 ms), through the Authentication-Results comparison that only a DNS run makes.
M365 = b"""\
Received: from BN9PR03CA0001.namprd03.prod.outlook.com (2603:10b6:408:1::1) by
\tMB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) with Microsoft SMTP Server id 15.20.1; Wed, 18
\tNov 2026 12:00:02 +0000
Received: from BN1PEPF00001234.namprd03.prod.outlook.com (2603:10b6:408:cafe::12) by
\tBN9PR03CA0001.outlook.office365.com (2603:10b6:408:1::1) with Microsoft SMTP Server id 15.20.1 via Frontend
\tTransport; Wed, 18 Nov 2026 12:00:02 +0000
Authentication-Results: spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=example.org; dkim=none (message not
\tsigned) header.d=none;dmarc=fail action=oreject header.from=example.org;compauth=fail reason=000
Received-SPF: Fail (protection.outlook.com: domain of example.org does not designate 198.51.100.7 as permitted
\tsender) receiver=protection.outlook.com; client-ip=198.51.100.7; helo=mx.example.org;
Received: from mx.example.org (198.51.100.7) by BN1PEPF00001234.mail.protection.outlook.com (10.167.243.1)
\twith Microsoft SMTP Server id 15.20.1 via Frontend Transport; Wed, 18 Nov 2026 12:00:01 +0000
From: Bank <alerts@example.org>
To: bob@example.com
Subject: hi
Date: Wed, 18 Nov 2026 11:59:00 +0000
Message-ID: <1@example.org>
X-MS-Exchange-Organization-SCL: 5
X-Forefront-Antispam-Report: CIP:198.51.100.7;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mx.example.org;CAT:SPOOF;
X-MS-Exchange-CrossTenant-Id: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa

Hello.
"""
GOOGLE = b"""\
Delivered-To: bob@gmail.com
Received: by 2002:a05:6a10:1::1 with SMTP id abc; Wed, 18 Nov 2026 12:00:02 -0800
Received: from mail.example.com (mail.example.com. [198.51.100.20]) by mx.google.com with ESMTPS id y; Wed, 18
\tNov 2026 12:00:01 -0800
Received-SPF: pass (google.com: domain of alice@example.com designates 198.51.100.20 as permitted sender)
\tclient-ip=198.51.100.20;
Authentication-Results: mx.google.com; spf=pass (google.com: domain of alice@example.com designates
\t198.51.100.20 as permitted sender) smtp.mailfrom=alice@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE)
\theader.from=example.com
From: Alice <alice@example.com>
To: bob@gmail.com
Subject: hi
Date: Wed, 18 Nov 2026 11:58:00 -0800
Message-ID: <2@example.com>

Hello.
"""
DKIMPY = {"dkim", "dns", "nacl", "mailcheck.auth.dkim_verify", "mailcheck.auth.arc", "mailcheck.auth.dkim_key",
          "mailcheck.auth.dkim_result", "mailcheck.auth.dmarc"}


def test_a_providers_verdict_headers_are_read_without_dkimpy(tmp_path: Path) -> None:
    modules, out = loaded(M365, tmp_path / "modules.txt")
    assert out == run_filter(M365, "--offline").stdout
    assert "mailcheck.auth.provider_verdicts" in modules  # the headers were read as Microsoft's
    assert not {m for m in modules if m in DKIMPY or m.split(".")[0] in DKIMPY}
    assert not modules & {"authres", "mailcheck.auth.authresults"}  # Microsoft's form is read without authres


def test_an_rfc8601_header_is_parsed_with_authres_alone(tmp_path: Path) -> None:
    modules, out = loaded(GOOGLE, tmp_path / "modules.txt")
    assert out == run_filter(GOOGLE, "--offline").stdout
    assert {"mailcheck.auth.provider_verdicts", "authres", "mailcheck.auth.authresults"} <= modules
    assert not {m for m in modules if m in DKIMPY or m.split(".")[0] in DKIMPY}
