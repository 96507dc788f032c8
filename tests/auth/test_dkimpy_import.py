"""mailcheck.auth.dkimpy_import: dkimpy loads without dnspython, and DKIM/ARC results are those of a normal import."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from support.dns_server import DnsServer
from support.signing import arc_seal, ed25519_key, message, rsa_key, sign

ROOT = Path(__file__).resolve().parents[2]
Start = Callable[..., DnsServer]
RSA, ED25519, SEAL = rsa_key(2048), ed25519_key(), rsa_key(2048)
ZONE = {
    "sel._domainkey.example.com": {"TXT": [RSA.record()]},
    "ed._domainkey.example.com": {"TXT": [ED25519.record()]},
    "arc._domainkey.lists.example.org": {"TXT": [SEAL.record()]},
}


def _signed() -> bytes:
    raw = sign(sign(message(), RSA), ED25519, selector="ed")
    return arc_seal(raw, SEAL)


def _python(code: str, stdin: bytes = b"", *, argv: tuple[str, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code, *argv], input=stdin, capture_output=True, env=env,
                          cwd=ROOT / "samples", check=True)


FILTER = (
    "import runpy, sys\n"
    "{before}\n"
    "sys.argv = ['mailcheck', 'filter', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('mailcheck', run_name='__main__')\n"
    "finally:\n"
    "    sys.stderr.write('loaded: ' + ' '.join(sorted(m for m in ('dkim', 'dns.resolver', 'dkim.dnsplug')"
    " if sys.modules.get(m) is not None)) + '\\n')\n"
)


def test_the_offline_filter_loads_dkimpy_but_not_dnspython() -> None:
    done = _python(FILTER.format(before=""), _signed(), argv=("--offline",))
    assert b"loaded: dkim\n" in done.stderr, done.stderr[-2000:]


def test_results_online_are_those_of_dkimpy_imported_as_usual(dns_server: Start) -> None:
    server = dns_server(ZONE)
    raw = _signed()
    args = ("--resolver", server.resolver, "--now", "2026-11-20T00:00:00Z")
    ours = _python(FILTER.format(before=""), raw, argv=args)
    usual = _python(FILTER.format(before="import dkim  # before mailcheck: its own DNS plug-in and dnspython"),
                    raw, argv=args)
    # online our resolver loads dnspython; dkimpy's own plug-in stays out
    assert b"dkim.dnsplug" not in ours.stderr and b"dkim.dnsplug" in usual.stderr
    assert ours.stdout == usual.stdout
    head = ours.stdout.split(b"\n\n", 1)[0].decode()
    # both signatures (RSA and ed25519) and the ARC seal verified with keys from the loopback server
    assert "dkim[0]=validated" in head.replace("\n ", " ") and "dkim[1]=validated" in head.replace("\n ", " ")
    assert "arc=validated" in head.replace("\n ", " ")
    assert {"sel._domainkey.example.com", "ed._domainkey.example.com"} <= {h.name for h in server.hits}


def test_the_hidden_modules_are_given_back() -> None:
    done = _python(
        "import sys\n"
        "from mailcheck.auth.dkimpy_import import dkimpy_without_its_dns\n"
        "with dkimpy_without_its_dns():\n"
        "    import dkim\n"
        "assert 'dkim.dnsplug' not in sys.modules and 'aiodns' not in sys.modules\n"
        "try:\n"
        "    dkim.get_txt(b'sel._domainkey.example.com.')\n"
        "except RuntimeError:\n"
        "    pass\n"
        "else:\n"
        "    raise AssertionError('dkimpy asked DNS itself')\n"
        "import dns.resolver, dkim.dnsplug\n"  # both still import normally afterwards
        "print('ok')\n")
    assert done.stdout == b"ok\n"
