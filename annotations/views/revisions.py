"""An article's revisions and what changed between two of them. Article text only, so
whoever may read the article may read it (blind review is not concerned)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from annotations import selectors
from annotations.forms import RevisionDiffForm
from annotations.models import Article


@login_required
@require_GET
def article_revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    """?old=N&new=M: the word diff between revisions N and M (default: the last change)."""
    article = get_object_or_404(Article, pk=article_id)
    form = RevisionDiffForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        return HttpResponse(
            f"Bad revision number: {errors}", status=400, content_type="text/plain; charset=utf-8"
        )
    diff = selectors.revision_diff(
        article=article, old=form.cleaned_data["old"], new=form.cleaned_data["new"]
    )
    if diff is None:
        raise Http404("This article has no such revision.")
    return render(
        request,
        "annotations/article_revisions.html",
        {"article": article, "current": diff.revisions[-1], "diff": diff},
    )
