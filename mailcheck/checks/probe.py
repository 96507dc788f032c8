"""probe — opt-in SMTP probes of the envelope sender's mail server. Off unless you pass --probe.

Fields: ``sender-server`` (the essay's "Sender server responsive" step) and ``sender-callout``
("Sender callout"). Both are always listed; without --probe, or with --offline, they read "not run".
The envelope sender is read as every check reads it (mailcheck/envelope.py); a null sender (<>) or
none at all leaves nothing to probe.

What it does to the other side. ``--probe responsive``: look up the MX hosts of the sender's domain
(the A/AAAA implicit MX when there are none, RFC 5321 §5.1; nothing for a null MX, RFC 7505), connect
to the first address that takes a connection (at most 3 attempts), read the greeting, send EHLO (HELO
if EHLO is unknown) and QUIT. ``--probe callout`` (implies responsive) adds, in the same conversation,
``MAIL FROM:<>``, ``RCPT TO:`` a made-up address (``no-such-user-<random>@domain``), ``RSET``,
``MAIL FROM:<>``, ``RCPT TO:<envelope sender>``, ``RSET`` and ``QUIT``. DATA is never sent: nothing
is delivered. The operator sees a connection that delivers nothing, and a spammer who owns the domain
learns the message was examined; many operators consider callouts abusive and block hosts that make
them (the essay says so).

Politeness: one conversation per domain per run, reused by every later message of the run (the
ProbeCache on the Context), so a second address at the same domain is not asked about; at most
``probe_limit`` domains per run (20), then "not run"; a timeout for the connection and for each reply;
the EHLO name is ``--helo`` (default: this host's fully qualified name). Non-public addresses
(loopback, private networks) are never contacted unless ``probe_private`` allows it: the domain, and
so its MX, is chosen by whoever wrote the message. Only plain ASCII dot-atom addresses are put into
RCPT TO, so an address cannot inject SMTP commands.

Labels. A server that answers shows the domain can take bounces and complaints, not that the message
came from it ("Even if the server is running, that doesn't mean the message in question actually
originated from anyone at that domain"): ``sender-server`` is unverifiable in every case, with the
outcome and timing as evidence, and no server answering is unverifiable too (servers are down,
filtered or slow for many reasons). For ``sender-callout`` we decided: an address that exists is a
fact about the domain, not about this message, so acceptance is unverifiable ("exists"), never
validated. One answer decides: the sender's own domain saying the address does not exist — 550/551/553
whose RFC 3463 status is 5.1.x, or, without a status, whose text says so — while it also rejected the
made-up address. Then the field is forged: the message names a return path its own domain disowns.
Tempfails (4xx), policy rejections (5.7.x and the like), a refused null sender, servers that accept the
made-up address (the answer is meaningless) and broken conversations are unverifiable. See
SERVER_TABLE and CALLOUT_TABLE.

The typed result (ProbeResult: the conversation, the callout answer) is left in ``facts.results.probe``
for library callers.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from mailcheck.context import Context, Facts
from mailcheck.continuum import step
from mailcheck.model import Basis, Finding, Label, StepStatus
from mailcheck.parse.envelope import address_domain, envelope_sender
from mailcheck.probe.result import ProbeResult
from mailcheck.probe.vocabulary import CalloutAnswer, Outcome, safe_hostname, safe_path
from mailcheck.reporters.sanitize import safe_text

if TYPE_CHECKING:  # the SMTP client and MX routing load only when probing (the filter's start-up)
    from mailcheck.probe.prober import DomainProbe
    from mailcheck.probe.smtp import Session

ID = "probe"
SUMMARY = "Opt-in SMTP probes of the envelope sender's mail server: does it answer, does the address exist"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ("probe",)

SERVER_FIELD = "sender-server"
CALLOUT_FIELD = "sender-callout"
RESPONSIVE_STEP = "Sender server responsive"
CALLOUT_STEP = "Sender callout"
_NOT_ENOUGH = "this does not show the message came from that domain"

# How each connection outcome reads; every one leaves sender-server unverifiable (DESIGN §2).
SERVER_TABLE: dict[Outcome, str] = {
    Outcome.ANSWERED: "answered",
    Outcome.BANNER_TEMPFAIL: "answered but is not taking mail now (4xx greeting)",
    Outcome.BANNER_REJECT: "answered but refuses to talk to us (5xx greeting); that is about us, not the sender",
    Outcome.REFUSED: "refused the connection",
    Outcome.CONNECT_TIMEOUT: "did not accept the connection in time",
    Outcome.BANNER_TIMEOUT: "accepted the connection but sent no greeting in time",
    Outcome.CLOSED: "closed the connection without a greeting",
    Outcome.GARBLED: "sent something that is not SMTP",
    Outcome.UNREACHABLE: "could not be reached",
}

# The callout's vocabulary → label, basis and what it means. Only NO_SUCH_USER decides anything.
CALLOUT_TABLE: dict[CalloutAnswer, tuple[Label, Basis, str]] = {
    CalloutAnswer.EXISTS: (
        Label.UNVERIFIABLE, Basis.UNDECIDED,
        "the address exists at its domain's server; " + _NOT_ENOUGH + " (anyone can name an existing address)"),
    CalloutAnswer.NO_SUCH_USER: (
        Label.FORGED, Basis.CHECKED,
        "the sender's own domain says this address does not exist, while it does reject made-up addresses"),
    CalloutAnswer.REJECTED_OTHER: (
        Label.UNVERIFIABLE, Basis.UNDECIDED,
        "the server rejected the address without saying it does not exist (policy or other reasons)"),
    CalloutAnswer.TEMPFAIL: (
        Label.UNVERIFIABLE, Basis.UNDECIDED, "the server deferred the question (4xx: greylisting, limits)"),
    CalloutAnswer.ACCEPTS_ALL: (
        Label.UNVERIFIABLE, Basis.UNDECIDED,
        "the server accepts every address, even a made-up one: the callout result is meaningless"),
    CalloutAnswer.NULL_SENDER_REFUSED: (
        Label.UNVERIFIABLE, Basis.UNDECIDED,
        "the server refuses the null sender MAIL FROM:<> (RFC 5321 §4.5.5 requires it): nothing was asked"),
    CalloutAnswer.INCOMPLETE: (
        Label.UNVERIFIABLE, Basis.UNDECIDED, "the conversation ended before the server answered about the address"),
}


def _ascii_domain(sender: str) -> str | None:
    domain = address_domain(sender)
    if domain is None:
        return None
    # every message asks, offline too (the field shows the domain): the same domains recur; a long text is
    # not kept
    return _ascii_cached(domain) if len(domain) <= 255 else _ascii(domain)


@lru_cache(maxsize=2048)
def _ascii_cached(domain: str) -> str | None:
    return _ascii(domain)


def _ascii(domain: str) -> str | None:
    if domain.isascii():
        # What the idna codec does with an ASCII name, without loading it (and stringprep: ~1.5 ms of a filter
        # start): the name unchanged, refused when a label before the last is empty, or any is over 63.
        labels = domain.split(".")
        if any(not 0 < len(label) < 64 for label in labels[:-1]) or len(labels[-1]) >= 64:
            return None
    else:
        try:
            domain = domain.encode("idna").decode("ascii")  # IDNA 2003 (stdlib): enough to find an MX
        except UnicodeError:
            return None
    return domain if safe_hostname(domain) else None


def _our_helo(ctx: Context) -> str | None:
    """--helo, else this host's FQDN; a host name or an address literal (RFC 5321 §4.1.3), else None."""
    name = ctx.helo or socket.getfqdn()
    if name.startswith("[") and name.endswith("]"):
        try:
            ipaddress.ip_address(name[1:-1].removeprefix("IPv6:"))
        except ValueError:
            return None
        return name
    return name if safe_hostname(name) else None


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    sender, source = envelope_sender(facts.message, ctx.mta)
    domain = _ascii_domain(sender) if sender else None
    shown = _shown(sender)
    if not ctx.probes:
        yield from _not_run(facts, ctx, sender, domain, shown, "opt-in: not asked for (--probe responsive)",
                            callout_why="opt-in: not asked for (--probe callout)")
        return
    callout = "callout" in ctx.probes
    why, basis = _why_not(sender, source, domain, ctx)
    if why:
        yield from _not_run(facts, ctx, sender, domain, shown, why, basis)
        return
    assert sender is not None and domain is not None
    helo = _our_helo(ctx)
    if helo is None:
        why = f"--helo {safe_text(ctx.helo or '', 80)!r} is neither a host name nor an address literal"
        yield from _not_run(facts, ctx, sender, domain, shown, why)
        return
    from mailcheck.probe.prober import ProbeSettings, probe_domain  # only when probing: the filter's start-up time

    settings = ProbeSettings(ctx.smtp_port, helo, ctx.probe_timeout, callout, ctx.probe_private)
    ask = sender if callout and safe_path(sender) else None
    probe, reused = ctx.probe_cache.probe(domain, ctx.probe_limit,
                                          lambda: probe_domain(ctx.dns, domain, settings, ask))
    if probe is None:
        yield from _not_run(facts, ctx, sender, domain, shown,
                            f"probe limit reached ({ctx.probe_limit} domains per run)")
        return
    yield _server_finding(facts, probe, reused)
    answer = None
    if callout:
        finding, answer = _callout_finding(facts, probe, reused, sender, shown, unsafe=ask is None)
        yield finding
    else:
        yield _plain(CALLOUT_FIELD, shown, "opt-in: not asked for (--probe callout)", Basis.NOT_RUN)
    facts.results.probe = ProbeResult(sender, domain, probe, reused, answer)


def _why_not(sender: str | None, source: str, domain: str | None, ctx: Context) -> tuple[str, Basis]:
    """Why nothing can be probed for this message, and how that reads ("" when a probe can go ahead).
    No sender, the null sender and a domain that is no host name leave nothing to check (as in the
    sender-domain check); offline, the probe is a check that was not run."""
    if sender is None:
        return f"{source}: no domain to probe", Basis.UNCHECKABLE
    if sender == "":
        return (f"the envelope sender is empty (<>, from {source}): a bounce has no domain to probe",
                Basis.UNCHECKABLE)
    if domain is None:
        return (f"the envelope sender's domain (from {source}) is not a host name that can be probed",
                Basis.UNCHECKABLE)
    if ctx.offline:
        return "offline: no DNS, so no probe", Basis.NOT_RUN
    return "", Basis.NOT_RUN


def _plain(name: str, value: str, why: str, basis: Basis) -> Finding:
    return Finding(name, value, Label.UNVERIFIABLE, (why,), ID, basis)


def _shown(sender: str | None) -> str:
    if sender is None:
        return "(no envelope sender)"
    return safe_text(sender, 200) if sender else "<>"


def _not_run(facts: Facts, ctx: Context, sender: str | None, domain: str | None, shown: str, why: str,
             basis: Basis = Basis.NOT_RUN, callout_why: str | None = None) -> Iterator[Finding]:
    """Both fields unverifiable for one reason. Not asked at all (callout_why given): the continuum keeps
    its own "not run (opt-in)" lines; otherwise the steps say why the probe could not go ahead.
    shown: _shown(sender)."""
    yield _plain(SERVER_FIELD, domain or shown, why, basis)
    yield _plain(CALLOUT_FIELD, shown, callout_why or why, basis)
    if callout_why is None:
        facts.steps[RESPONSIVE_STEP] = step(RESPONSIVE_STEP, StepStatus.NOT_RUN, why)
        if "callout" in ctx.probes:
            facts.steps[CALLOUT_STEP] = step(CALLOUT_STEP, StepStatus.NOT_RUN, why)
    facts.results.probe = ProbeResult(sender, domain, None, False, None, why)


def _attempt(session: Session) -> str:
    took = f"{session.seconds * 1000:.0f} ms" if session.seconds < 1 else f"{session.seconds:.1f} s"
    said = f": {session.banner.show()}" if session.banner else f" ({session.detail})" if session.detail else ""
    return f"{session.where()} {SERVER_TABLE[session.outcome]}, after {took}{said}"


def _route_problem(probe: DomainProbe) -> str:
    """Why no connection was made, when none was."""
    from mailcheck.lookup.mx import RouteKind  # only after a probe: loaded with the prober

    route = probe.route
    if route.kind is RouteKind.NULL:
        return "the domain publishes a null MX (RFC 7505): it receives no mail; no mail server to probe"
    if route.kind is RouteKind.NONE:
        return "no MX and no address records: no mail server to probe (the sender-domain check judges this)"
    if route.kind is RouteKind.FAILED:
        return "DNS could not say where the domain's mail goes, so nothing was probed"
    if probe.skipped:
        return "no address of the mail hosts could be probed"
    return "the mail hosts have no addresses (A/AAAA), so nothing was probed"


def _server_finding(facts: Facts, probe: DomainProbe, reused: bool) -> Finding:
    evidence = [probe.route.describe()]
    evidence += [a.describe() for a in probe.address_answers if not a.answered]
    evidence += [_attempt(s) for s in probe.sessions]
    evidence += list(probe.skipped)
    answered = probe.answered
    if answered is not None and answered.greeting is not None:
        command = "HELO (after EHLO was refused)" if answered.used_helo else "EHLO"
        evidence.append(f"our {command} got {answered.greeting.show()}")
    if answered is not None:
        value = answered.where()
        outcome = _attempt(answered)
        evidence.append(f"a mail server of {probe.domain} answers; {_NOT_ENOUGH}")
    elif probe.sessions:
        value = probe.domain
        outcome = f"no mail server of {probe.domain} answered ({len(probe.sessions)} tried)"
        evidence.append(outcome + "; that does not make the sender forged: servers are down or filtered "
                        "for many reasons")
    else:
        value = probe.domain
        outcome = _route_problem(probe)
        evidence.append(outcome)
    if reused:
        evidence.append(f"from this run's earlier probe of {probe.domain}: no new connection was made")
    facts.steps[RESPONSIVE_STEP] = step(RESPONSIVE_STEP, StepStatus.RAN,
                                                 outcome)
    return Finding(SERVER_FIELD, value, Label.UNVERIFIABLE, tuple(e for e in evidence if e), ID, Basis.UNDECIDED)


def _callout_finding(facts: Facts, probe: DomainProbe, reused: bool, sender: str, shown: str,
                     unsafe: bool) -> tuple[Finding, CalloutAnswer | None]:
    answered = probe.answered
    callout = answered.callout if answered is not None else None
    answer: CalloutAnswer | None = None
    if callout is not None and (probe.callout_sender == sender or callout.answer is CalloutAnswer.ACCEPTS_ALL):
        answer = callout.answer
    if answer is None or callout is None:
        if unsafe:
            why = ("the address has characters mailcheck will not put into an SMTP command (only plain "
                   "ASCII dot-atom addresses are called out)")
        elif answered is None or answered.outcome is not Outcome.ANSWERED:
            why = f"no mail server of {probe.domain} took a conversation, so nothing was asked"
        else:
            why = (f"one conversation per domain per run: this run already talked to {probe.domain}'s server "
                   "without asking about this address")
        talked = answered is not None and answered.outcome is Outcome.ANSWERED
        basis = Basis.NOT_RUN if unsafe or talked else Basis.UNDECIDED
        facts.steps[CALLOUT_STEP] = step(CALLOUT_STEP, StepStatus.NOT_RUN, why)
        return _plain(CALLOUT_FIELD, shown, why, basis), None
    label, basis, meaning = CALLOUT_TABLE[answer]
    evidence = []
    if callout.null_sender_reply is not None:
        evidence.append(f"MAIL FROM:<> got {callout.null_sender_reply.show()}")
    if callout.random_reply is not None:
        evidence.append(f"RCPT TO:<{callout.random_address}> (a made-up address) got {callout.random_reply.show()}")
    if callout.sender_reply is not None:
        evidence.append(f"RCPT TO:<{shown}> got {callout.sender_reply.show()}")
    if callout.problem:
        evidence.append(safe_text(callout.problem, 200))
    if probe.callout_sender != sender:
        evidence.append(f"learnt earlier in this run about {probe.domain}, asking about another address")
    elif reused:
        evidence.append(f"from this run's earlier probe of {probe.domain}: no new connection was made")
    evidence.append(meaning)
    evidence.append(f"asked {answered.where() if answered else probe.domain}; no DATA was sent")
    facts.steps[CALLOUT_STEP] = step(CALLOUT_STEP, StepStatus.RAN,
                                              f"{answer.value}: {meaning}")
    return Finding(CALLOUT_FIELD, shown, label, tuple(evidence), ID, basis), answer
