"""Public ruling pages (DESIGN.md, "Published rulings are public"): no login, published
rulings only, and the ClaimReview that points at them embedded as JSON-LD."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from annotations.selectors.claims import claim_aggregates, rulings_published
from annotations.selectors.claims import ruling_public as ruling_public_of
from annotations.views.exports import claim_reviews

# What django.utils.html.json_script escapes, so that no string in the data (a claim's
# text, an article title) can close the <script> element or open a comment in it.
RULINGS_PER_PAGE = 25
JSON_IN_HTML = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_ld(data: dict) -> str:
    # Safe to mark: with <, > and & escaped as JSON escapes, no string can leave the element.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_IN_HTML))  # noqa: S308


@require_GET
def ruling_public(request: HttpRequest, claim_id: int) -> HttpResponse:
    ruling = ruling_public_of(claim_id=claim_id)
    if ruling is None:
        # Never ruled, or reopened: nothing of the claim is public.
        raise Http404("No published ruling for this claim.")
    # One aggregate for the page and its ClaimReview: the origins named are its author.
    aggregates = claim_aggregates([ruling.claim])
    [review] = claim_reviews(request, [ruling.claim], aggregates)
    return render(
        request,
        "annotations/ruling_public.html",
        {
            "ruling": ruling,
            "claim": ruling.claim,
            "origins": aggregates[0].origins,
            "claim_review": json_ld(review),
        },
    )


@require_GET
def ruling_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(rulings_published(), RULINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "annotations/ruling_index.html", {"page": page})
