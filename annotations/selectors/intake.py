"""Reads of the import page (a user's import items) and of the scheduled re-check (the
articles due for it)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from annotations.models import Article, ImportItem

RECENT_ITEMS = 20


def import_items(*, user, batch: uuid.UUID | None = None) -> QuerySet[ImportItem]:
    """The user's imports (one batch, or the most recent), each with its article: one
    query. Only the requester sees an item: its URL or file name is theirs."""
    items = ImportItem.objects.filter(requested_by=user).select_related("article")
    items = items.defer("upload", "article__text")
    if batch is not None:
        return items.filter(batch=batch).order_by("id")
    return items.order_by("-created_at", "-id")[:RECENT_ITEMS]


def articles_due_recheck(*, older_than: timedelta, limit: int | None = None) -> QuerySet[Article]:
    """The articles whose page a scheduled re-check fetches again: current revisions with
    an http(s) URL, not checked (nor imported) within `older_than` and with no re-check
    already waiting, the longest unchecked first. Replaced revisions and articles from
    files are never fetched."""
    cutoff = timezone.now() - older_than
    waiting = ImportItem.objects.filter(recheck_of=OuterRef("pk")).exclude(
        status__in=ImportItem.FINISHED
    )
    due = (
        Article.objects.filter(next_revision=None)
        .filter(Q(url__startswith="http://") | Q(url__startswith="https://"))
        .filter(Q(checked_at__lt=cutoff) | Q(checked_at=None, imported_at__lt=cutoff))
        .exclude(Exists(waiting))
        .defer("text")
        .order_by(F("checked_at").asc(nulls_first=True), "imported_at", "id")
    )
    return due[:limit] if limit is not None else due
