"""Claim pages, exports and the moderation admin over HTTP: permissions, query counts,
ClaimReview field by field, and W3C annotations against the W3C test suite's schemas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations import services
from annotations.models import Article, Claim, Span, Verdict
from annotations.services import article_import, span_get_or_create, verdict_set
from annotations.tests.conftest import EVIDENCE

HTMX = {"HTTP_HX_REQUEST": "true"}
W3C = Path(__file__).parent / "w3c"


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    client.csrf = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def ruled_909(claim_909, maria):
    return services.ruling_publish(
        claim=claim_909,
        moderator=maria,
        label="attributed",
        rationale="Only the General Staff's statement; no independent count.",
    )


# --- claim pages ---------------------------------------------------------------------------


def test_the_claim_page_shows_articles_origins_and_blind_verdicts(
    claim_909, alice, django_user_model, groups
):
    page = _client(alice).get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "4 articles · 1 origin: General Staff of the Armed Forces of Ukraine" in page
    assert page.count('<blockquote class="context">') == 4
    assert "Consensus: <strong>attributed</strong>" in page
    newcomer = django_user_model.objects.create_user("dora", password="x")
    newcomer.groups.add(groups[0])
    blind = _client(newcomer).get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "Tallies show once you have given a verdict" in blind
    assert "<strong>bob</strong>" not in blind and "Consensus:" not in blind


def test_the_claim_list_filters_and_serves_a_fragment(claim_909, alice):
    client = _client(alice)
    full = client.get(reverse("claim_list"))
    assert b"<html" in full.content and b"909 Russian soldiers" in full.content
    fragment = client.get(reverse("claim_list"), {"show": "contested"}, **HTMX)
    assert b"<html" not in fragment.content and b"No claim matches." in fragment.content
    attributed = client.get(reverse("claim_list"), {"consensus": "attributed"}, **HTMX)
    assert b"909 Russian soldiers" in attributed.content


def _many_claims(count, alice, bob):
    article, _ = article_import(title="Many", text="Many\n\n" + "Claim text here. " * count)
    for n in range(count):
        start = 6 + 17 * n
        services.verdict_record(
            article=article,
            start=start,
            end=start + 15,
            exact=article.text[start : start + 15],
            reviewer=alice,
            label="verified",
            evidence_url=EVIDENCE,
            new_claim_text=f"Claim number {n}",
        )
        span = Span.objects.get(article=article, start=start)
        verdict_set(span=span, reviewer=bob, label="disputed")


@pytest.mark.parametrize("count", [1, 200])
def test_the_claim_list_query_count_is_fixed(alice, bob, django_assert_num_queries, count):
    _many_claims(count, alice, bob)
    client = _client(alice)
    # session, user, group check, count, page, outlets, verdict matrix
    with django_assert_num_queries(7):
        assert client.get(reverse("claim_list")).status_code == 200


@pytest.mark.parametrize("count", [1, 200])
def test_the_claim_page_query_count_is_fixed(alice, bob, django_assert_num_queries, count):
    _many_claims(count, alice, bob)
    claim = Claim.objects.order_by("pk").first()
    # Grow one claim's appearances too.
    for span in Span.objects.exclude(claim=claim):
        Span.objects.filter(pk=span.pk).update(claim=claim)
    client = _client(alice)
    # session, user, group, existence, claim aggregates, outlets, matrix, spans, verdicts,
    # claims it supersedes, measures of its figures (none here, so no figures query)
    with django_assert_num_queries(11):
        assert client.get(reverse("claim_detail", args=[claim.pk])).status_code == 200


@pytest.mark.parametrize("count", [1, 200])
def test_the_admin_claim_list_query_count_is_fixed(
    alice, bob, maria, django_assert_num_queries, count
):
    _many_claims(count, alice, bob)
    client = _client(maria)
    url = reverse("admin:annotations_claim_changelist")
    client.get(url)  # warm the admin's per-process caches (content types, permissions)
    with django_assert_num_queries(_admin_queries := 9):
        response = client.get(url)
    assert response.status_code == 200
    assert _admin_queries


# --- ClaimReview ---------------------------------------------------------------------------


def test_claim_review_field_by_field(ruled_909, settings):
    settings.FACTCHECK_ORGANISATION = "Kursk Desk"
    response = Client().get(reverse("claim_review", args=[ruled_909.pk]))
    assert response["Content-Type"] == "application/ld+json"
    review = response.json()
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == ruled_909.text
    assert review["url"] == f"http://testserver/rulings/{ruled_909.pk}/"
    assert review["author"] == {"@type": "Organization", "name": "Kursk Desk"}
    assert review["datePublished"] == ruled_909.ruled_at.date().isoformat()
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (2, 3, 1)
    assert rating["alternateName"].startswith("Attributed")
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Organization",
        "name": "General Staff of the Armed Forces of Ukraine",
    }
    assert len(item["appearance"]) == 4
    assert all(a["@type"] == "NewsArticle" and a["url"] for a in item["appearance"])
    assert item["firstAppearance"]["datePublished"] == "2025-02-06"  # the earliest dated one
    assert review["reviewBody"].endswith("Figures as of 2025-02-07.")


def test_an_unruled_claim_has_no_claim_review(claim_909):
    assert Client().get(reverse("claim_review", args=[claim_909.pk])).status_code == 404


def test_the_claim_review_feed_pages(ruled_909):
    feed = Client().get(reverse("claim_review_feed")).json()
    assert feed["@type"] == "DataFeed"
    assert [r["claimReviewed"] for r in feed["dataFeedElement"]] == [ruled_909.text]
    assert "next" not in feed


# --- W3C Web Annotations -------------------------------------------------------------------

# Written from the W3C Web Annotation Data Model: what every exported verdict must carry.
ANNOTATION_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["@context", "id", "type", "motivation", "body", "target"],
    "properties": {
        "@context": {"enum": ["http://www.w3.org/ns/anno.jsonld"]},
        "id": {"type": "string", "pattern": "^https?://"},
        "type": {"enum": ["Annotation"]},
        "motivation": {"enum": ["assessing"]},
        "body": {
            "type": "array",
            "minItems": 1,
            "items": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["type", "value"],
                        "properties": {
                            "type": {"enum": ["TextualBody"]},
                            "value": {"type": "string"},
                        },
                    },
                    {
                        "type": "object",
                        # The evidence link: a SpecificResource, so it may carry a purpose.
                        "required": ["type", "source", "purpose"],
                        "properties": {
                            "type": {"enum": ["SpecificResource"]},
                            "source": {"type": "string", "pattern": "^https?://"},
                            "purpose": {"enum": ["linking"]},
                        },
                    },
                ]
            },
        },
        "target": {
            "type": "object",
            "required": ["source", "selector"],
            "properties": {
                "source": {"type": "string", "pattern": "^https?://"},
                "selector": {
                    "type": "array",
                    "minItems": 2,
                    "items": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["type", "exact"],
                                "properties": {
                                    "type": {"enum": ["TextQuoteSelector"]},
                                    "exact": {"type": "string", "minLength": 1},
                                    "prefix": {"type": "string"},
                                    "suffix": {"type": "string"},
                                },
                            },
                            {
                                "type": "object",
                                "required": ["type", "start", "end"],
                                "properties": {
                                    "type": {"enum": ["TextPositionSelector"]},
                                    "start": {"type": "integer", "minimum": 0},
                                    "end": {"type": "integer", "minimum": 0},
                                },
                            },
                        ]
                    },
                },
            },
        },
    },
}


def _w3c_must_validators() -> list[tuple[str, Draft4Validator]]:
    """Every MUST assertion of the W3C suite's annotationMusts.test, ready to run."""
    resources = []
    for path in [*W3C.glob("definitions/*.json"), *W3C.glob("annotations/**/*.json")]:
        schema = json.loads(path.read_text())
        resources.append(
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        )
    registry = Registry().with_resources(resources)
    musts = json.loads((W3C / "annotations/annotationMusts.test").read_text())["assertions"]
    return [
        (name, Draft4Validator(json.loads((W3C / name).read_text()), registry=registry))
        for name in musts
    ]


def test_every_verdict_exports_as_a_valid_w3c_annotation(claim_909, maria):
    client = _client(maria)
    validators = _w3c_must_validators()
    assert len(validators) == 54
    verdicts = list(Verdict.objects.select_related("span__article"))
    Verdict.objects.filter(pk=verdicts[0].pk).update(note="Counted twice?\nSee the <b> tag")
    for verdict in verdicts:
        annotation = client.get(reverse("annotation_detail", args=[verdict.pk])).json()
        Draft4Validator(ANNOTATION_SCHEMA).validate(annotation)
        for name, validator in validators:
            errors = list(validator.iter_errors(annotation))
            assert not errors, f"{name}: {errors[0].message}"
        quote, position = annotation["target"]["selector"]
        span = verdict.span
        assert quote["exact"] == span.article.text[position["start"] : position["end"]]
        assert annotation["body"][0] == {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": verdict.label,
            "format": "text/plain",
            "language": "en",
        }


def test_the_annotation_collection_pages_and_leaves_hidden_verdicts_out(claim_909, maria):
    hidden = Verdict.objects.first()
    services.verdict_hide(verdict=hidden, moderator=maria, reason="spam")
    client = _client(maria)
    collection = client.get(reverse("annotation_collection")).json()
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 11
    page = client.get(collection["first"]).json()
    assert page["type"] == "AnnotationPage" and len(page["items"]) == 11
    assert hidden.pk not in [int(item["id"].rsplit("/", 1)[1]) for item in page["items"]]
    assert client.get(reverse("annotation_detail", args=[hidden.pk])).status_code == 404


# --- permissions ---------------------------------------------------------------------------

MODERATION_GETS = [
    ("admin:annotations_claim_changelist", []),
    ("admin:annotations_claim_change", ["claim"]),
    ("admin:annotations_claim_history", ["claim"]),
    ("annotation_detail", ["verdict"]),
    ("admin:annotations_claim_overview", []),
    ("admin:annotations_verdict_changelist", []),
    ("annotation_collection", []),
]


@pytest.mark.parametrize("who", ["anonymous", "reviewer", "moderator"])
@pytest.mark.parametrize(("name", "args"), MODERATION_GETS)
def test_only_moderators_reach_moderation_pages(claim_909, alice, maria, who, name, args):
    user = {"anonymous": None, "reviewer": alice, "moderator": maria}[who]
    objects = {"claim": claim_909.pk, "verdict": Verdict.objects.first().pk}
    response = _client(user).get(reverse(name, args=[objects[a] for a in args]))
    if who == "moderator":
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login/" in response.url


def _snapshot():
    return (
        list(Claim.objects.order_by("pk").values_list("status", "ruling", "ruling_note")),
        list(Verdict.objects.order_by("pk").values_list("hidden", "hidden_reason")),
        list(Span.objects.order_by("pk").values_list("claim_id", flat=True)),
    )


def _admin_actions(claim, other_claim, verdict):
    changelist = reverse("admin:annotations_claim_changelist")
    verdicts = reverse("admin:annotations_verdict_changelist")
    return {
        "publish ruling": (
            changelist,
            {
                "action": "publish_ruling",
                "_selected_action": [claim.pk],
                "apply": "1",
                "ruling": "attributed",
                "rationale": "Only the General Staff says so.",
            },
        ),
        "reopen": (changelist, {"action": "reopen", "_selected_action": [claim.pk]}),
        "merge": (
            changelist,
            {
                "action": "merge",
                "_selected_action": [claim.pk, other_claim.pk],
                "apply": "1",
                "into": claim.pk,
            },
        ),
        "hide": (
            verdicts,
            {
                "action": "hide",
                "_selected_action": [verdict.pk],
                "apply": "1",
                "reason": "abusive",
            },
        ),
        "unhide": (verdicts, {"action": "unhide", "_selected_action": [verdict.pk]}),
        "download csv": (changelist, {"action": "download_csv", "_selected_action": [claim.pk]}),
    }


@pytest.mark.parametrize(
    "action", ["publish ruling", "reopen", "merge", "hide", "unhide", "download csv"]
)
@pytest.mark.parametrize("who", ["anonymous", "reviewer", "moderator"])
def test_admin_actions_permission_matrix(claim_909, alice, maria, who, action):
    other = services.claim_create(text="Another claim", created_by=alice)
    article = Article.objects.first()
    span = span_get_or_create(
        article=article, start=0, end=5, exact=article.text[:5], created_by=alice
    )
    services.span_link_claim(span=span, claim=other, user=alice)
    verdict = Verdict.objects.filter(span__claim=claim_909).first()
    if action == "reopen":
        services.ruling_publish(
            claim=claim_909, moderator=maria, label="attributed", rationale="x"
        )
    if action == "unhide":
        services.verdict_hide(verdict=verdict, moderator=maria, reason="spam")
    url, data = _admin_actions(claim_909, other, verdict)[action]
    user = {"anonymous": None, "reviewer": alice, "moderator": maria}[who]
    client = _client(user)
    before = _snapshot()
    response = client.post(url, data, HTTP_X_CSRFTOKEN=client.csrf)
    if who != "moderator":
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login/" in response.url
        assert _snapshot() == before, "a refused action changes nothing"
        return
    if action == "download csv":
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        return
    assert response.status_code == 302
    claim_909.refresh_from_db()
    verdict.refresh_from_db()
    other.refresh_from_db()
    if action == "publish ruling":
        assert claim_909.ruling == "attributed"
    elif action == "reopen":
        assert claim_909.status == "open" and claim_909.ruling == ""
    elif action == "merge":
        assert Span.objects.get(pk=span.pk).claim_id == claim_909.pk
    elif action == "hide":
        assert verdict.hidden and verdict.hidden_reason == "abusive"
    else:
        assert not verdict.hidden and verdict.hidden_reason == ""


def test_the_admin_refuses_a_ruling_without_evidence_with_a_message(span, alice, bob, maria):
    claim = services.claim_create(text="12 tanks", created_by=alice)
    services.span_link_claim(span=span, claim=claim, user=alice)
    verdict_set(span=span, reviewer=alice, label="verified")
    verdict_set(span=span, reviewer=bob, label="verified")
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {
            "action": "publish_ruling",
            "_selected_action": [claim.pk],
            "apply": "1",
            "ruling": "verified",
            "rationale": "Looks right.",
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 422
    assert "needs at least one verdict with evidence" in response.content.decode()
    claim.refresh_from_db()
    assert claim.ruling == ""


def test_the_admin_csv_has_the_aggregates(claim_909, maria):
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "download_csv", "_selected_action": [claim_909.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["articles"], row["reviewers"], row["verdicts_attributed"]) == ("4", "3", "9")
    assert row["origins"] == "General Staff of the Armed Forces of Ukraine"
    assert row["consensus"] == "attributed" and row["alpha"] == "0.052"


def test_the_overview_shows_totals_and_reviewer_agreement(claim_909, maria):
    html = _client(maria).get(reverse("admin:annotations_claim_overview")).content.decode()
    assert "Moderation overview" in html and "alice" in html and "charlie" in html


# --- moving a highlight to another claim ----------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_a_moderator_moves_a_span_three_reviewers_tagged(claim_909, alice, maria, htmx):
    # A reviewer may move only a highlight nobody else tagged (test_roles); this one
    # carries alice's, bob's and charlie's verdicts, so it takes a moderator.
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    span = Span.objects.get(article=article, claim=claim_909)
    other = services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    client = _client(maria)
    headers = {"HTTP_X_CSRFTOKEN": client.csrf, **(HTMX if htmx else {})}
    response = client.post(
        reverse("span_move", args=[article.pk]),
        {"start": span.start, "end": span.end, "claim": other.pk},
        **headers,
    )
    assert response.status_code == (200 if htmx else 302)
    span.refresh_from_db()
    assert span.claim == other and span.verdicts.count() == 3
    assert span.history.first().history_user == maria


def test_moving_to_a_missing_claim_is_refused(claim_909, alice):
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    span = Span.objects.get(article=article, claim=claim_909)
    client = _client(alice)
    response = client.post(
        reverse("span_move", args=[article.pk]),
        {"start": span.start, "end": span.end, "claim": 999999},
        HTTP_X_CSRFTOKEN=client.csrf,
        **HTMX,
    )
    assert response.status_code == 422 and b"That claim does not exist" in response.content
    span.refresh_from_db()
    assert span.claim == claim_909


def test_the_panel_offers_a_moderator_to_move_a_linked_span(claim_909, alice, maria):
    # Three reviewers tagged it, so only a moderator may move it (test_roles).
    services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    span = Span.objects.get(article=article, claim=claim_909)
    html = (
        _client(maria)
        .get(
            reverse("span_panel", args=[article.pk]),
            {"start": span.start, "end": span.end},
            **HTMX,
        )
        .content.decode()
    )
    assert "Belongs to another claim?" in html and "shares 909" in html


def test_the_admin_history_shows_moderation_actions(claim_909, maria):
    services.ruling_publish(claim=claim_909, moderator=maria, label="attributed", rationale="x")
    html = (
        _client(maria)
        .get(reverse("admin:annotations_claim_history", args=[claim_909.pk]))
        .content.decode()
    )
    assert "ruling published: attributed" in html and "maria" in html


@pytest.mark.parametrize("model", ["article", "sentence", "span", "verdict"])
def test_the_admin_cannot_add_what_only_import_or_reviewers_create(maria, model):
    response = _client(maria).get(reverse(f"admin:annotations_{model}_add"))
    assert response.status_code == 403


def test_the_claim_page_shows_the_figures_timeline(claim_909, alice):
    html = _client(alice).get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "Russian soldiers taken prisoner" in html and "update over time" in html
    assert "717 on 2024-11-06 → 909 on 2025-02-07" in html


def test_a_superseded_claim_is_linked_both_ways_and_can_be_hidden(alice, maria):
    older = services.claim_create(text="Ukraine captured 717 Russian soldiers", created_by=alice)
    newer = services.claim_create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {
            "action": "supersede",
            "_selected_action": [older.pk, newer.pk],
            "apply": "1",
            "newer": newer.pk,
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    older.refresh_from_db()
    assert older.superseded_by == newer and older.history.first().history_user == maria
    reader = _client(alice)
    old_page = reader.get(reverse("claim_detail", args=[older.pk])).content.decode()
    assert "Superseded by a newer claim" in old_page and newer.text in old_page
    new_page = reader.get(reverse("claim_detail", args=[newer.pk])).content.decode()
    assert "Supersedes:" in new_page and older.text in new_page
    listed = reader.get(reverse("claim_list"), {"current": "1"}, **HTMX).content.decode()
    assert newer.text in listed and older.text not in listed


def test_a_claim_cannot_supersede_itself_or_loop(alice, maria):
    from django.core.exceptions import ValidationError

    a = services.claim_create(text="A", created_by=alice)
    b = services.claim_create(text="B", created_by=alice)
    with pytest.raises(ValidationError):
        services.claim_supersede(claim=a, by=a, moderator=maria)
    services.claim_supersede(claim=a, by=b, moderator=maria)
    with pytest.raises(ValidationError):
        services.claim_supersede(claim=b, by=a, moderator=maria)
    with pytest.raises(PermissionDenied):
        services.claim_supersede(claim=b, by=a, moderator=alice)
