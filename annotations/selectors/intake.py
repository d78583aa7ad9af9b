"""Reads of the import page: a user's import items."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from annotations.models import ImportItem

RECENT_ITEMS = 20


def import_items(*, user, batch: uuid.UUID | None = None) -> QuerySet[ImportItem]:
    """The user's imports (one batch, or the most recent), each with its article: one
    query. Only the requester sees an item: its URL or file name is theirs."""
    items = ImportItem.objects.filter(requested_by=user).select_related("article")
    items = items.defer("upload", "article__text")
    if batch is not None:
        return items.filter(batch=batch).order_by("id")
    return items.order_by("-created_at", "-id")[:RECENT_ITEMS]
