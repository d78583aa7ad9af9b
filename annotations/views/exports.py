"""Exports: ClaimReview (public: only published rulings) and W3C Web Annotations
(moderators: verdicts must not reach a reviewer before they have voted)."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from annotations import exports, selectors
from annotations.models import Article, Claim, Verdict
from annotations.roles import moderator_required

FEED_PAGE_SIZE = 50
ANNOTATION_PAGE_SIZE = 100
JSONLD = "application/ld+json"
ANNOTATION_JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def _json(data: dict, content_type: str) -> JsonResponse:
    return JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})


def claim_reviews(
    request, claims: list[Claim], aggregates: list[selectors.ClaimAggregate] | None = None
) -> list[dict]:
    """ClaimReviews of these ruled claims, with four queries whatever their number; the
    public ruling page embeds the same one, from the `aggregates` it shows (the origins
    it names are the review's author)."""
    articles_by_claim: dict[int, list[Article]] = {claim.pk: [] for claim in claims}
    seen: set[tuple[int, int]] = set()
    for claim_id, article in (
        (span.claim_id, span.article)
        for span in selectors.claim_appearances(claim_ids=list(articles_by_claim))
    ):
        if (claim_id, article.pk) not in seen:
            seen.add((claim_id, article.pk))
            articles_by_claim[claim_id].append(article)
    latest_as_of: dict[int, datetime.date] = {}
    for claim_id, as_of in (
        selectors.claim_figures(claim_ids=list(articles_by_claim))
        .exclude(as_of=None)
        .values_list("claim_id", "as_of")
    ):
        latest_as_of[claim_id] = max(as_of, latest_as_of.get(claim_id, as_of))
    return [
        exports.claim_review(
            request,
            aggregate,
            articles_by_claim[aggregate.claim.pk],
            as_of=latest_as_of.get(aggregate.claim.pk),
        )
        for aggregate in (aggregates or selectors.claim_aggregates(claims))
    ]


@require_GET
def claim_review(request: HttpRequest, claim_id: int) -> JsonResponse:
    claims = list(selectors.claims_annotated(Claim.objects.filter(pk=claim_id).exclude(ruling="")))
    if not claims:
        raise Http404("No published ruling for this claim.")
    return _json(claim_reviews(request, claims)[0], JSONLD)


@require_GET
def claim_review_feed(request: HttpRequest) -> JsonResponse:
    published = selectors.claims_annotated(Claim.objects.exclude(ruling="")).order_by(
        "-ruled_at", "pk"
    )
    page = Paginator(published, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "url": request.build_absolute_uri(),
        "dataFeedElement": claim_reviews(request, list(page)),
    }
    base = request.build_absolute_uri(reverse("claim_review_feed"))
    if page.has_next():
        feed["next"] = f"{base}?page={page.next_page_number()}"
    if page.has_previous():
        feed["prev"] = f"{base}?page={page.previous_page_number()}"
    return _json(feed, JSONLD)


def _visible_verdicts():
    return Verdict.objects.filter(hidden=False).select_related("span__article", "reviewer")


@moderator_required
@require_GET
def annotation_detail(request: HttpRequest, verdict_id: int) -> JsonResponse:
    verdict = get_object_or_404(_visible_verdicts(), pk=verdict_id)
    return _json(exports.web_annotation(request, verdict), ANNOTATION_JSONLD)


@moderator_required
@require_GET
def annotation_collection(request: HttpRequest) -> JsonResponse:
    """The W3C AnnotationCollection of every visible verdict; ?page=N gives its pages."""
    base = request.build_absolute_uri(reverse("annotation_collection"))
    paginator = Paginator(_visible_verdicts().order_by("pk"), ANNOTATION_PAGE_SIZE)
    if "page" not in request.GET:
        collection = {
            "@context": exports.ANNOTATION_CONTEXT,
            "id": base,
            "type": "AnnotationCollection",
            "label": "Factcheck verdicts",
            "total": paginator.count,
        }
        if paginator.count:
            collection["first"] = f"{base}?page=1"
            collection["last"] = f"{base}?page={paginator.num_pages}"
        return _json(collection, ANNOTATION_JSONLD)
    page = paginator.get_page(request.GET.get("page"))
    data = {
        "@context": exports.ANNOTATION_CONTEXT,
        "id": f"{base}?page={page.number}",
        "type": "AnnotationPage",
        "partOf": {"id": base, "total": paginator.count},
        "startIndex": page.start_index() - 1 if paginator.count else 0,
        "items": [exports.web_annotation(request, v, with_context=False) for v in page],
    }
    if page.has_next():
        data["next"] = f"{base}?page={page.next_page_number()}"
    if page.has_previous():
        data["prev"] = f"{base}?page={page.previous_page_number()}"
    return _json(data, ANNOTATION_JSONLD)
