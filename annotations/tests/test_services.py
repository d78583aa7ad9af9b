from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations.models import Verdict
from annotations.selectors import claims_annotated
from annotations.services import (
    claim_create,
    span_link_claim,
    verdict_set,
    verdict_withdraw,
)


def test_it_creates_then_updates_my_verdict(span, alice):
    first = verdict_set(span=span, reviewer=alice, label="disputed")
    second = verdict_set(
        span=span, reviewer=alice, label="attributed", attributed_to="  the   ministry "
    )
    assert first.pk == second.pk
    assert Verdict.objects.get().attributed_to == "the ministry"
    assert second.history.count() == 2


def test_a_reviewer_cannot_change_another_reviewers_verdict(verdict, bob):
    # Setting a verdict as bob only ever reaches bob's own row.
    verdict_set(span=verdict.span, reviewer=bob, label="verified")
    verdict.refresh_from_db()
    assert verdict.label == "disputed"
    assert Verdict.objects.count() == 2


def test_a_reviewer_cannot_withdraw_another_reviewers_verdict(verdict, bob):
    with pytest.raises(PermissionDenied):
        verdict_withdraw(verdict=verdict, reviewer=bob)
    assert Verdict.objects.filter(pk=verdict.pk).exists()


def test_withdrawing_my_verdict_keeps_it_in_the_history(verdict, alice):
    verdict_id = verdict.pk
    verdict_withdraw(verdict=verdict, reviewer=alice)
    assert not Verdict.objects.exists()
    deletion = Verdict.history.get(id=verdict_id, history_type="-")
    assert deletion.history_user == alice and deletion.label == "disputed"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": "true"}, "Unknown label"),
        ({"label": "attributed"}, "Say who"),
        ({"label": "verified", "evidence_url": "javascript:alert(1)"}, "valid URL"),
        ({"label": "verified", "evidence_url": "ftp://example.org/x"}, "valid URL"),
        ({"label": "verified", "note": "<script>alert(1)</script>"}, "HTML"),
        ({"label": "attributed", "attributed_to": "<b>MoD</b>"}, "HTML"),
        ({"label": "verified", "note": "x" * 2001}, "at most 2000"),
    ],
)
def test_bad_verdict_input_is_refused_and_stores_nothing(span, alice, fields, message):
    with pytest.raises(ValidationError, match=message):
        verdict_set(span=span, reviewer=alice, **fields)
    assert not Verdict.objects.exists()


def test_plain_text_with_ampersands_and_angles_is_kept(span, alice):
    note = "AT&T said 3 < 4 — fine"
    assert verdict_set(span=span, reviewer=alice, label="verified", note=note).note == note


def test_a_hidden_verdict_cannot_be_edited_by_its_author(verdict, alice):
    Verdict.objects.filter(pk=verdict.pk).update(hidden=True, hidden_reason="abusive")
    with pytest.raises(PermissionDenied):
        verdict_set(span=verdict.span, reviewer=alice, label="verified")


def test_claim_counts_per_label_leave_hidden_verdicts_out(span, alice, bob, charlie):
    claim = claim_create(text="12 tanks were destroyed", created_by=alice, origin="the ministry")
    span_link_claim(span=span, claim=claim, user=alice)
    verdict_set(span=span, reviewer=alice, label="disputed")
    verdict_set(span=span, reviewer=bob, label="disputed")
    hidden = verdict_set(span=span, reviewer=charlie, label="verified")
    Verdict.objects.filter(pk=hidden.pk).update(hidden=True, hidden_reason="spam")
    counted = claims_annotated().get(pk=claim.pk)
    assert (
        counted.verdict_count,
        counted.n_disputed,
        counted.n_verified,
        counted.n_attributed,
    ) == (
        2,
        2,
        0,
        0,
    )


def test_linking_a_span_is_recorded_in_its_history(span, alice):
    claim = claim_create(text="A claim", created_by=alice)
    span_link_claim(span=span, claim=claim, user=alice)
    latest = span.history.first()
    assert latest.claim_id == claim.pk and latest.history_user == alice


def test_a_claim_with_markup_is_refused(alice):
    with pytest.raises(ValidationError, match="HTML"):
        claim_create(text="<img src=x onerror=alert(1)>", created_by=alice)
