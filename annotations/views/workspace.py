"""Reviewer views. Each parses input with a form, calls one service or selector, and
renders one template: the whole page, or for htmx requests the partial that changed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from annotations import roles, selectors, services
from annotations.forms import RangeForm, RevisionFlagForm, SpanMoveForm, VerdictForm
from annotations.models import Article, RevisionFlag, Span, Verdict
from annotations.rules.visibility import Surface
from annotations.selectors.visibility import viewer_for
from annotations.text.highlighting import sentence_view

ARTICLES_PER_PAGE = 25


def is_fragment_request(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though it comes through htmx.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _viewer(request: HttpRequest):
    # The workspace is where verdicts are given: moderators are blind here too.
    return viewer_for(request.user, surface=Surface.WORKSPACE)


@login_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(selectors.article_list(query=query), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    article_ids = [a.pk for a in page]
    progress = selectors.article_progress(article_ids=article_ids, reviewer=request.user)
    contested = selectors.contested_counts(article_ids=article_ids, viewer=_viewer(request))
    changed = selectors.revision_flag_counts(articles=list(page), reviewer=request.user)
    for article in page:
        article.progress = progress[article.pk]
        article.contested_count = contested.get(article.pk, 0)
        article.changed_count = changed.get(article.pk, 0)
    template = "annotations/article_list.html"
    if is_fragment_request(request):
        template += "#results"
    return render(request, template, {"page": page, "query": query})


def _article_context(request: HttpRequest, article: Article, **extra) -> dict:
    return {"page": selectors.article_page(article=article, viewer=_viewer(request)), **extra}


@login_required
@require_GET
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    if not article.is_current:
        # A replaced revision is read through the revisions page; its article is here.
        return redirect("article_detail", selectors.article_current(article).pk)
    return render(request, "annotations/article_detail.html", _article_context(request, article))


@login_required
@require_GET
def article_updates(request: HttpRequest, article_id: int) -> HttpResponse:
    """The live poll: 204 (nothing to swap) while no verdict on the article that I may see
    changed (selectors.article_version says why only those)."""
    version = selectors.article_version(article_id=article_id, viewer=_viewer(request))
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    article = get_object_or_404(Article, pk=article_id)
    if not article.is_current:
        # A revision replaced this text while it was open: the highlights have moved to
        # the new one, where the page shows what changed.
        current = selectors.article_current(article)
        return HttpResponseClientRedirect(reverse("article_detail", args=[current.pk]))
    return render(
        request, "annotations/article_detail.html#body", _article_context(request, article)
    )


def _panel_response(request, article, form, *, status=200, saved=False) -> HttpResponse:
    data = form.cleaned_data if form.is_valid() else {}
    if not data and form.is_bound:
        # A refused verdict on a valid stretch shows the panel again: each message next
        # to its field, and what the reviewer typed kept.
        stretch = RangeForm(form.data, article=article)
        data = stretch.cleaned_data if stretch.is_valid() else {}
    panel = None
    if "start" in data:
        panel = selectors.span_panel(
            article=article, start=data["start"], end=data["end"], viewer=_viewer(request)
        )
    context = {"panel": panel, "form": form, "saved": saved}
    if is_fragment_request(request):
        return render(request, "annotations/article_detail.html#panel", context, status=status)
    return render(
        request,
        "annotations/article_detail.html",
        _article_context(request, article, **context),
        status=status,
    )


@login_required
@require_GET
def span_panel(request: HttpRequest, article_id: int) -> HttpResponse:
    """The panel for a sentence or a free selection (?start=&end=[&exact=])."""
    article = get_object_or_404(Article, pk=article_id)
    form = RangeForm(request.GET, article=article)
    if not form.is_valid():
        return _panel_response(request, article, form, status=400)
    panel = selectors.span_panel(
        article=article,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        viewer=_viewer(request),
    )
    initial = _initial_for(panel)
    verdict_form = VerdictForm(initial=initial, article=article)
    context = {"panel": panel, "form": verdict_form}
    if is_fragment_request(request):
        return render(request, "annotations/article_detail.html#panel", context)
    return render(
        request, "annotations/article_detail.html", _article_context(request, article, **context)
    )


def _default_claim(panel: selectors.SpanPanel) -> int | str:
    """The span's claim; else the top suggestion when it carries the same figure in much
    the same words (so one claim gathers its appearances across outlets), unless it is
    ruled and so locked; else new."""
    if panel.claim:
        return panel.claim.pk
    top = panel.suggested_claims[0] if panel.suggested_claims else None
    return top.claim.pk if top and top.strong and not top.claim.is_locked else "new"


def _initial_for(panel: selectors.SpanPanel) -> dict:
    mine = panel.my_verdict
    context = panel.sentence
    return {
        "start": panel.start,
        "end": panel.end,
        "exact": panel.exact,
        "label": mine.label if mine else "",
        "note": mine.note if mine else "",
        "evidence_url": mine.evidence_url if mine else "",
        "attributed_to": panel.attribution,
        "claim": _default_claim(panel),
        "claim_text": panel.article.text[context.start : context.end] if context else panel.exact,
    }


@login_required
@require_GET
def span_others(request: HttpRequest, article_id: int) -> HttpResponse:
    """Polled inside an open panel: others' verdicts, once I may see them. 204 while the
    verdicts I may see there are unchanged (selectors.span_version)."""
    article = get_object_or_404(Article, pk=article_id)
    form = RangeForm(request.GET, article=article)
    if not form.is_valid():
        return HttpResponse("Bad range.", status=400, content_type="text/plain")
    panel = selectors.span_panel(
        article=article,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        viewer=_viewer(request),
    )
    if request.GET.get("v") == panel.version:
        return HttpResponse(status=204)
    return render(request, "annotations/article_detail.html#others", {"panel": panel})


def _saved_response(request, article, form, *, verdict_saved: bool) -> HttpResponse:
    """After a save or withdrawal: the panel, plus out-of-band the highlight and counter."""
    data = form.cleaned_data
    if not is_fragment_request(request):
        sentence = article.sentences.filter(end__gt=data["start"]).first()
        anchor = f"#s-{sentence.index}" if sentence else ""
        return redirect(reverse("article_detail", args=[article.pk]) + anchor)
    response = _panel_response(request, article, form, saved=verdict_saved)
    response.content += _marks_out_of_band(request, article, data["start"], data["end"])
    return response


def _marks_out_of_band(request, article, start: int, end: int) -> bytes:
    """The sentences around [start, end) and the progress counter, to swap out of band."""
    around = (start, end)
    touched = list(
        article.sentences.filter(start__lt=around[1], end__gt=around[0]).order_by("index")
    )
    if touched:
        around = (min(around[0], touched[0].start), max(around[1], touched[-1].end))
    highlights = selectors.highlights_flagged(
        article=article,
        viewer=_viewer(request),
        highlights=selectors.article_highlights(
            article=article, viewer=_viewer(request), around=around
        ),
    )
    figures = selectors.article_figures(article, around=around)
    # The counter, from the same two GROUP BY queries the article list uses.
    counts = selectors.article_progress(article_ids=[article.pk], reviewer=request.user)
    tagged, worthy = counts[article.pk].tagged, counts[article.pk].check_worthy
    return render_to_string(
        "annotations/article_detail.html#oob",
        {
            "sentences": [sentence_view(article.text, s, highlights, figures) for s in touched],
            "page": {"tagged_count": tagged, "check_worthy_count": worthy, "article": article},
        },
        request=request,
    ).encode()


@login_required
@permission_required("annotations.add_verdict", raise_exception=True)
@require_POST
def verdict_save(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    form = VerdictForm(request.POST, article=article)
    if not form.is_valid():
        return _panel_response(request, article, form, status=422)
    data = form.cleaned_data
    try:
        services.verdict_record(
            article=article,
            start=data["start"],
            end=data["end"],
            exact=data["exact"],
            reviewer=request.user,
            label=data["label"],
            note=data["note"],
            evidence_url=data["evidence_url"],
            attributed_to=data["attributed_to"],
            claim=data["claim"],
            new_claim_text=data["claim_text"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _panel_response(request, article, form, status=422)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return _panel_response(request, article, form, status=403)
    return _saved_response(request, article, form, verdict_saved=True)


@login_required
@require_POST
def verdict_withdraw(request: HttpRequest, article_id: int) -> HttpResponse:
    # Withdrawing is part of giving verdicts, not a deletion right: moderators hold no
    # delete permission in the admin, yet a moderator who voted may take her vote back.
    if not roles.may_give_verdicts(request.user):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=article_id)
    form = RangeForm(request.POST, article=article)
    if not form.is_valid():
        return _panel_response(request, article, form, status=400)
    data = form.cleaned_data
    # Only my own verdict is ever looked up, so another reviewer's cannot be reached.
    verdict = Verdict.objects.filter(
        span__article=article,
        span__start=data["start"],
        span__end=data["end"],
        reviewer=request.user,
    ).first()
    if verdict is None:
        form.add_error(None, "You have no verdict here to withdraw.")
        return _panel_response(request, article, form, status=404)
    try:
        services.verdict_withdraw(verdict=verdict, reviewer=request.user)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return _panel_response(request, article, form, status=403)
    return _saved_response(request, article, form, verdict_saved=False)


@login_required
@permission_required("annotations.change_span", raise_exception=True)
@require_POST
def span_move(request: HttpRequest, article_id: int) -> HttpResponse:
    """Move this highlight (with its verdicts) to another claim."""
    article = get_object_or_404(Article, pk=article_id)
    form = SpanMoveForm(request.POST, article=article)
    if not form.is_valid():
        return _panel_response(request, article, form, status=422)
    data = form.cleaned_data
    span = Span.objects.filter(article=article, start=data["start"], end=data["end"]).first()
    if span is None:
        form.add_error(None, "Nothing is highlighted there yet.")
        return _panel_response(request, article, form, status=404)
    try:
        services.span_move(span=span, claim=data["claim"], user=request.user)
    except ValidationError as exc:  # a ruled claim is locked, on either side
        for message in exc.messages:
            form.add_error(None, message)
        return _panel_response(request, article, form, status=422)
    except PermissionDenied as exc:  # others' verdicts are on it: a moderator moves it
        form.add_error(None, str(exc))
        return _panel_response(request, article, form, status=403)
    if not is_fragment_request(request):
        return redirect(reverse("claim_detail", args=[data["claim"].pk]))
    return _panel_response(request, article, form)


@login_required
@require_POST
def revision_flag_answer(request: HttpRequest, article_id: int, flag_id: int) -> HttpResponse:
    """Answer my own "changed since you reviewed" flag: still holds, or re-check. Only my
    flags are looked up: another reviewer's is a 404, and says nothing of it."""
    article = get_object_or_404(Article, pk=article_id)
    flag = get_object_or_404(
        RevisionFlag.objects.select_related("span", "revision"),
        pk=flag_id,
        reviewer=request.user,
    )
    if flag.revision.lineage_id != article.lineage_id:
        raise Http404("No such change on this article.")
    form = RevisionFlagForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.revision_flag_resolve(
                flag=flag, reviewer=request.user, status=form.cleaned_data["status"]
            )
            status = 200
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    span = flag.span
    message = " ".join(form.non_field_errors() + form.errors.get("status", []))
    if is_fragment_request(request) and span.article_id == article.pk:
        # From the panel: the panel again (the verdict form as stored), and out of band
        # the sentence, whose marker goes.
        panel = selectors.span_panel(
            article=article, start=span.start, end=span.end, viewer=_viewer(request)
        )
        context = {
            "panel": panel,
            "form": VerdictForm(initial=_initial_for(panel), article=article),
            "flag_error": message,
        }
        response = render(request, "annotations/article_detail.html#panel", context, status=status)
        if status == 200:
            response.content += _marks_out_of_band(request, article, span.start, span.end)
        return response
    if status != 200:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return redirect(reverse("article_detail", args=[article.pk]) + "#changes")
