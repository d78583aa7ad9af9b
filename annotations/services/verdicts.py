"""Writes about verdicts: a reviewer sets, records or withdraws their own."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotations.models import (
    Article,
    Claim,
    Label,
    Span,
    Verdict,
)
from annotations.services.claims import claim_create
from annotations.services.consensus import verdicts_count_latest
from annotations.services.revisions import revision_flags_rechecked
from annotations.services.rulings import claim_check_unlocked
from annotations.services.spans import span_get_or_create, span_link_claim
from annotations.text.sanitising import normalise_url, reject_unsafe_url


@transaction.atomic
def verdict_set(
    *,
    span: Span,
    reviewer: AbstractBaseUser,
    label: str,
    note: str = "",
    evidence_url: str = "",
    attributed_to: str = "",
) -> Verdict:
    """Create or update `reviewer`'s verdict on `span`. Only its author ever changes it:
    the verdict is looked up by (span, reviewer), so no other reviewer's row is reachable.
    Refused on an appearance of a ruled (locked) claim. Attributed-to is kept for an
    attributed verdict only: on any other it would read as an attribution."""
    note = note.strip()
    evidence_url = normalise_url(evidence_url)  # "HTTPS://" would fail the database check
    try:
        reject_unsafe_url(evidence_url)
    except ValidationError as exc:
        raise ValidationError({"evidence_url": exc.messages}) from None
    attributed_to = " ".join(attributed_to.split()) if label == Label.ATTRIBUTED else ""
    if label not in Label.values:
        raise ValidationError({"label": f"Unknown label {label!r}."}, code="label")
    if label == Label.ATTRIBUTED and not attributed_to:
        raise ValidationError(
            {"attributed_to": "Say who the article attributes this to."}, code="required"
        )
    claim_check_unlocked(span_id=span.pk)
    # Lock the row (where the database can) so two tabs saving at once serialise.
    verdict = Verdict.objects.select_for_update().filter(span=span, reviewer=reviewer).first()
    if verdict is None:
        verdict = Verdict(span=span, reviewer=reviewer)
    elif verdict.hidden:
        raise PermissionDenied("A moderator has hidden this verdict; it cannot be edited.")
    verdict.label = label
    verdict.note = note
    verdict.evidence_url = evidence_url
    verdict.attributed_to = attributed_to
    # Field validators give the friendly messages; the constraints are left to the
    # database, which checks them on save anyway, instead of one query each here.
    verdict.full_clean(validate_unique=False, validate_constraints=False)
    verdict._history_user = reviewer
    try:
        with transaction.atomic():
            verdict.save()
    except IntegrityError:
        # Two requests created the same (span, reviewer) at once and the other one won:
        # apply this one as an update of that row instead of failing. Any other
        # violation has no such row and is raised as it is.
        winner = Verdict.objects.select_for_update().filter(span=span, reviewer=reviewer).first()
        if winner is None or verdict.pk is not None:
            raise
        winner.label, winner.note = label, note
        winner.evidence_url, winner.attributed_to = evidence_url, attributed_to
        winner._history_user = reviewer
        winner.save()
        verdict = winner
    verdicts_count_latest(span_ids=[span.pk])
    revision_flags_rechecked(span_ids=[span.pk], reviewer=reviewer)
    return verdict


@transaction.atomic
def verdict_withdraw(*, verdict: Verdict, reviewer: AbstractBaseUser) -> None:
    """Delete the reviewer's own verdict. The deletion is kept in the verdict history."""
    if verdict.reviewer_id != reviewer.pk:
        raise PermissionDenied("Only its author can withdraw a verdict.")
    if verdict.hidden:
        raise PermissionDenied("A moderator has hidden this verdict; it cannot be withdrawn.")
    claim_check_unlocked(
        span_id=verdict.span_id,
        error=PermissionDenied,
        hint="Ask a moderator to reopen it.",
    )
    verdict._history_user = reviewer
    verdict.delete()
    verdicts_count_latest(span_ids=[verdict.span_id])
    revision_flags_rechecked(span_ids=[verdict.span_id], reviewer=reviewer)


@transaction.atomic
def verdict_record(
    *,
    article: Article,
    start: int,
    end: int,
    exact: str,
    reviewer: AbstractBaseUser,
    label: str,
    note: str = "",
    evidence_url: str = "",
    attributed_to: str = "",
    claim: Claim | None = None,
    new_claim_text: str = "",
) -> Verdict:
    """What saving the panel does: find or create the span, make sure it belongs to a claim
    (the chosen one, else a new claim from the given text or the quote), set my verdict.
    One transaction: a refused verdict leaves no new span or claim behind."""
    span = span_get_or_create(
        article=article, start=start, end=end, exact=exact, created_by=reviewer
    )
    # Lock the span so that two tabs saving at once do not both create a claim for it.
    span = Span.objects.select_for_update().get(pk=span.pk)
    if span.claim_id is None:
        if claim is None:
            # The origin is left for moderators: filled from this verdict it would show
            # the next reviewer how the first one voted, before they vote (blind review).
            claim = claim_create(
                text=new_claim_text.strip() or exact, created_by=reviewer, source_text=article.text
            )
        span = span_link_claim(span=span, claim=claim, user=reviewer)
    return verdict_set(
        span=span,
        reviewer=reviewer,
        label=label,
        note=note,
        evidence_url=evidence_url,
        attributed_to=attributed_to,
    )
