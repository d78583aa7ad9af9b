"""Writes about rulings: publishing and reopening."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import selectors
from annotations.models import (
    Claim,
    Label,
)
from annotations.services.moderation import _as_moderator


@transaction.atomic
def ruling_publish(
    *, claim: Claim, moderator: AbstractBaseUser, label: str, rationale: str
) -> Claim:
    """Publish a ruling. A verified or disputed ruling needs at least two reviewers and at
    least one evidenced verdict behind it (hidden verdicts do not count)."""
    _as_moderator(moderator)
    if label not in Label.values:
        raise ValidationError({"ruling": f"Unknown label {label!r}."})
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"ruling_note": "Write the rationale readers will see."})
    counted = selectors.claims_annotated(Claim.objects.filter(pk=claim.pk)).get()
    if label in (Label.VERIFIED, Label.DISPUTED):
        if counted.reviewer_count < 2:
            raise ValidationError(
                f"A {label} ruling needs verdicts from at least two reviewers "
                f"(this claim has {counted.reviewer_count})."
            )
        if counted.evidenced < 1:
            raise ValidationError(
                f"A {label} ruling needs at least one verdict with evidence; none has any."
            )
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.ruling, claim.ruling_note = label, rationale
    claim.status = Claim.Status.RESOLVED
    claim.ruled_by, claim.ruled_at = moderator, timezone.now()
    claim.full_clean()
    claim._history_user = moderator
    claim._change_reason = f"ruling published: {label}"
    claim.save()
    return claim


@transaction.atomic
def claim_reopen(*, claim: Claim, moderator: AbstractBaseUser) -> Claim:
    _as_moderator(moderator)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.status, claim.ruling, claim.ruling_note = Claim.Status.OPEN, "", ""
    claim.ruled_by, claim.ruled_at = None, None
    claim._history_user = moderator
    claim._change_reason = "reopened"
    claim.save()
    return claim
