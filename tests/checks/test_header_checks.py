"""The offline header checks: Date, display name, From, Sender/Reply-To, Message-ID, Subject,
verdict headers and body claims — through analyze(), as a user sees them."""

from __future__ import annotations

from support.messages import build, field, run

from mailcheck.model import Basis, Label

BASE = "From: Alice <alice@example.com>\nTo: bob@example.org\nSubject: hi\nMessage-ID: <1@example.com>\n"


def test_date_after_receipt_beyond_skew_is_forged() -> None:
    report = run(build(BASE + "Date: Wed, 18 Nov 2026 13:00:00 +0000\n"))
    date = field(report, "date")
    assert date.label is Label.FORGED
    assert any("+1h00m after your servers received it" in e for e in date.evidence)
    assert any("600 s" in e for e in date.evidence)


def test_date_within_skew_and_before_receipt_is_unverifiable() -> None:
    for when in ("Wed, 18 Nov 2026 12:05:00 +0000", "Wed, 18 Nov 2026 11:59:00 +0000"):
        date = field(run(build(BASE + f"Date: {when}\n")), "date")
        assert date.label is Label.UNVERIFIABLE and date.basis is Basis.UNDECIDED
    assert "written 1m00s before your servers received it" in date.evidence[1]


def test_impossible_zone_is_forged_and_missing_date_reported() -> None:
    assert field(run(build(BASE + "Date: Wed, 18 Nov 2026 11:00:00 -0060\n")), "date").label is Label.FORGED
    missing = field(run(build(BASE)), "date")
    assert missing.label is Label.UNVERIFIABLE and "no Date" in missing.evidence[0]


def test_display_name_embedding_another_domain_is_forged() -> None:
    headers = "From: \"service@paypal.com\" <x@attacker.example.net>\nDate: Wed, 18 Nov 2026 11:59:00 +0000\n"
    name = field(run(build(headers)), "from-display-name")
    assert name.label is Label.FORGED and "paypal.com" in name.evidence[0]
    headers = "From: PayPal.com Security <x@attacker.example.net>\n"
    assert field(run(build(headers)), "from-display-name").label is Label.FORGED


def test_plain_or_matching_display_name_is_uncheckable() -> None:
    for display in ("Bill Gates", "Dr.No Fan Club", "alice@example.com", "Example.com Team"):
        name = field(run(build(f"From: \"{display}\" <alice@mail.example.com>\n")), "from-display-name")
        assert name.label is Label.UNVERIFIABLE and name.basis is Basis.UNCHECKABLE, display


def test_two_from_fields_with_different_authors_are_forged() -> None:
    report = run(build("From: a@example.com\nFrom: b@example.net\n"))
    assert field(report, "from").label is Label.FORGED
    assert report.verdict is Label.FORGED


def test_missing_from_and_offline_from() -> None:
    assert "no From" in field(run(build("Subject: x\n")), "from").evidence[0]
    offline = field(run(build(BASE)), "from")
    assert offline.label is Label.UNVERIFIABLE and offline.basis is Basis.NOT_RUN


def test_reply_to_other_organisation_is_pointed_out() -> None:
    reply = field(run(build(BASE + "Reply-To: payments@collector.example.net\n")), "reply-to")
    assert reply.label is Label.UNVERIFIABLE
    assert any("example.net" in e and "different organisation" in e for e in reply.evidence)


def test_message_id_and_subject_are_uncheckable() -> None:
    report = run(build(BASE))
    assert field(report, "message-id").basis is Basis.UNCHECKABLE
    assert field(report, "subject").value == "hi"
    bad = field(run(build("Message-ID: no-angle-brackets\n")), "message-id")
    assert any("<left@right>" in e for e in bad.evidence)


def test_verdict_header_above_entry_is_ours_below_is_not() -> None:
    raw = build(BASE + "X-Spam-Flag: NO\n", top="X-Spam-Status: No, score=1.0\n")
    report = run(raw)
    assert field(report, "header:X-Spam-Status[0]").label is Label.VALIDATED
    below = field(report, "header:X-Spam-Flag[0]")
    assert below.label is Label.UNVERIFIABLE and below.basis is Basis.UNCHECKABLE


def test_planted_verdict_headers_impersonating_us_are_forged() -> None:
    planted = (
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com\n"
        "X-Spam-Status: No, score=-9\n"
        "X-Mailcheck-Verdict: validated\n"
        "Authentication-Results: upstream.example.net; dkim=pass\n"
    )
    report = run(build(BASE + planted, top="X-Spam-Status: Yes, score=12\n"))
    assert field(report, "header:Authentication-Results[0]").label is Label.FORGED  # names our trusted host
    assert field(report, "header:X-Spam-Status[1]").label is Label.FORGED  # we add X-Spam-Status ourselves
    assert field(report, "header:X-Mailcheck-Verdict[0]").label is Label.FORGED
    assert field(report, "header:Authentication-Results[1]").label is Label.UNVERIFIABLE  # someone else's
    with_id = run(build(BASE + "Authentication-Results: corp-auth; dmarc=pass\n"), authserv_ids=("corp-auth",))
    assert field(with_id, "header:Authentication-Results[0]").label is Label.FORGED


def test_return_path_below_received_is_not_the_envelope() -> None:
    report = run(build(BASE + "Return-Path: <ceo@example.com>\n"))
    rp = field(report, "header:Return-Path[0]")
    assert rp.label is Label.UNVERIFIABLE
    assert "below a Received line" in rp.evidence[0]


def test_body_claims_are_one_uncheckable_field() -> None:
    body = 'As seen on TV! "This product changed my life completely, honestly" Jane Doe, Boston\n'
    claims = field(run(build(BASE, body=body)), "body-claims")
    assert claims.label is Label.UNVERIFIABLE and claims.basis is Basis.UNCHECKABLE
    kinds = " ".join(claims.evidence)
    assert "endorsement" in kinds and "testimonial" in kinds


def test_results_in_the_entry_hops_trace_block_are_undecided_not_forged() -> None:
    # Gmail's layout: its Received, then its Received-SPF and Authentication-Results, then older lines.
    older = ("Received: from list.example.net (list.example.net [198.51.100.5])\n"
             "\tby relay.example.net with ESMTP id Q1; Wed, 18 Nov 2026 11:59:50 +0000\n")
    trace = ("Received-SPF: pass (mx.example.org: domain of a@example.com designates 203.0.113.9)\n"
             "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com\n")
    for layout in (trace + older + BASE, trace + BASE):
        ours = field(run(build(layout)), "header:Authentication-Results[0]")
        assert ours.label is Label.UNVERIFIABLE and ours.basis is Basis.UNDECIDED
        assert "trace fields right below the entry hop" in ours.evidence[0]
    # Below the sender's own relay hop, a field naming your server cannot be your server's: planted.
    assert field(run(build(older + trace + BASE)), "header:Authentication-Results[0]").label is Label.FORGED


def test_display_name_in_mathematical_bold_shows_its_skeleton() -> None:
    headers = "From: =?utf-8?b?" + __import__("base64").b64encode("𝐏𝐚𝐲𝐏𝐚𝐥.com Security".encode()).decode() \
        + "?= <x@attacker.example.net>\n"
    name = field(run(build(headers)), "from-display-name")
    assert name.label is Label.FORGED
    assert "'paypal.com'" in name.evidence[0]
    assert any("reads as 'PayPal.com Security'" in e for e in name.evidence)


def test_reply_to_in_lookalike_letters_is_compared_as_it_reads() -> None:
    # a Cyrillic "а" in the Reply-To domain: the same organisation as the From, as a reader sees it
    report = run(build("From: a@paypal.com\nReply-To: b@p\u0430ypal.com\n".encode().decode()))
    reply = field(report, "reply-to")
    assert any("reads as paypal.com" in e for e in reply.evidence)
    assert not any("different organisation" in e for e in reply.evidence)
