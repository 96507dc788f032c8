"""analyze(raw, ctx) -> Report: parse once, run every check, never let one crash the rest."""

from __future__ import annotations

import traceback
from dataclasses import replace
from functools import lru_cache

from mailcheck import trust
from mailcheck.checks import CHECKS, Check
from mailcheck.context import Context, Facts
from mailcheck.continuum import continuum
from mailcheck.lookup.contract import message_budget
from mailcheck.model import (
    Basis,
    Boundary,
    Finding,
    Label,
    Report,
    decide_verdict,
)
from mailcheck.parse.message import parse


def analyze(raw: bytes, ctx: Context, source: str = "-") -> Report:
    """Analyse one message. Never raises for bad input; a crashing check becomes a finding."""
    checked = ctx.resolver_check.client_for(ctx.dns)  # DESIGN §3: a lying resolver forges nothing
    if checked is not ctx.dns:
        ctx = replace(ctx, dns=checked)
    message = parse(raw)
    problems = list(message.problems)
    try:
        hops, boundary = trust.build_chain(message, ctx)
    except Exception as exc:  # a parser bug must not cost the other fields (DESIGN §4)
        if ctx.debug:
            raise
        problems.append(f"the Received chain could not be read ({exc.__class__.__name__}: {exc})")
        hops, boundary = (), Boundary(0, None, "the Received chain could not be read, so nothing is trusted")
    facts = Facts(message, hops, boundary)
    findings: list[Finding] = []
    with message_budget(ctx.dns):  # one DNS time budget per message, however many checks ask
        _run_checks(CHECKS, facts, ctx, findings)
    errors = problems
    errors.extend(f"check {f.check} crashed: {f.evidence[0]}" for f in findings if f.name.startswith("check:"))
    fields = tuple(sorted(findings, key=_reading_order))
    verdict, reason = decide_verdict(fields)
    return Report(source, verdict, reason, fields, hops, boundary, continuum(facts, ctx), tuple(errors))


# The order a reader wants: who claims to have sent it, then how it travelled, then what it says.
# Checks run in dependency order instead (SPF and DKIM before the identities labelled from them).
_READING_ORDER = (
    "envelope-sender", "from", "from-display-name", "sender", "reply-to", "date", "message-id", "subject",
    "envelope-sender-domain", "from-domain", "client-", "dkim", "arc", "received", "header:", "url",
    "body-claims", "sender-", "check:",
)


def _reading_order(finding: Finding) -> int:
    # The same few hundred names (url[N], received[N], header:…) recur in every message; a header name can be
    # as long as the sender likes, and such names are not kept.
    name = finding.name
    return _rank_cached(name) if len(name) <= 100 else _rank(name)


@lru_cache(maxsize=1024)
def _rank_cached(name: str) -> int:
    return _rank(name)


def _rank(name: str) -> int:
    for rank, key in enumerate(_READING_ORDER):
        # "from" must not catch "from-domain": a key matches exactly, as name[N], or as a "-"/":" prefix
        if name == key or name.startswith(key + "[") or (key[-1] in "-:" and name.startswith(key)):
            return rank
    return len(_READING_ORDER)


def _run_checks(checks: tuple[Check, ...], facts: Facts, ctx: Context, findings: list[Finding]) -> None:
    for check in checks:
        try:
            findings.extend(check.run(facts, ctx))
        except Exception as exc:
            if ctx.debug:
                raise
            detail = f"{exc.__class__.__name__}: {exc}"
            findings.append(
                Finding(
                    f"check:{check.ID}",
                    check.SUMMARY,
                    Label.UNVERIFIABLE,
                    (f"the check crashed ({detail}); its fields could not be decided",
                     traceback.format_exc(limit=1).strip().splitlines()[-1]),
                    check.ID,
                    Basis.UNDECIDED,
                )
            )
