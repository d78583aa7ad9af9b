"""Reads about revisions: an article's revisions and the diff between two of them, its
orphaned highlights, and the viewer's own "changed since you reviewed" flags.

Flags are personal: every read here filters on the viewer, so no flag tells a reviewer
that someone else judged a sentence (blind review). Articles that were never revised
(revision 1, the usual case) cost no query here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from annotations.models import AnchorStatus, Article, RevisionFlag, Span
from annotations.selectors.visibility import Viewer, spans_marked
from annotations.text.anchoring import DiffPiece, word_diff


def article_revisions(article: Article) -> list[Article]:
    """Every revision of the article, first to current: one query."""
    lineage = article.lineage_id
    return list(
        Article.objects.filter(Q(pk=lineage) | Q(first_revision_id=lineage))
        .only("pk", "revision", "title", "imported_at", "next_revision_id", "first_revision_id")
        .order_by("revision")
    )


def article_current(article: Article) -> Article:
    """The current revision of the article's lineage (the article itself when current)."""
    if article.next_revision_id is None:
        return article
    lineage = article.lineage_id
    return Article.objects.get(Q(pk=lineage) | Q(first_revision_id=lineage), next_revision=None)


def highlights_flagged(*, article: Article, viewer: Viewer, highlights: list) -> list:
    """The highlights with `changed` set where the viewer's own flag is pending: one query,
    none on an article never revised."""
    if article.revision == 1:
        return highlights
    changed = set(
        _pending_flags(article=article, reviewer=viewer.user).values_list("span_id", flat=True)
    )
    return [replace(h, changed=h.span_id in changed) for h in highlights]


def revision_flag_counts(*, articles: list[Article], reviewer) -> dict[int, int]:
    """For each of these (current) articles, how many of the reviewer's flags are pending
    on any of its revisions: one GROUP BY query, none when no article was revised."""
    lineages = {article.lineage_id: article.pk for article in articles if article.revision > 1}
    if not lineages:
        return {}
    rows = (
        RevisionFlag.objects.filter(reviewer=reviewer, status__in=RevisionFlag.PENDING)
        .annotate(lineage=Coalesce("revision__first_revision_id", "revision_id"))
        .filter(lineage__in=list(lineages))
        .values("lineage")
        .annotate(n=Count("pk"))
    )
    return {lineages[row["lineage"]]: row["n"] for row in rows}


def _pending_flags(*, article: Article, reviewer) -> QuerySet[RevisionFlag]:
    lineage = article.lineage_id
    return RevisionFlag.objects.filter(
        Q(revision_id=lineage) | Q(revision__first_revision_id=lineage),
        reviewer=reviewer,
        status__in=RevisionFlag.PENDING,
    )


@dataclass
class FlagView:
    flag: RevisionFlag
    diff: list[DiffPiece]


def flag_view(flag: RevisionFlag) -> FlagView:
    return FlagView(flag=flag, diff=word_diff(flag.old_text, flag.new_text))


@dataclass
class RevisionNotes:
    """What the article page shows of revisions, for one viewer."""

    revisions: int  # how many the article has
    changed: list[FlagView]  # my pending flags, in text order (orphans last)
    orphans: list[Span]  # highlights I may see whose text a revision removed


def article_revision_notes(*, article: Article, viewer: Viewer) -> RevisionNotes:
    """My pending flags on this article and the orphaned highlights I may see: two
    queries, none for an article never revised."""
    if article.revision == 1:
        return RevisionNotes(revisions=1, changed=[], orphans=[])
    flags = list(
        _pending_flags(article=article, reviewer=viewer.user).select_related("span", "revision")
    )
    flags.sort(key=lambda f: (f.span.article_id != article.pk, f.span.start, f.pk))
    lineage = article.lineage_id
    orphans = list(
        spans_marked(
            viewer,
            Span.objects.filter(
                Q(article_id=lineage) | Q(article__first_revision_id=lineage),
                anchor_status=AnchorStatus.ORPHAN,
            ),
        )
        .select_related("claim", "article")
        .order_by("article__revision", "start", "pk")
    )
    return RevisionNotes(
        revisions=article.revision, changed=[flag_view(f) for f in flags], orphans=orphans
    )


def span_flag(*, article: Article, span: Span | None, reviewer) -> FlagView | None:
    """The reviewer's pending flag on this span of the article, with its word diff: one
    query, none on an article never revised."""
    if span is None or article.revision == 1:
        return None
    flag = (
        RevisionFlag.objects.filter(span=span, reviewer=reviewer, status__in=RevisionFlag.PENDING)
        .select_related("revision")
        .first()
    )
    return flag_view(flag) if flag else None


@dataclass
class RevisionDiff:
    revisions: list[Article]
    old: Article
    new: Article
    diff: list[DiffPiece]


def revision_diff(*, article: Article, old: int | None, new: int | None) -> RevisionDiff | None:
    """The word diff between revisions `old` and `new` (numbers) of the article; by default
    the one before the current and the current. None when a number is not a revision."""
    revisions = article_revisions(article)
    by_number = {r.revision: r for r in revisions}
    new_revision = by_number.get(new if new is not None else revisions[-1].revision)
    if new_revision is None:
        return None
    old_number = old if old is not None else max(1, new_revision.revision - 1)
    old_revision = by_number.get(old_number)
    if old_revision is None:
        return None
    texts = dict(
        Article.objects.filter(pk__in={old_revision.pk, new_revision.pk}).values_list("pk", "text")
    )
    return RevisionDiff(
        revisions=revisions,
        old=old_revision,
        new=new_revision,
        diff=word_diff(texts[old_revision.pk], texts[new_revision.pk]),
    )
