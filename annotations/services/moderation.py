"""Moderation writes on verdicts: hiding and unhiding with a reason."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations.models import (
    Verdict,
)
from annotations.roles import is_moderator
from annotations.services.consensus import verdicts_count_latest
from annotations.services.history import change_reason_set


def _as_moderator(user: AbstractBaseUser) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do this.")


@transaction.atomic
def verdict_hide(*, verdict: Verdict, moderator: AbstractBaseUser, reason: str) -> Verdict:
    """Hide a verdict from every count and page; it is kept, with the reason, in history."""
    _as_moderator(moderator)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"hidden_reason": "Say why the verdict is hidden."})
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    verdict.hidden, verdict.hidden_reason = True, reason
    verdict.full_clean(validate_unique=False, validate_constraints=False)
    verdict._history_user = moderator
    change_reason_set(verdict, f"hidden: {reason}")  # the whole reason is in hidden_reason
    verdict.save()
    verdicts_count_latest(span_ids=[verdict.span_id])
    return verdict


@transaction.atomic
def verdict_unhide(*, verdict: Verdict, moderator: AbstractBaseUser) -> Verdict:
    _as_moderator(moderator)
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    verdict.hidden, verdict.hidden_reason = False, ""
    verdict._history_user = moderator
    verdict._change_reason = "unhidden"
    verdict.save()
    verdicts_count_latest(span_ids=[verdict.span_id])
    return verdict
