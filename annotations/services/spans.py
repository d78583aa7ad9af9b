"""Writes about spans: validating and anchoring a highlight, linking it to a claim."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotations import roles
from annotations.models import (
    QUOTE_CONTEXT_LENGTH,
    Article,
    Claim,
    Span,
)
from annotations.services.consensus import verdicts_count_latest
from annotations.services.rulings import claim_check_unlocked


def _quote_selector(text: str, start: int, end: int) -> dict[str, str]:
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - QUOTE_CONTEXT_LENGTH) : start],
        "suffix": text[end : end + QUOTE_CONTEXT_LENGTH],
    }


def span_validate(*, article: Article, start: int, end: int, exact: str) -> None:
    """Raise ValidationError unless [start, end) is a non-empty stretch of the text
    whose characters are exactly `exact`. Offsets count Unicode code points."""
    length = len(article.text)
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValidationError("Offsets must be whole numbers.", code="offsets")
    if start < 0 or end > length:
        raise ValidationError(
            f"Offsets {start}–{end} fall outside the article (0–{length}).", code="range"
        )
    if start >= end:
        raise ValidationError("A span must end after it starts.", code="reversed")
    if article.text[start:end] != exact:
        raise ValidationError(
            "The quoted text does not match the article at those offsets.", code="quote"
        )


@transaction.atomic
def span_get_or_create(
    *, article: Article, start: int, end: int, exact: str, created_by: AbstractBaseUser | None
) -> Span:
    """The span at exactly these offsets, created (with its quote selector) if new."""
    span_validate(article=article, start=start, end=end, exact=exact)
    span = Span.objects.filter(article=article, start=start, end=end).first()
    if span is not None:
        return span
    if article.next_revision_id is not None:
        raise ValidationError(
            "This is an earlier revision of the article, kept as it was: highlight the "
            "current one.",
            code="revision",
        )
    span = Span(
        article=article,
        start=start,
        end=end,
        created_by=created_by,
        **_quote_selector(article.text, start, end),
    )
    # Fields only: span_validate has checked what the check constraints say, and the
    # unique one must be left to the insert below. Validated here it would query, find
    # the span another request has just created and refuse this one (a 422 for a double
    # submit), so the race would never reach the fallback.
    span.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint, so that losing a race to another request leaves the outer
        # transaction usable and we return the winner's span.
        with transaction.atomic():
            span.save()
    except IntegrityError:
        winner = Span.objects.filter(article=article, start=start, end=end).first()
        if winner is None:  # not the race: some other constraint refused the row
            raise
        return winner
    return span


@transaction.atomic
def span_link_claim(*, span: Span, claim: Claim | None, user: AbstractBaseUser) -> Span:
    """Attach the span to `claim` (or detach it with None); recorded in the span history.
    Neither the claim it leaves nor the one it joins may be ruled (a ruled claim is
    locked: its published ClaimReview must not change under it)."""
    span = Span.objects.select_for_update().get(pk=span.pk)
    if span.claim_id == (claim.pk if claim else None):
        return span
    claim_check_unlocked(claim_id=span.claim_id)
    claim_check_unlocked(claim_id=claim.pk if claim else None)
    left = span.claim_id
    span.claim = claim
    span._history_user = user
    span.save(update_fields=["claim"])
    verdicts_count_latest(claim_ids=[left, span.claim_id], span_ids=[span.pk])
    return span


@transaction.atomic
def span_move(*, span: Span, claim: Claim, user: AbstractBaseUser) -> Span:
    """Move a span to another claim (moderators, or the span's only reviewer); recorded in
    history."""
    if not user.has_perm("annotations.change_span"):
        raise PermissionDenied("You cannot move highlights between claims.")
    # The lock speaks first: a ruled claim is closed to everyone, whoever tagged what.
    claim_check_unlocked(claim_id=span.claim_id)
    claim_check_unlocked(claim_id=claim.pk)
    voter_ids = set(span.verdicts.values_list("reviewer_id", flat=True))
    if not roles.may_move_span(user, voter_ids):
        raise PermissionDenied(
            "Only a moderator, or a reviewer whose verdict is the only one on this "
            "highlight, can move it to another claim."
        )
    return span_link_claim(span=span, claim=claim, user=user)
