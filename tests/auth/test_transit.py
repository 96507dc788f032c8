"""Changes in transit: a signature a list or forwarder broke is unverifiable, never forged, and never forges From."""

from __future__ import annotations

from support.signing import arc_seal, message, rsa_key, sign

from mailcheck.auth.arc import verify_chain
from mailcheck.auth.dkim_result import DkimOutcome
from mailcheck.auth.dkim_verify import verify_all
from mailcheck.auth.transit import list_evidence, relabelled
from mailcheck.context import Context
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Label
from mailcheck.parse.message import parse
from mailcheck.pipeline import analyze

RSA = rsa_key(2048)
ZONE = {
    ("sel._domainkey.example.com", "TXT"): [RSA.record()],
    ("arc._domainkey.lists.example.org", "TXT"): [RSA.record()],
    ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject"],
    ("example.com", "A"): ["192.0.2.1"],
}
LIST_HEADERS = b"List-Id: <dev.lists.example.org>\r\nSender: dev-bounces@lists.example.org\r\n"


def as_list_post(raw: bytes, *, list_headers: bool = True) -> bytes:
    """What a list does to a signed post: a subject tag, a footer, its own headers."""
    changed = raw.replace(b"Subject: Test message", b"Subject: [dev] Test message") + b"-- \r\nthe dev list\r\n"
    return LIST_HEADERS + changed if list_headers else changed


def relabel(raw: bytes) -> tuple[DkimOutcome, str]:
    parsed, dns = parse(raw), StaticDns(ZONE)
    (result,) = relabelled(verify_all(parsed, dns), verify_chain(parsed, dns), parsed)
    return result.outcome, result.reason


def test_an_arc_sealer_that_had_verified_the_signature_explains_the_break() -> None:
    sealed = arc_seal(as_list_post(sign(message(), RSA), list_headers=False), RSA)  # the sealer recorded dkim=pass
    outcome, reason = relabel(sealed)
    assert outcome is DkimOutcome.CHANGED_IN_TRANSIT
    assert "i=1, d=lists.example.org" in reason and "had verified this signature" in reason


def test_list_traffic_explains_a_footer_or_a_subject_tag() -> None:
    outcome, reason = relabel(as_list_post(sign(message(), RSA)))
    assert outcome is DkimOutcome.CHANGED_IN_TRANSIT
    assert "List-Id: <dev.lists.example.org>" in reason


def test_without_a_list_or_a_sealer_a_changed_body_stays_forged() -> None:
    outcome, _ = relabel(as_list_post(sign(message(), RSA), list_headers=False))
    assert outcome is DkimOutcome.SIGNATURE_MISMATCH


def test_a_sealer_that_recorded_a_failure_explains_nothing() -> None:
    sealed = arc_seal(as_list_post(sign(message(), RSA), list_headers=False), RSA,
                      results="dkim=fail header.d=example.com")
    assert relabel(sealed)[0] is DkimOutcome.SIGNATURE_MISMATCH


def test_sender_or_precedence_alone_is_no_list() -> None:
    raw = b"Sender: someone@example.net\r\nPrecedence: bulk\r\n" + message()
    assert list_evidence(parse(raw)) == ()


def test_a_list_post_under_p_reject_is_not_forged() -> None:
    report = analyze(as_list_post(sign(message(), RSA)), Context(dns=StaticDns(ZONE)))
    labels = {f.name: f for f in report.fields}
    assert labels["dkim[0]"].label is Label.UNVERIFIABLE
    assert labels["from"].label is Label.UNVERIFIABLE
    assert report.verdict is not Label.FORGED


GROUPS_POST = (
    b"List-Id: <open-iscsi.googlegroups.com>\r\n"
    b"List-Post: <https://groups.google.com/group/open-iscsi/post>, <mailto:open-iscsi@googlegroups.com>\r\n"
    b"From: \"'Lee Duncan' via open-iscsi\" <open-iscsi@googlegroups.com>\r\n"
    b"Subject: Re: [PATCH v2] [open-iscsi] iscsid: fix the login retry\r\n"
    b"\r\n"
    b"The patch looks right.\r\n-- \r\nTo unsubscribe from this group, send an email to "
    b"open-iscsi+unsubscribe@googlegroups.com.\r\n"
)


def test_the_list_evidence_names_a_rewritten_from_the_list_tag_and_the_footer() -> None:
    signs = list_evidence(parse(GROUPS_POST))
    assert "From rewritten to the list's own address ('Lee Duncan' via open-iscsi <open-iscsi@googlegroups.com>)" \
        in signs
    assert "the list's subject tag [open-iscsi]" in signs  # the author's own [PATCH v2] is not the list's
    assert "a list footer at the end of the body (it names open-iscsi+unsubscribe@googlegroups.com)" in signs


def test_a_from_or_footer_that_does_not_name_the_list_is_no_sign() -> None:
    raw = (GROUPS_POST.replace(b"<open-iscsi@googlegroups.com>\r\nSubject", b"<lee@example.com>\r\nSubject")
           .replace(b"open-iscsi+unsubscribe@googlegroups.com", b"nobody@example.com")
           .replace(b"[open-iscsi] ", b""))
    signs = list_evidence(parse(raw))
    assert signs and not [s for s in signs if s.startswith(("From rewritten", "a list footer", "the list's subject"))]


def test_the_list_tag_search_is_bounded_on_a_hostile_subject() -> None:
    raw = b"List-Id: <dev.lists.example.org>\r\nSubject: " + b"[" * 200_000 + b"\r\n\r\nbody\r\n"
    assert list_evidence(parse(raw)) == ("List-Id: <dev.lists.example.org>",)
