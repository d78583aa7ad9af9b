"""Reads of the import page: a user's import items, and which stored article a page
duplicates."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

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


def article_duplicate_of(*, text_hash: str, url: str) -> tuple[Article | None, str]:
    """The stored article a newly read page repeats, and why: the same text, or the same
    canonical URL."""
    same_text = Article.objects.filter(content_hash=text_hash).only("id", "title").first()
    if same_text is not None:
        return same_text, f"same text as “{same_text.title}”"
    if url:
        same_url = Article.objects.filter(url=url).only("id", "title").first()
        if same_url is not None:
            return same_url, f"same canonical URL as “{same_url.title}”"
    return None, ""
