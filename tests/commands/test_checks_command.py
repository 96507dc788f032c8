"""`mailcheck checks [ID]`: every registered check listed, one check's docstring printed, unknown IDs exit 2."""

from __future__ import annotations

import inspect

from click.testing import CliRunner

from mailcheck.checks import CHECKS
from mailcheck.checks import dkim as dkim_check
from mailcheck.cli import cli


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_list_has_every_check_in_registry_order_with_its_summary() -> None:
    code, out, err = invoke("checks")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [check.ID for check in CHECKS]
    width = max(len(check.ID) for check in CHECKS)
    assert lines[0] == f"{CHECKS[0].ID:<{width}}  {CHECKS[0].SUMMARY}"
    assert "dkim" + " " * (width - 4 + 2) + "every DKIM signature, verified with the signer's key from DNS" in lines


def test_an_id_prints_that_checks_docstring() -> None:
    code, out, err = invoke("checks", "dkim")
    assert (code, err) == (0, "")
    assert out == f"{inspect.getdoc(dkim_check)}\n"
    assert out.startswith("dkim[N]: every DKIM-Signature")
    assert "mbox" in out  # the documentation, not only the summary


def test_every_check_has_documentation_to_print() -> None:
    for check in CHECKS:
        code, out, _ = invoke("checks", check.ID)
        doc = inspect.getdoc(check)
        assert doc, f"{check.ID} has no docstring"
        assert (code, out) == (0, doc + "\n"), check.ID


def test_an_unknown_id_is_one_line_on_stderr_and_exit_2() -> None:
    code, out, err = invoke("checks", "dkm")
    assert (code, out) == (2, "")
    assert err == "Error: no check has the ID 'dkm' (did you mean dkim?); `mailcheck checks` lists them\n"
    code, out, err = invoke("checks", "zzz")
    assert (code, out) == (2, "")
    assert err == "Error: no check has the ID 'zzz'; `mailcheck checks` lists them\n"


def test_checks_is_a_command_not_a_file_to_analyse() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    assert "checks" in out
