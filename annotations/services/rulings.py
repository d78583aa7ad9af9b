"""Writes about rulings: publishing and reopening, and the lock a ruling puts on its claim.
The rules themselves are annotations.rules.rulings."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.models import (
    Claim,
    Label,
)
from annotations.rules.rulings import (
    LOCKED_ADVICE,
    claim_is_locked,
    locked_message,
    ruling_refusals,
)
from annotations.selectors.moderation import claim_tally
from annotations.services.moderation import _as_moderator


def claim_check_unlocked(
    *,
    claim_id: int | None = None,
    span_id: int | None = None,
    error: type[Exception] = ValidationError,
    hint: str = LOCKED_ADVICE,
) -> None:
    """Raise `error` when the claim (given, or the one the span belongs to now) is ruled,
    so locked. The claim row is locked where the database can, so a ruling published at
    the same moment waits for this write (or this write sees the ruling); SQLite's
    IMMEDIATE transactions serialise writes anyway."""
    if claim_id is None and span_id is None:
        return
    claims = Claim.objects.filter(pk=claim_id) if claim_id else Claim.objects.filter(spans=span_id)
    claim = claims.select_for_update(of=("self",)).only("ruling", "ruled_at").first()
    if claim is not None and claim_is_locked(ruling=claim.ruling):
        message = locked_message(ruling=claim.ruling, ruled_at=claim.ruled_at)
        raise error(f"{message} {hint}".strip())


@transaction.atomic
def ruling_publish(
    *,
    claim: Claim,
    moderator: AbstractBaseUser,
    label: str,
    rationale: str,
    overrule: bool = False,
) -> Claim:
    """Publish a ruling, if annotations.rules.rulings allows it over the reviewers' tally
    (hidden verdicts do not count). `overrule`: the moderator rules against the
    reviewers' consensus; the consensus overruled is stored and shown with the ruling."""
    _as_moderator(moderator)
    if label not in Label.values:
        raise ValidationError({"ruling": f"Unknown label {label!r}."})
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"ruling_note": "Write the rationale readers will see."})
    # Lock first, so no verdict lands between the tally and the ruling.
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    counted = claim_tally(claim_id=claim.pk)
    refusals = ruling_refusals(
        label=label,
        reviewers_per_label=counted.reviewers_per_label,
        evidenced_per_label=counted.evidenced_per_label,
        consensus=counted.consensus,
        overrule=overrule,
    )
    if refusals:
        raise ValidationError(refusals)
    claim.ruling, claim.ruling_note = label, rationale
    claim.ruling_overrules_consensus = counted.consensus if overrule else ""
    claim.status = Claim.Status.RESOLVED
    claim.ruled_by, claim.ruled_at = moderator, timezone.now()
    claim.full_clean()
    claim._history_user = moderator
    claim._change_reason = f"ruling published: {label}" + (
        f", overruling the consensus ({counted.consensus})" if overrule else ""
    )
    claim.save()
    return claim


@transaction.atomic
def claim_reopen(*, claim: Claim, moderator: AbstractBaseUser) -> Claim:
    _as_moderator(moderator)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.status, claim.ruling, claim.ruling_note = Claim.Status.OPEN, "", ""
    claim.ruled_by, claim.ruled_at = None, None
    claim.ruling_overrules_consensus = ""
    claim._history_user = moderator
    claim._change_reason = "reopened"
    claim.save()
    return claim
