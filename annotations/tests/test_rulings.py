"""Rulings: what a ruling needs (reviewers holding its label, evidence, an explicit
overrule against the consensus), the lock a ruling puts on its claim, and attributed-to
belonging to attributed verdicts only."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Claim, Span, Verdict
from annotations.rules.rulings import ruling_refusals
from annotations.views.workspace import _default_claim

EVIDENCE = "https://example.org/general-staff-statement"
HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "Prisoners\n\n"
    "According to the General Staff, Ukraine captured 909 Russian soldiers. "
    "Officials said 12,000 North Korean troops fought near Kursk."
)


def _client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("article_list"))  # sets the CSRF cookie
    client.csrf = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def article(db):
    article, _ = services.article_import(title="Prisoners", text=TEXT)
    return article


def _span(article, wording: str) -> Span:
    start = article.text.index(wording)
    return services.span_get_or_create(
        article=article, start=start, end=start + len(wording), exact=wording, created_by=None
    )


@pytest.fixture
def claim(article, alice):
    claim = services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    services.span_link_claim(span=_span(article, "909 Russian soldiers"), claim=claim, user=alice)
    return claim


@pytest.fixture
def crowd(django_user_model, groups):
    reviewers, _ = groups
    users = []
    for n in range(8):
        user = django_user_model.objects.create_user(f"reviewer{n}")
        user.groups.add(reviewers)
        users.append(user)
    return users


def _vote(claim: Claim, reviewer, label: str, evidence: bool = False) -> Verdict:
    return services.verdict_set(
        span=claim.spans.get(),
        reviewer=reviewer,
        label=label,
        evidence_url=EVIDENCE if evidence else "",
        attributed_to="the General Staff" if label == "attributed" else "",
    )


# --- what a ruling needs ------------------------------------------------------------------


def test_it_refuses_a_ruling_the_reviewers_do_not_hold_unless_overruled_with_evidence():
    crowd = {"verified": 1, "disputed": 1, "attributed": 6}
    reasons = ruling_refusals(
        label="verified",
        reviewers_per_label=crowd,
        evidenced_per_label={"disputed": 1},
        consensus="attributed",
        overrule=False,
    )
    assert len(reasons) == 3, reasons  # against the consensus, one reviewer, no evidence
    assert (
        ruling_refusals(
            label="disputed",
            reviewers_per_label=crowd,
            evidenced_per_label={"disputed": 1},
            consensus="attributed",
            overrule=True,
        )
        == []
    ), "an overrule waives the two reviewers, not the evidence"
    assert (
        ruling_refusals(
            label="attributed",
            reviewers_per_label=crowd,
            evidenced_per_label={},
            consensus="attributed",
            overrule=False,
        )
        == []
    )
    assert (
        "nothing to overrule"
        in ruling_refusals(
            label="attributed",
            reviewers_per_label=crowd,
            evidenced_per_label={},
            consensus="attributed",
            overrule=True,
        )[0]
    )


def test_it_refuses_a_verified_ruling_backed_by_other_labels(claim, crowd, maria):
    """One verified, one disputed with evidence, six attributed: two reviewers and an
    evidenced verdict exist, but not behind "verified"."""
    _vote(claim, crowd[0], "verified")
    _vote(claim, crowd[1], "disputed", evidence=True)
    for reviewer in crowd[2:]:
        _vote(claim, reviewer, "attributed")
    with pytest.raises(ValidationError) as refused:
        services.ruling_publish(claim=claim, moderator=maria, label="verified", rationale="ok")
    text = " ".join(refused.value.messages)
    assert "consensus is attributed" in text and "at least two reviewers holding" in text
    claim.refresh_from_db()
    assert claim.ruling == "" and claim.status == "open"


def test_it_publishes_an_overruling_and_says_so_publicly(claim, crowd, maria):
    for reviewer in crowd[:4]:
        _vote(claim, reviewer, "attributed")
    _vote(claim, crowd[4], "disputed", evidence=True)
    _vote(claim, crowd[5], "disputed")
    with pytest.raises(ValidationError, match="overrule the consensus"):
        services.ruling_publish(
            claim=claim, moderator=maria, label="disputed", rationale="The count is wrong."
        )
    ruled = services.ruling_publish(
        claim=claim,
        moderator=maria,
        label="disputed",
        rationale="The count is wrong.",
        overrule=True,
    )
    assert ruled.ruling == "disputed" and ruled.ruling_overrules_consensus == "attributed"
    assert "overruling the consensus (attributed)" in ruled.history.first().history_change_reason

    said = "overruled the reviewers' consensus (attributed)"
    page = _client_for(crowd[4]).get(reverse("claim_detail", args=[claim.pk]))
    assert said in page.content.decode()
    review = json.loads(Client().get(reverse("claim_review", args=[claim.pk])).content)
    assert said in review["reviewBody"] and review["reviewBody"].startswith("The count is wrong.")

    services.claim_reopen(claim=ruled, moderator=maria)
    ruled.refresh_from_db()
    assert ruled.ruling_overrules_consensus == ""


def test_it_offers_moderators_the_overrule_with_the_consensus_and_the_reasons(claim, crowd, maria):
    for reviewer in crowd[:4]:
        _vote(claim, reviewer, "attributed")
    _vote(claim, crowd[4], "disputed", evidence=True)
    client = _client_for(maria)
    url = reverse("admin:annotations_claim_changelist")
    data = {
        "action": "publish_ruling",
        "_selected_action": [claim.pk],
        "apply": "1",
        "ruling": "disputed",
        "rationale": "The count is wrong.",
    }
    response = client.post(url, data, HTTP_X_CSRFTOKEN=client.csrf)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Reviewers' consensus: <strong>attributed</strong>" in html
    assert "consensus is attributed" in html and 'name="overrule"' in html
    response = client.post(url, {**data, "overrule": "on"}, HTTP_X_CSRFTOKEN=client.csrf)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.ruling, claim.ruling_overrules_consensus) == ("disputed", "attributed")


def test_it_counts_only_the_latest_verdict_of_each_reviewer_for_a_ruling(
    article, claim, alice, bob, maria
):
    other = _span(article, "12,000 North Korean troops")
    services.span_link_claim(span=other, claim=claim, user=alice)
    services.verdict_set(span=other, reviewer=alice, label="verified", evidence_url=EVIDENCE)
    services.verdict_set(span=other, reviewer=bob, label="verified", evidence_url=EVIDENCE)
    # alice then says disputed on the other appearance: she now holds disputed.
    services.verdict_set(
        span=claim.spans.get(start=article.text.index("909")), reviewer=alice, label="disputed"
    )
    with pytest.raises(ValidationError, match="at least two reviewers holding verified"):
        services.ruling_publish(claim=claim, moderator=maria, label="verified", rationale="ok")


# --- a ruled claim is locked --------------------------------------------------------------


@pytest.fixture
def ruled(claim, alice, bob, maria):
    _vote(claim, alice, "attributed")
    _vote(claim, bob, "attributed")
    return services.ruling_publish(
        claim=claim, moderator=maria, label="attributed", rationale="The General Staff's."
    )


def test_it_locks_the_verdicts_of_a_ruled_claim(ruled, alice, charlie, maria):
    span = ruled.spans.get()
    with pytest.raises(ValidationError, match="is ruled .attributed on .* and locked"):
        _vote(ruled, charlie, "disputed", evidence=True)
    with pytest.raises(ValidationError, match="locked"):
        _vote(ruled, alice, "verified", evidence=True)
    with pytest.raises(PermissionDenied, match="locked"):
        services.verdict_withdraw(verdict=Verdict.objects.get(reviewer=alice), reviewer=alice)
    assert list(span.verdicts.values_list("label", flat=True)) == ["attributed", "attributed"]

    services.claim_reopen(claim=ruled, moderator=maria)
    _vote(ruled, charlie, "disputed", evidence=True)
    assert span.verdicts.count() == 3


def test_it_locks_the_appearances_of_a_ruled_claim(article, ruled, alice, maria):
    loose = _span(article, "12,000 North Korean troops")
    other = services.claim_create(text="12,000 North Korean troops", created_by=alice)
    services.span_link_claim(span=loose, claim=other, user=alice)
    with pytest.raises(ValidationError, match="locked"):
        services.span_move(span=loose, claim=ruled, user=alice)
    with pytest.raises(ValidationError, match="locked"):
        services.span_move(span=ruled.spans.get(), claim=other, user=alice)
    with pytest.raises(ValidationError, match=f"Reopen claim #{ruled.pk} first"):
        services.claim_merge(claims=[ruled, other], into=ruled, moderator=maria)
    with pytest.raises(ValidationError, match=f"Reopen claim #{ruled.pk} first"):
        services.claim_merge(claims=[ruled, other], into=other, moderator=maria)
    assert list(ruled.spans.all()) == [ruled.spans.get()] and other.spans.get() == loose


def test_it_refuses_moving_a_highlight_into_a_ruled_claim_with_its_message(article, ruled, alice):
    loose = _span(article, "12,000 North Korean troops")
    other = services.claim_create(text="12,000 North Korean troops", created_by=alice)
    services.span_link_claim(span=loose, claim=other, user=alice)
    client = _client_for(alice)
    data = {"start": loose.start, "end": loose.end, "exact": loose.exact, "claim": ruled.pk}
    for headers in ({}, HTMX):
        response = client.post(
            reverse("span_move", args=[article.pk]), data, HTTP_X_CSRFTOKEN=client.csrf, **headers
        )
        assert response.status_code == 422
        assert "This claim is ruled (attributed on" in response.content.decode()
    loose.refresh_from_db()
    assert loose.claim_id == other.pk


def test_it_tells_the_moderator_to_reopen_a_ruled_claim_before_merging(ruled, alice, maria):
    other = services.claim_create(text="Another claim", created_by=alice)
    client = _client_for(maria)
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {
            "action": "merge",
            "_selected_action": [ruled.pk, other.pk],
            "apply": "1",
            "into": str(ruled.pk),
        },
        HTTP_X_CSRFTOKEN=client.csrf,
        follow=True,
    )
    assert response.status_code == 200
    assert f"Reopen claim #{ruled.pk} first to merge it." in response.content.decode()
    other.refresh_from_db()
    assert other.status == "open" and other.ruling_note == ""


def test_it_refuses_a_new_highlight_into_a_ruled_claim_and_keeps_what_was_typed(
    article, ruled, charlie
):
    client = _client_for(charlie)
    wording = "12,000 North Korean troops"
    start = article.text.index(wording)
    data = {
        "start": start,
        "end": start + len(wording),
        "exact": wording,
        "label": "disputed",
        "note": "Sources differ on this number.",
        "evidence_url": EVIDENCE,
        "claim": str(ruled.pk),
        "claim_text": "",
    }
    for headers in ({}, HTMX):
        response = client.post(
            reverse("verdict_save", args=[article.pk]),
            data,
            HTTP_X_CSRFTOKEN=client.csrf,
            **headers,
        )
        html = response.content.decode()
        assert response.status_code == 422
        assert "This claim is ruled (attributed on" in html and "a new claim" in html
        assert "Sources differ on this number." in html and EVIDENCE in html
    assert not Span.objects.filter(start=start).exists(), "no span is left behind"
    assert not Verdict.objects.filter(reviewer=charlie).exists()


def test_it_says_in_the_panel_that_a_ruled_claim_is_locked(article, ruled, alice):
    span = ruled.spans.get()
    url = reverse("span_panel", args=[article.pk]) + f"?start={span.start}&end={span.end}"
    for headers in ({}, HTMX):
        html = _client_for(alice).get(url, **headers).content.decode()
        assert "This claim is ruled (verdict attributed on" in html
        assert "and locked" in html and "ask a moderator to reopen it" in html.lower()


def test_it_does_not_default_a_new_highlight_to_a_ruled_claim(ruled):
    strong = SimpleNamespace(claim=ruled, strong=True)
    assert _default_claim(SimpleNamespace(claim=None, suggested_claims=[strong])) == "new"
    ruled.ruling = ""
    assert _default_claim(SimpleNamespace(claim=None, suggested_claims=[strong])) == ruled.pk


# --- attributed-to belongs to attributed verdicts -----------------------------------------


def test_it_drops_attributed_to_from_a_verdict_that_is_not_attributed(claim, alice):
    span = claim.spans.get()
    verdict = services.verdict_set(
        span=span, reviewer=alice, label="disputed", attributed_to="The General Staff"
    )
    assert verdict.attributed_to == ""
    services.verdict_set(span=span, reviewer=alice, label="attributed", attributed_to="MoD")
    verdict = services.verdict_set(span=span, reviewer=alice, label="verified")
    verdict.refresh_from_db()
    assert verdict.attributed_to == ""


def test_it_drops_the_prefilled_attribution_when_a_reviewer_disputes(article, alice):
    """The panel prefills "The General Staff" from "According to the General Staff"."""
    client = _client_for(alice)
    wording = "Ukraine captured 909 Russian soldiers"
    start = article.text.index(wording)
    panel = client.get(
        reverse("span_panel", args=[article.pk]) + f"?start={start}&end={start + len(wording)}"
    ).content.decode()
    assert 'value="The General Staff"' in panel
    response = client.post(
        reverse("verdict_save", args=[article.pk]),
        {
            "start": start,
            "end": start + len(wording),
            "exact": wording,
            "label": "disputed",
            "attributed_to": "The General Staff",
            "evidence_url": EVIDENCE,
            "claim": "new",
            "claim_text": wording,
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    verdict = Verdict.objects.get()
    assert verdict.label == "disputed" and verdict.attributed_to == ""
    page = client.get(reverse("claim_detail", args=[verdict.span.claim_id])).content.decode()
    assert "to The General Staff" not in page


def test_it_cleans_old_attributions_off_other_labels_in_the_migration(claim, alice):
    verdict = _vote(claim, alice, "disputed")
    before = verdict.updated_at
    # Rows from before the constraint: store one the way the old code did.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # rolled back with the test's transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute(
                "ALTER TABLE annotations_verdict "
                "DROP CONSTRAINT verdict_attributed_to_only_attributed"
            )
        else:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
        try:
            Verdict.objects.filter(pk=verdict.pk).update(attributed_to="The General Staff")
        finally:
            if connection.vendor != "postgresql":
                cursor.execute("PRAGMA ignore_check_constraints = 0")
    migration = importlib.import_module("annotations.migrations.0006_ruling_overrule")
    migration.drop_stray_attributions(django_apps, None)
    verdict.refresh_from_db()
    assert verdict.attributed_to == "" and verdict.updated_at == before
    assert verdict.history.first().history_change_reason == migration.REASON


def test_it_refuses_attributed_to_on_other_labels_in_the_database(claim, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(
            span=claim.spans.get(), reviewer=alice, label="disputed", attributed_to="MoD"
        )
