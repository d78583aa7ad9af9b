"""What the services write into django-simple-history besides the row itself."""

from __future__ import annotations

from django.db import models

ELLIPSIS = "…"


def change_reason_set(instance: models.Model, reason: str) -> None:
    """Give the next save of `instance` this history change reason, cut to fit the history
    column (100 characters) with an ellipsis. PostgreSQL refuses a longer value with an
    error, SQLite stores it whole; cut here, it is the same on both. The full text lives
    where it belongs (a verdict's hidden_reason, each merged claim's note)."""
    field = type(instance).history.model._meta.get_field("history_change_reason")
    limit = field.max_length
    if len(reason) > limit:
        reason = reason[: limit - len(ELLIPSIS)].rstrip(" ,") + ELLIPSIS
    instance._change_reason = reason
