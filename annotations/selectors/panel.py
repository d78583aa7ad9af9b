"""Reads for the side panel of a sentence or a free selection."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from annotations import roles
from annotations.models import Article, Claim, Measure, Quantity, Sentence, Span, Verdict
from annotations.rules.figures import CONFLICT, CONSISTENT, UNDATED, UPDATE, Figure, judge
from annotations.selectors import visibility
from annotations.selectors.articles import _verdicts_version
from annotations.selectors.origins import claim_origin_shown
from annotations.selectors.revisions import FlagView, span_flag
from annotations.selectors.suggestions import Suggestion, claim_suggestions
from annotations.selectors.visibility import Viewer
from annotations.text.attribution import attribution_guess


@dataclass
class SpanPanel:
    article: Article
    start: int
    end: int
    exact: str
    sentence: Sentence | None
    span: Span | None
    claim: Claim | None
    my_verdict: Verdict | None
    # Others' verdicts, and whether the viewer may see them: nothing of them, not even
    # how many, until the viewer has voted on the claim (annotations.rules.visibility).
    others: list[Verdict]
    others_visible: bool
    suggested_claims: list[Suggestion]
    attribution: str
    version: str
    figures_elsewhere: list[MeasureElsewhere] = field(default_factory=list)
    # The claim's own origin under the name it counts as (selectors.origins), or none.
    claim_origins: list[str] = field(default_factory=list)
    # My "changed since you reviewed" flag on this span, with the sentence's word diff.
    flag: FlagView | None = None
    # Whether "Belongs to another claim?" is offered: the move the server would allow.
    may_move: bool = False


@dataclass
class ArticleFigures:
    """One article's figures for a measure, each wording once."""

    article: Article
    figures: list[Quantity]


@dataclass
class OutletFigures:
    outlet: str
    articles: list[ArticleFigures]


@dataclass
class MeasureElsewhere:
    """One line of "this figure elsewhere": a measure of a figure here, how the other
    articles' figures for it compare with this one, and those figures by outlet."""

    measure: Measure
    here: list[Quantity]
    judgement: str
    reasons: list[str]
    outlets: list[OutletFigures]


_JUDGEMENT_ORDER = [CONFLICT, UPDATE, UNDATED, CONSISTENT]


def figures_elsewhere(*, article: Article, start: int, end: int) -> list[MeasureElsewhere]:
    """One line per measure of the figures in [start, end): the other articles' figures
    for it grouped by outlet (a figure an article repeats shows once), judged against the
    one here, the worst judgement first among its reasons: two queries."""

    here = list(
        Quantity.objects.filter(article=article, start__gte=start, end__lte=end)
        .exclude(measure=None)
        .select_related("measure")
    )
    if not here:
        return []
    there = (
        Quantity.objects.filter(measure__in=[q.measure_id for q in here])
        .exclude(article=article)
        .select_related("article")
        .order_by("as_of", "article_id", "start")
    )
    lines: dict[int, MeasureElsewhere] = {}
    seen: set[tuple] = set()
    for other in there:
        mine = [q for q in here if q.measure_id == other.measure_id]
        line = lines.get(other.measure_id)
        if line is None:
            line = lines[other.measure_id] = MeasureElsewhere(
                mine[0].measure, mine, CONSISTENT, [], []
            )
        for figure in mine:
            judgement, reason = judge(
                Figure(figure.value, figure.high, figure.qualifier, figure.as_of),
                Figure(other.value, other.high, other.qualifier, other.as_of),
            )
            if _JUDGEMENT_ORDER.index(judgement) < _JUDGEMENT_ORDER.index(line.judgement):
                line.judgement = judgement
            if judgement != CONSISTENT and reason not in line.reasons:
                line.reasons.append(reason)
        # An article that repeats its figure (headline and body, "717" and "a total of
        # 717") lists it once.
        key = (other.measure_id, other.article_id, other.value, other.high)
        if key in seen:
            continue
        seen.add(key)
        outlet_name = _outlet_of(other.article)
        outlet = next((o for o in line.outlets if o.outlet == outlet_name), None)
        if outlet is None:
            outlet = OutletFigures(outlet_name, [])
            line.outlets.append(outlet)
        entry = next((a for a in outlet.articles if a.article.pk == other.article_id), None)
        if entry is None:
            entry = ArticleFigures(other.article, [])
            outlet.articles.append(entry)
        entry.figures.append(other)
    return list(lines.values())


def _outlet_of(article: Article) -> str:
    # Imported text often names no outlet: the site it came from, else its title.
    return article.outlet or urlsplit(article.url).hostname or article.title[:60]


def span_panel(*, article: Article, start: int, end: int, viewer: Viewer) -> SpanPanel:
    """Everything the side panel shows for the stretch [start, end) of the article."""
    span = visibility.span_of_article(article, start, end, viewer)
    others_visible = bool(span and span.others_visible)
    verdicts = span.verdicts.select_related("reviewer").order_by("created_at") if span else []
    if span and not others_visible:
        # Blind: only my own verdict is read (there is none, or I would see the others).
        verdicts = verdicts.filter(reviewer=viewer.user)
    verdicts = list(verdicts)
    my_verdict = next((v for v in verdicts if v.reviewer_id == viewer.user.pk), None)
    others = [v for v in verdicts if v.reviewer_id != viewer.user.pk and not v.hidden]
    sentence = (
        article.sentences.filter(start__lte=start, end__gt=start).first() if article.text else None
    )
    exact = article.text[start:end]
    context = article.text[sentence.start : sentence.end] if sentence else exact
    claim = span.claim if span else None
    return SpanPanel(
        article=article,
        start=start,
        end=end,
        exact=exact,
        sentence=sentence,
        span=span,
        claim=claim,
        my_verdict=my_verdict,
        others=others if others_visible else [],
        others_visible=others_visible,
        suggested_claims=claim_suggestions(text=exact, exclude=claim),
        attribution=my_verdict.attributed_to if my_verdict else attribution_guess(context),
        version=span_version(span=span, viewer=viewer),
        figures_elsewhere=figures_elsewhere(article=article, start=start, end=end),
        claim_origins=claim_origin_shown(claim=claim) if claim else [],
        flag=span_flag(article=article, span=span, reviewer=viewer.user),
        # Blind, the verdicts read are only mine: a reviewer without one is refused anyway.
        may_move=bool(claim)
        and roles.may_move_span(viewer.user, {v.reviewer_id for v in verdicts}),
    )


def span_version(*, span: Span | None, viewer: Viewer) -> str:
    """What the panel's poll compares: over the verdicts the viewer may see, so that the
    poll's 204 or 200 does not tell a reviewer who has not voted that someone just did."""
    if span is None:
        return "none"
    return _verdicts_version(visibility.verdicts_seen(viewer, span.verdicts.all()))
