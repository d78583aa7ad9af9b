from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from annotations import selectors
from annotations.models import Claim, Label
from annotations.roles import is_moderator
from annotations.rules.consensus import CONTESTED, INSUFFICIENT
from annotations.views.workspace import is_fragment_request

CLAIMS_PER_PAGE = 25
SHOW = {
    "contested": {"is_contested": True},
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
    claims = selectors.claims_needing_attention()
    if query:
        claims = claims.filter(text__icontains=query)
    if show in SHOW:
        claims = claims.filter(**SHOW[show])
    if consensus in CONSENSUS_CHOICES:
        claims = claims.filter(consensus=consensus)
    hide_superseded = request.GET.get("current") == "1"
    if hide_superseded:
        claims = claims.filter(superseded_by=None)
    page = Paginator(claims, CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    aggregates = selectors.claim_aggregates(list(page))
    template = "annotations/claim_list.html"
    if is_fragment_request(request):
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "aggregates": aggregates,
            "query": query,
            "show": show,
            "consensus": consensus,
            "consensus_choices": CONSENSUS_CHOICES,
            "hide_superseded": hide_superseded,
            "moderator": is_moderator(request.user),
        },
    )


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    get_object_or_404(Claim, pk=claim_id)
    moderator = is_moderator(request.user)
    page = selectors.claim_page(claim_id=claim_id, viewer=request.user, is_moderator=moderator)
    return render(request, "annotations/claim_detail.html", {"page": page, "moderator": moderator})
