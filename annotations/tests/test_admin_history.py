"""History in the admin (issue #8, defects 2 and 5): every history page can be read, none
can revert — a verdict is its reviewer's, a moderator hides it and never rewrites or
restores it — and the span change and history pages answer."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from annotations import services
from annotations.models import Claim, Span, Verdict


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    client.csrf = client.cookies["csrftoken"].value
    return client


def _revert(client, model: str, record, **data):
    """POST the history form of `record` the way its Revert button would."""
    url = reverse(f"admin:annotations_{model}_simple_history", args=[record.id, record.history_id])
    return client.post(url, data, HTTP_X_CSRFTOKEN=client.csrf)


def _verdicts():
    return list(
        Verdict.objects.order_by("pk").values_list(
            "pk",
            "span_id",
            "reviewer_id",
            "label",
            "note",
            "hidden",
            "hidden_reason",
            "updated_at",
        )
    )


def test_it_refuses_to_revert_a_reviewers_verdict(verdict, alice, maria):
    services.verdict_set(span=verdict.span, reviewer=alice, label="verified", note="Checked.")
    first = verdict.history.earliest()
    assert first.label == "disputed"
    before = _verdicts()
    client = _client(maria)
    response = _revert(client, "verdict", first, label="disputed", note="Count differs.")
    assert response.status_code == 405
    assert _verdicts() == before
    page = client.get(
        reverse("admin:annotations_verdict_simple_history", args=[first.id, first.history_id])
    )
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_it_refuses_to_bring_back_a_withdrawn_verdict(verdict, alice, maria):
    record = verdict.history.earliest()
    services.verdict_withdraw(verdict=verdict, reviewer=alice)
    client = _client(maria)
    assert _revert(client, "verdict", record).status_code == 405
    assert not Verdict.objects.filter(pk=record.id).exists()


def test_it_refuses_to_revert_a_verdict_whose_reviewer_voted_again(verdict, span, alice, maria):
    # Django's revert would insert a second verdict for (span, alice): a 500 before.
    record = verdict.history.earliest()
    services.verdict_withdraw(verdict=verdict, reviewer=alice)
    services.verdict_set(span=span, reviewer=alice, label="verified")
    before = _verdicts()
    assert _revert(_client(maria), "verdict", record).status_code == 405
    assert _verdicts() == before


def test_it_refuses_to_revert_a_claims_ruling_or_a_spans_claim(claim_909, maria):
    services.ruling_publish(claim=claim_909, moderator=maria, label="attributed", rationale="x")
    claim_record = claim_909.history.earliest()
    span = Span.objects.filter(claim=claim_909).first()
    span_record = span.history.earliest()
    client = _client(maria)
    assert _revert(client, "claim", claim_record, text=claim_909.text).status_code == 405
    assert _revert(client, "span", span_record, claim="").status_code == 405
    claim_909.refresh_from_db()
    assert claim_909.ruling == "attributed" and claim_909.status == "resolved"
    span.refresh_from_db()
    assert span.claim_id == claim_909.pk
    assert claim_909.history.count() == Claim.history.filter(id=claim_909.pk).count()


@pytest.mark.parametrize("model", ["claim", "span", "verdict"])
def test_it_shows_history_pages_without_a_revert_button(claim_909, maria, model):
    obj = {
        "claim": claim_909,
        "span": Span.objects.filter(claim=claim_909).first(),
        "verdict": Verdict.objects.filter(span__claim=claim_909).first(),
    }[model]
    client = _client(maria)
    listing = client.get(reverse(f"admin:annotations_{model}_history", args=[obj.pk]))
    assert listing.status_code == 200
    record = obj.history.earliest()
    page = client.get(
        reverse(f"admin:annotations_{model}_simple_history", args=[obj.pk, record.history_id])
    )
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert b"<title>View " in page.content


def test_it_shows_a_verdict_read_only_and_saves_nothing_posted_to_it(verdict, maria):
    before = _verdicts()
    client = _client(maria)
    url = reverse("admin:annotations_verdict_change", args=[verdict.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    response = client.post(
        url, {"label": "verified", "note": "rewritten"}, HTTP_X_CSRFTOKEN=client.csrf
    )
    assert response.status_code == 403
    assert _verdicts() == before and verdict.history.count() == 1


# --- defect 5: the span pages ---------------------------------------------------------------


def test_it_shows_the_span_change_and_history_pages(claim_909, maria):
    span = Span.objects.filter(claim=claim_909).first()
    client = _client(maria)
    change = client.get(reverse("admin:annotations_span_change", args=[span.pk]))
    assert change.status_code == 200 and escape(span.exact) in change.content.decode()
    history = client.get(reverse("admin:annotations_span_history", args=[span.pk]))
    assert history.status_code == 200
    record = span.history.latest()
    version = client.get(
        reverse("admin:annotations_span_simple_history", args=[span.pk, record.history_id])
    )
    assert version.status_code == 200


def test_it_moves_a_span_to_another_claim_from_its_change_page(claim_909, alice, maria):
    span = Span.objects.filter(claim=claim_909).first()
    other = services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    client = _client(maria)
    url = reverse("admin:annotations_span_change", args=[span.pk])
    response = client.post(url, {"claim": other.pk}, HTTP_X_CSRFTOKEN=client.csrf)
    assert response.status_code == 302
    span.refresh_from_db()
    assert span.claim == other and span.verdicts.count() == 3
    assert span.history.first().history_user == maria
    # Detaching would drop its verdicts from every claim's count.
    response = client.post(url, {"claim": ""}, HTTP_X_CSRFTOKEN=client.csrf)
    assert response.status_code == 200
    span.refresh_from_db()
    assert span.claim == other


def test_it_refuses_to_move_a_span_of_a_ruled_claim_with_a_message(claim_909, alice, maria):
    services.ruling_publish(
        claim=claim_909, moderator=maria, label="attributed", rationale="Only the General Staff."
    )
    span = Span.objects.filter(claim=claim_909).first()
    other = services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_span_change", args=[span.pk]),
        {"claim": other.pk},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 200 and b"is ruled (attributed" in response.content
    span.refresh_from_db()
    assert span.claim == claim_909


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_every_admin_list_and_change_page_answers(claim_909, maria, django_user_model, who):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client = _client({"moderator": maria, "superuser": root}[who])
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist)
        assert response.status_code in (200, 403), changelist
        obj = model_admin.get_queryset(response.wsgi_request).order_by("pk").first()
        if response.status_code == 200 and obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_it_keeps_a_ruled_claims_wording_until_it_is_reopened(claim_909, maria):
    services.ruling_publish(claim=claim_909, moderator=maria, label="attributed", rationale="x")
    client = _client(maria)
    url = reverse("admin:annotations_claim_change", args=[claim_909.pk])
    assert client.get(url).status_code == 200
    history = claim_909.history.count()
    response = client.post(
        url, {"text": "Something else", "origin": "", "as_of": ""}, HTTP_X_CSRFTOKEN=client.csrf
    )
    assert response.status_code == 403 and claim_909.history.count() == history
    claim_909.refresh_from_db()
    assert claim_909.text.startswith("Ukraine captured 909")
    services.claim_reopen(claim=claim_909, moderator=maria)
    response = client.post(
        url,
        {"text": "Ukraine captured 909 soldiers", "origin": "", "as_of": ""},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    claim_909.refresh_from_db()
    assert claim_909.text == "Ukraine captured 909 soldiers"
