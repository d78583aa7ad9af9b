"""Claims across articles: the aggregates on the seed corpus, suggestions, moderation."""

from __future__ import annotations

import krippendorff
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import selectors, services
from annotations.models import Claim, Span, Verdict
from annotations.rules.origins import origins_grouped
from annotations.tests.conftest import EVIDENCE, GENERAL_STAFF_SPELLINGS, PLAN


def _aggregate(claim: Claim) -> selectors.ClaimAggregate:
    annotated = selectors.claims_annotated(Claim.objects.filter(pk=claim.pk)).get()
    return selectors.claim_aggregates([annotated])[0]


def test_the_909_claim_aggregates_exactly_across_four_articles(claim_909):
    assert Span.objects.filter(claim=claim_909).count() == 4
    assert Claim.objects.count() == 1, "all four appearances joined one claim"
    aggregate = _aggregate(claim_909)
    claim = aggregate.claim
    assert (claim.appearances, claim.article_count, claim.reviewer_count) == (4, 4, 3)
    assert aggregate.counts == {"verified": 1, "disputed": 2, "attributed": 9}
    # Each reviewer counts once, with their latest label: all three ended on "attributed".
    assert aggregate.reviewer_counts == {"verified": 0, "disputed": 0, "attributed": 3}
    assert claim.verdict_count == 12 and claim.evidenced == 3
    # Three of three reviewers hold "attributed": at least two thirds of at least two.
    assert claim.consensus == "attributed" and not claim.is_contested
    assert aggregate.origins == ["General Staff of the Armed Forces of Ukraine"]
    assert aggregate.outlets == [], "the seeds name no outlet and none is invented"

    # Alpha computed independently: reviewers × the four appearances, nominal.
    codes = {"verified": 1, "disputed": 2, "attributed": 3}
    matrix = [[codes[label] for label in PLAN[name]] for name in ("alice", "bob", "charlie")]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert round(aggregate.alpha, 3) == round(expected, 3)
    assert round(aggregate.alpha, 3) == 0.052  # low: three labels for one statement


def test_hidden_verdicts_count_nowhere(claim_909, maria):
    for verdict in Verdict.objects.filter(span__claim=claim_909, label="disputed"):
        services.verdict_hide(verdict=verdict, moderator=maria, reason="no evidence given")
    aggregate = _aggregate(claim_909)
    assert aggregate.counts["disputed"] == 0 and aggregate.claim.verdict_count == 10
    assert aggregate.claim.evidenced == 1


def test_verified_and_disputed_without_two_thirds_is_contested(span, alice, bob):
    claim = services.claim_create(text="12 tanks were destroyed", created_by=alice)
    services.span_link_claim(span=span, claim=claim, user=alice)
    services.verdict_set(span=span, reviewer=alice, label="verified")
    services.verdict_set(span=span, reviewer=bob, label="disputed")
    annotated = selectors.claims_annotated().get(pk=claim.pk)
    assert annotated.consensus == "contested" and annotated.is_contested
    assert list(selectors.claims_needing_attention())[0].pk == claim.pk


def test_one_reviewer_is_insufficient_and_alpha_undefined(span, alice):
    claim = services.claim_create(text="12 tanks", created_by=alice)
    services.span_link_claim(span=span, claim=claim, user=alice)
    services.verdict_set(span=span, reviewer=alice, label="verified")
    aggregate = _aggregate(claim)
    assert aggregate.claim.consensus == "insufficient"
    assert aggregate.alpha is None


def test_origins_group_spelling_variants_but_not_different_sources():
    grouped = origins_grouped(
        [*GENERAL_STAFF_SPELLINGS, "Oleksandr Syrsky", "President Volodymyr Zelensky"]
    )
    assert sorted(grouped) == sorted(
        [
            "General Staff of the Armed Forces of Ukraine",
            "Oleksandr Syrsky",
            "President Volodymyr Zelensky",
        ]
    )


def test_suggestions_rank_shared_figures_and_say_why(db, alice):
    target = services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    services.claim_create(text="Ukraine captured many Russian soldiers", created_by=alice)
    services.claim_create(text="North Korea sent 12,000 troops", created_by=alice)
    suggestions = selectors.claim_suggestions(
        text="the Defense Forces captured 909 Russian soldiers, the General Staff said"
    )
    assert suggestions[0].claim == target
    assert "shares 909" in suggestions[0].reasons
    assert all(s.claim.text != "North Korea sent 12,000 troops" for s in suggestions)


def test_figures_are_normalised():
    assert selectors.figures("approximately 39,900, about 16,100 killed and 909.") == {
        "39900",
        "16100",
        "909",
    }


# --- moderation services ------------------------------------------------------------------


def test_a_ruling_is_published_and_recorded(claim_909, maria):
    claim = services.ruling_publish(
        claim=claim_909,
        moderator=maria,
        label="attributed",
        rationale="The figure is the General Staff's; no independent count exists.",
    )
    assert claim.status == "resolved" and claim.ruling == "attributed"
    latest = claim.history.first()
    assert latest.history_user == maria and latest.history_change_reason.startswith("ruling")


def test_a_verified_ruling_without_evidence_is_refused(span, alice, bob, maria):
    claim = services.claim_create(text="12 tanks", created_by=alice)
    services.span_link_claim(span=span, claim=claim, user=alice)
    services.verdict_set(span=span, reviewer=alice, label="verified")
    services.verdict_set(span=span, reviewer=bob, label="verified")
    with pytest.raises(ValidationError, match="at least one verdict with evidence"):
        services.ruling_publish(claim=claim, moderator=maria, label="verified", rationale="ok")
    claim.refresh_from_db()
    assert claim.ruling == "" and claim.status == "open"


def test_a_disputed_ruling_needs_two_reviewers(span, alice, maria):
    claim = services.claim_create(text="12 tanks", created_by=alice)
    services.span_link_claim(span=span, claim=claim, user=alice)
    services.verdict_set(span=span, reviewer=alice, label="disputed", evidence_url=EVIDENCE)
    with pytest.raises(ValidationError, match="at least two reviewers"):
        services.ruling_publish(claim=claim, moderator=maria, label="disputed", rationale="no")


def test_a_reviewer_cannot_rule_hide_or_merge(claim_909, alice):
    verdict = Verdict.objects.filter(span__claim=claim_909).first()
    with pytest.raises(PermissionDenied):
        services.ruling_publish(
            claim=claim_909, moderator=alice, label="attributed", rationale="x"
        )
    with pytest.raises(PermissionDenied):
        services.verdict_hide(verdict=verdict, moderator=alice, reason="x")
    with pytest.raises(PermissionDenied):
        services.claim_merge(claims=[claim_909], into=claim_909, moderator=alice)
    claim_909.refresh_from_db()
    verdict.refresh_from_db()
    assert claim_909.ruling == "" and not verdict.hidden


def test_merging_keeps_spans_verdicts_and_history(seeds, alice, bob, maria):
    article = seeds[0]
    first = services.verdict_record(
        article=article,
        start=0,
        end=9,
        exact=article.text[:9],
        reviewer=alice,
        label="verified",
        evidence_url=EVIDENCE,
    )
    second = services.verdict_record(
        article=article,
        start=10,
        end=16,
        exact=article.text[10:16],
        reviewer=bob,
        label="disputed",
    )
    keep, merged = first.span.claim, second.span.claim
    assert keep != merged
    services.claim_merge(claims=[keep, merged], into=keep, moderator=maria)
    assert set(Span.objects.filter(claim=keep)) == {first.span, second.span}
    assert Verdict.objects.count() == 2
    merged.refresh_from_db()
    assert merged.status == "resolved" and f"#{keep.pk}" in merged.ruling_note
    moved = second.span.history.first()
    assert moved.history_user == maria and moved.claim_id == keep.pk
