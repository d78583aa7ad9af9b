"""Nothing of the domain is deleted through the admin (issue #8, defect 3): verdicts are
hidden, claims merged, measures joined, articles and sentences frozen at import. The
database refuses to delete a claim that still has appearances."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Article, Claim, Measure, Quantity, Sentence, Span, Verdict

MODELS = {
    "article": Article,
    "sentence": Sentence,
    "span": Span,
    "claim": Claim,
    "verdict": Verdict,
    "measure": Measure,
    "quantity": Quantity,
}


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    client.csrf = client.cookies["csrftoken"].value
    return client


def _counts():
    return {name: model.objects.count() for name, model in MODELS.items()}


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-password")


@pytest.mark.parametrize("who", ["moderator", "superuser"])
@pytest.mark.parametrize("model", list(MODELS))
def test_it_offers_no_bulk_delete_and_refuses_one(claim_909, maria, root, who, model):
    client = _client({"moderator": maria, "superuser": root}[who])
    obj = MODELS[model].objects.order_by("pk").first()
    before = _counts()
    changelist = reverse(f"admin:annotations_{model}_changelist")
    assert b'value="delete_selected"' not in client.get(changelist).content
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code in (200, 302, 403)
    delete = reverse(f"admin:annotations_{model}_delete", args=[obj.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}, HTTP_X_CSRFTOKEN=client.csrf).status_code == 403
    assert _counts() == before


def test_moderators_hold_no_delete_permission_in_the_domain(maria, alice):
    for model in MODELS:
        assert not maria.has_perm(f"annotations.delete_{model}")
    assert not maria.has_perm("annotations.delete_historicalverdict")
    # A reviewer still withdraws her own verdict.
    assert alice.has_perm("annotations.delete_verdict")


def test_the_database_refuses_to_delete_a_claim_with_appearances(claim_909):
    with pytest.raises(ProtectedError):
        claim_909.delete()
    assert Span.objects.filter(claim=claim_909).count() == 4


def test_a_claim_is_merged_not_deleted(claim_909, alice, maria):
    other = services.claim_create(text="909 prisoners", created_by=alice)
    span = Span.objects.filter(claim=claim_909).first()
    services.span_move(span=span, claim=other, user=maria)
    services.claim_merge(claims=[claim_909, other], into=claim_909, moderator=maria)
    assert Claim.objects.filter(pk=other.pk).exists()
    assert Span.objects.filter(claim=claim_909).count() == 4


def _article_form(article, **changes) -> dict:
    data = {
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "byline": article.byline,
        "published": article.published.isoformat() if article.published else "",
        "text": article.text,
        "content_hash": article.content_hash,
        "source_name": article.source_name,
    }
    return {**data, **changes}


def _frozen(article):
    article.refresh_from_db()
    return (
        article.title,
        article.text,
        article.content_hash,
        article.published,
        article.source_name,
    )


@pytest.mark.parametrize("anchored", [False, True])
def test_it_keeps_an_article_as_imported(seeds, alice, maria, anchored):
    article = seeds[0]
    if anchored:
        services.span_get_or_create(
            article=article, start=0, end=5, exact=article.text[:5], created_by=alice
        )
    before = _frozen(article)
    client = _client(maria)
    url = reverse("admin:annotations_article_change", args=[article.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _article_form(
            article,
            title="A fixed title",
            text="Rewritten.",
            content_hash="0" * 64,
            published="1999-01-01",
            source_name="elsewhere.txt",
        ),
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 403
    assert _frozen(article) == before


def test_it_keeps_sentences_read_only(seeds, maria):
    sentence = Sentence.objects.order_by("pk").first()
    before = (sentence.start, sentence.end, sentence.paragraph, sentence.check_worthy)
    client = _client(maria)
    url = reverse("admin:annotations_sentence_change", args=[sentence.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"start": 0, "end": 1, "paragraph": 9, "index": sentence.index, "check_worthy": ""},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 403
    sentence.refresh_from_db()
    assert (sentence.start, sentence.end, sentence.paragraph, sentence.check_worthy) == before


def test_it_moves_a_figure_only_through_split_so_measures_are_judged_again(seeds, maria):
    quantity = Quantity.objects.exclude(measure=None).order_by("pk").first()
    other = Measure.objects.exclude(pk=quantity.measure_id).order_by("pk").first()
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_quantity_change", args=[quantity.pk]),
        {"measure": other.pk},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    assert Quantity.objects.get(pk=quantity.pk).measure_id == quantity.measure_id


def test_the_migration_takes_delete_and_group_rights_from_an_existing_moderators_group(
    groups, maria
):
    # A deployment whose Moderators group was made by the old roles.groups_ensure.
    migration = importlib.import_module("annotations.migrations.0005_span_claim_protect")
    _, moderators = groups
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["annotations", "auth"], codename__startswith="delete_"
        ),
        *Permission.objects.filter(codename__in=["view_group", "change_group"]),
    )
    migration.moderators_lose_delete_and_group_rights(apps, None)
    codenames = set(moderators.permissions.values_list("codename", flat=True))
    assert not {c for c in codenames if c.startswith("delete_") or c.endswith("_group")}
    assert {"change_user", "change_claim", "view_verdict"} <= codenames


def test_a_measure_is_renamed_through_the_service_and_joined_not_deleted(seeds, maria):
    first, second = Measure.objects.order_by("pk")[:2]
    before = (first.key, first.judgement)
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_measure_change", args=[first.pk]),
        {"name": "  Soldiers   taken prisoner ", "key": "x", "judgement": "conflict"},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "Soldiers taken prisoner" and (first.key, first.judgement) == before
    client.post(
        reverse("admin:annotations_measure_changelist"),
        {"action": "join", "_selected_action": [first.pk, second.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert not Measure.objects.filter(pk=second.pk).exists()
    assert Quantity.objects.filter(measure=first).exists()
