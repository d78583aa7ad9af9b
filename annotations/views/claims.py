from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from annotations import selectors
from annotations.models import Claim, Label
from annotations.rules.consensus import CONTESTED, INSUFFICIENT
from annotations.rules.visibility import Surface
from annotations.selectors.claims import claims_listed
from annotations.selectors.origins import claims_named_by
from annotations.selectors.visibility import viewer_for
from annotations.views.workspace import is_fragment_request

CLAIMS_PER_PAGE = 25
# Filters on what the viewer may see (the seen_* of selectors.claims_for): a reviewer
# cannot pick out by consensus or as contested a claim they have not voted on.
SHOW = {
    "contested": {"seen_contested": True},
    "open": {"status": Claim.Status.OPEN},
    "resolved": {"status": Claim.Status.RESOLVED},
}
CONSENSUS_CHOICES = [*Label.values, CONTESTED, INSUFFICIENT]


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    show = request.GET.get("show", "")
    consensus = request.GET.get("consensus", "")
    viewer = viewer_for(request.user, surface=Surface.MODERATION)
    claims = selectors.claims_needing_attention_for(viewer, claims_listed())
    if query:
        claims = claims.filter(text__icontains=query)
    if show in SHOW:
        claims = claims.filter(**SHOW[show])
    if consensus in CONSENSUS_CHOICES:
        claims = claims.filter(seen_consensus=consensus)
    origin = " ".join(request.GET.get("origin", "").split())[:300]
    if origin:
        claims = claims_named_by(claims=claims, viewer=viewer, name=origin)
    hide_superseded = request.GET.get("current") == "1"
    if hide_superseded:
        claims = claims.filter(superseded_by=None)
    page = Paginator(claims, CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    aggregates = selectors.claim_aggregates_for(viewer, list(page))
    rows = [(aggregate, aggregate.bar_segments) for aggregate in aggregates]
    template = "annotations/claim_list.html"
    if is_fragment_request(request):
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "rows": rows,
            "query": query,
            "show": show,
            "consensus": consensus,
            "origin": origin,
            "consensus_choices": CONSENSUS_CHOICES,
            "hide_superseded": hide_superseded,
            "moderator": viewer.moderating,
        },
    )


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    get_object_or_404(Claim, pk=claim_id)
    viewer = viewer_for(request.user, surface=Surface.MODERATION)
    page = selectors.claim_page(claim_id=claim_id, viewer=viewer)
    return render(
        request, "annotations/claim_detail.html", {"page": page, "moderator": viewer.moderating}
    )
