"""Reads for the reviewer workspace: the article list and the article page."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from annotations.models import Article, Claim, Quantity, Sentence, Span, Verdict
from annotations.rules.consensus import CONTESTED, consensus
from annotations.selectors import visibility
from annotations.selectors.claims import claims_annotated
from annotations.selectors.revisions import RevisionNotes, article_revision_notes
from annotations.selectors.visibility import Viewer
from annotations.text.highlighting import Highlight, paragraphs


def article_list(*, query: str = "") -> QuerySet[Article]:
    """Articles, newest first, optionally matching `query` in title or text. Counts for
    the page shown come from article_progress: computing them here would make the
    database aggregate every article before it can sort and cut one page."""
    # Current revisions only: a replaced one is reached through its article's revisions.
    articles = Article.objects.filter(next_revision=None).order_by(
        F("published").desc(nulls_last=True), "title", "id"
    )
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(text__icontains=query))
    return articles


@dataclass(frozen=True)
class Progress:
    sentences: int
    check_worthy: int
    tagged: int


def article_progress(*, article_ids: list[int], reviewer) -> dict[int, Progress]:
    """For each article: sentences, check-worthy sentences, and how many of those overlap
    a span the reviewer has a verdict on. Two GROUP BY queries for any page size."""
    counts = {
        row["article_id"]: row
        for row in Sentence.objects.filter(article_id__in=article_ids)
        .values("article_id")
        .annotate(n=Count("pk"), worthy=Count("pk", filter=Q(check_worthy=True)))
    }
    my_verdict_in_sentence = Verdict.objects.filter(
        reviewer=reviewer,
        span__article=OuterRef("article"),
        span__start__lt=OuterRef("end"),
        span__end__gt=OuterRef("start"),
    )
    tagged = dict(
        Sentence.objects.filter(article_id__in=article_ids, check_worthy=True)
        .filter(Exists(my_verdict_in_sentence))
        .values("article_id")
        .annotate(n=Count("pk"))
        .values_list("article_id", "n")
    )
    return {
        article_id: Progress(
            sentences=counts.get(article_id, {}).get("n", 0),
            check_worthy=counts.get(article_id, {}).get("worthy", 0),
            tagged=tagged.get(article_id, 0),
        )
        for article_id in article_ids
    }


def contested_counts(*, article_ids: list[int], viewer: Viewer) -> dict[int, int]:
    """How many contested claims appear in each of these articles, of those the viewer
    may see contested (blind review: the ones they voted on): one GROUP BY query."""
    # Only the claims that appear in these articles are aggregated (over all their spans).
    present = visibility.claims_seen(
        viewer,
        Claim.objects.filter(
            pk__in=Span.objects.filter(article_id__in=article_ids).values("claim_id")
        ),
    )
    rows = (
        Span.objects.filter(
            article_id__in=article_ids,
            claim__in=claims_annotated(present).filter(consensus=CONTESTED).values("pk"),
        )
        .values("article_id")
        .annotate(n=Count("claim", distinct=True))
    )
    return {row["article_id"]: row["n"] for row in rows}


@dataclass
class ArticlePage:
    article: Article
    sentences: list[Sentence]
    highlights: list[Highlight]
    tagged_count: int
    check_worthy_count: int
    version: str
    paragraphs: list = field(default_factory=list)
    revisions: RevisionNotes | None = None


def article_version(*, article_id: int, viewer: Viewer) -> str:
    """Changes whenever a verdict on the article that the viewer may see is saved,
    changed, hidden or withdrawn: one aggregate query, what the live poll pays when
    nothing changed.

    Only what the viewer may see: were it every verdict, a poll answering 200 rather
    than 204 would tell a reviewer who has not voted that someone just tagged something
    here, though the page it returns shows nothing new. Their own verdicts count (another
    tab), and so do all verdicts of a claim once they vote on it, so the vote itself
    changes the version and the next poll brings in what it unblinds."""
    verdicts = Verdict.objects.filter(span__article_id=article_id)
    return _verdicts_version(visibility.verdicts_seen(viewer, verdicts))


def _verdicts_version(verdicts: QuerySet[Verdict]) -> str:
    # Count and id sum change on a withdrawal, the latest timestamp on any edit or hiding.
    row = verdicts.aggregate(n=Count("id"), latest=Max("updated_at"), ids=Sum("id"))
    latest = row["latest"].timestamp() if row["latest"] else 0
    return f"{row['n']}-{row['ids'] or 0}-{latest:.6f}"


def span_consensus_map(*, article: Article, span_ids) -> dict[int, str]:
    """Consensus per span, from one GROUP BY over the visible verdicts. The consensus rule
    (annotations.rules.consensus) at the scope of one appearance: a reviewer holds one
    verdict per span (verdict_one_per_reviewer), so counting verdicts counts reviewers."""
    rows = (
        Verdict.objects.filter(span__article=article, span_id__in=span_ids, hidden=False)
        .values("span_id", "label")
        .annotate(n=Count("id"))
    )
    per_span: dict[int, dict[str, int]] = {}
    for row in rows:
        per_span.setdefault(row["span_id"], {})[row["label"]] = row["n"]
    return {span_id: consensus(counts) for span_id, counts in per_span.items()}


def article_highlights(*, article: Article, viewer: Viewer, around: tuple[int, int] | None = None):
    """The highlights this viewer may see, each with their label and its consensus: the
    spans they gave a verdict on, and the spans with a visible verdict whose verdicts they
    may see (blind review: those of the claims they voted on; with it off, all). A span
    they may not see is not marked at all: a mark would say someone tagged it. Two queries.
    """
    spans = visibility.spans_marked(viewer, Span.objects.filter(article=article)).order_by(
        "start", "end", "pk"
    )
    if around is not None:
        spans = spans.filter(start__lt=around[1], end__gt=around[0])
    spans = list(spans)
    consensus_by_span = span_consensus_map(article=article, span_ids=[s.pk for s in spans])
    return [
        Highlight(
            span_id=span.pk,
            start=span.start,
            end=span.end,
            label=span.my_label or "",
            consensus=consensus_by_span.get(span.pk, ""),
            anchor=span.anchor_status,
        )
        for span in spans
    ]


def progress(sentences: list[Sentence], highlights: list[Highlight]) -> tuple[int, int]:
    """(check-worthy sentences I tagged, check-worthy sentences)."""
    mine = [h for h in highlights if h.label]
    worthy = [s for s in sentences if s.check_worthy]
    tagged = sum(1 for s in worthy if any(h.start < s.end and h.end > s.start for h in mine))
    return tagged, len(worthy)


def article_figures(article: Article, around: tuple[int, int] | None = None):
    """(start, end) of every figure found in the article (or in `around`): one query."""
    figures = Quantity.objects.filter(article=article)
    if around is not None:
        figures = figures.filter(start__lt=around[1], end__gt=around[0])
    return list(figures.values_list("start", "end"))


def article_page(*, article: Article, viewer: Viewer) -> ArticlePage:
    sentences = list(article.sentences.all())
    highlights = article_highlights(article=article, viewer=viewer)
    notes = article_revision_notes(article=article, viewer=viewer)
    changed = {view.flag.span_id for view in notes.changed}
    highlights = [replace(h, changed=h.span_id in changed) for h in highlights]
    tagged, worthy = progress(sentences, highlights)
    return ArticlePage(
        article=article,
        sentences=sentences,
        highlights=highlights,
        tagged_count=tagged,
        check_worthy_count=worthy,
        version=article_version(article_id=article.pk, viewer=viewer),
        paragraphs=paragraphs(article.text, sentences, highlights, article_figures(article)),
        revisions=notes,
    )
