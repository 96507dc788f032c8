"""analyze(raw, ctx) -> Report: parse once, run every check, never let one crash the rest."""

from __future__ import annotations

from functools import lru_cache

from mailcheck import trust
from mailcheck.checks import CHECKS, Check
from mailcheck.context import Context, Facts
from mailcheck.continuum import continuum
from mailcheck.lookup.contract import MessageDns, message_budget
from mailcheck.model import (
    Basis,
    Boundary,
    Finding,
    Label,
    Report,
    decide_verdict,
    not_examined,
)
from mailcheck.parse.message import MAX_FIELDS, parse
from mailcheck.parse.recognise_input import MailInput, as_mail_input


def analyze(raw: bytes | MailInput, ctx: Context, source: str = "-") -> Report:
    """Analyse one message (bytes, or a MailInput from recognise_input: an Outlook .msg is rebuilt first).
    Never raises for bad input; a crashing check becomes a finding."""
    checked = ctx.resolver_check.client_for(ctx.dns)  # DESIGN §3: a lying resolver forges nothing
    if checked is not ctx.dns:
        ctx = ctx._replace(dns=checked)
    mail = raw if isinstance(raw, MailInput) else as_mail_input(raw)
    message = parse(mail.raw)
    message.body_rebuilt = mail.body_rebuilt
    problems = [*mail.notes, *message.problems]  # where the bytes came from, first
    try:
        hops, boundary = trust.build_chain(message, ctx)
    except Exception as exc:  # a parser bug must not cost the other fields (DESIGN §4)
        if ctx.debug:
            raise
        problems.append(f"the Received chain could not be read ({exc.__class__.__name__}: {exc})")
        hops, boundary = (), Boundary(0, None, "the Received chain could not be read, so nothing is trusted")
    facts = Facts(message, hops, boundary)
    findings: list[Finding] = []
    with message_budget(ctx.dns) as dns_use:  # one DNS time budget per message, however many checks ask
        _run_checks(CHECKS, facts, ctx, findings)
    if dns_use.refused:
        findings.append(_budget_spent(dns_use))
    if message.unexamined:
        findings.append(_fields_left_out(message.unexamined))
    errors = problems
    errors.extend(f"check {f.check} crashed: {f.evidence[0]}" for f in findings if f.name.startswith("check:"))
    # Whatever was not examined is said so in the errors too, not only in a field a reader may skip.
    errors.extend(f"{f.name} not examined: {f.evidence[0]}" for f in findings
                  if f.basis is Basis.NOT_EXAMINED and not f.name.startswith("check:"))
    fields = tuple(sorted(findings, key=_reading_order))
    gaps = not_examined(fields)
    verdict, reason = decide_verdict(fields, gaps)
    return Report(source, verdict, reason, fields, hops, boundary, continuum(facts, ctx), tuple(errors), gaps,
                  settings_record(ctx))


def settings_record(ctx: Context) -> tuple[tuple[str, object], ...]:
    """What in the Context decides labels, for the report to carry (DNS servers and timeouts change how
    much was checked, and the report says that field by field; they are left out)."""
    return (
        ("trusted", list(ctx.trusted)),
        ("authserv_ids", list(ctx.authserv_ids)),
        ("provider", ctx.provider),
        ("offline", ctx.offline),
        ("now", ctx.now.isoformat() if ctx.now is not None else None),
        ("skew_seconds", ctx.skew_seconds),
        ("probes", sorted(ctx.probes)),
        ("resolve_urls", ctx.resolve_urls),
    )


def _fields_left_out(rest: bytes) -> Finding:
    lines = rest.count(b"\n") or rest.count(b"\r")
    return Finding("header-fields", f"{lines} header lines after field {MAX_FIELDS}", Label.UNVERIFIABLE,
                   (f"the header block has more than {MAX_FIELDS} fields; the {len(rest)} bytes ({lines} lines) "
                    "after them were not examined",), "message", Basis.NOT_EXAMINED)


def _budget_spent(dns_use: MessageDns) -> Finding:
    """The DNS questions the budget refused: the fields that needed them say "undecided", this says why."""
    return Finding("dns-budget", f"{dns_use.refused} DNS questions not asked", Label.UNVERIFIABLE,
                   (f"this message's DNS budget of {dns_use.budget:g} s ran out: {dns_use.refused} questions were "
                    "not asked, so the fields that needed them could not be examined",),
                   "dns", Basis.NOT_EXAMINED)


# The order a reader wants: who claims to have sent it, then how it travelled, then what it says.
# Checks run in dependency order instead (SPF and DKIM before the identities labelled from them).
_READING_ORDER = (
    "envelope-sender", "from", "from-display-name", "from-brand", "sender", "reply-to", "reply-to-organisation",
    "envelope-organisation", "lookalike-domain", "date", "message-id", "subject",
    "envelope-sender-domain", "from-domain", "client-", "dkim", "arc", "received", "header:", "url", "free-service",
    "attachment",
    "body-part", "body-claims", "sender-", "dns-budget", "header-fields", "check:",
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
            import traceback  # only for a crashed check: not part of every filter start-up

            detail = f"{exc.__class__.__name__}: {exc}"
            findings.append(
                Finding(
                    f"check:{check.ID}",
                    check.SUMMARY,
                    Label.UNVERIFIABLE,
                    (f"the check crashed ({detail}); its fields could not be decided",
                     traceback.format_exc(limit=1).strip().splitlines()[-1]),
                    check.ID,
                    Basis.NOT_EXAMINED,  # its fields were never looked at: the report is incomplete
                )
            )
