"""Writes about claims: creating, merging, superseding."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.matching.store import claim_embeddings_store
from annotations.models import (
    Claim,
    Span,
)
from annotations.services.consensus import verdicts_count_latest
from annotations.services.duplicates import duplicates_merged, duplicates_refresh
from annotations.services.history import change_reason_set
from annotations.services.moderation import _as_moderator
from annotations.services.rulings import claim_check_unlocked


def claim_create(
    *,
    text: str,
    created_by: AbstractBaseUser | None,
    origin: str = "",
    as_of: datetime.date | None = None,
    source_text: str = "",
) -> Claim:
    """A new claim. `source_text` is the article text it is made from: markup in `text`
    is accepted only where that text has it verbatim (Claim.clean)."""
    claim = Claim(
        text=" ".join(text.split()),
        origin=" ".join(origin.split()),
        as_of=as_of,
        created_by=created_by,
    )
    claim._quoted_from = source_text
    claim.full_clean()
    claim._history_user = created_by
    claim.save()
    claim_embeddings_store(claims=[claim])  # once per claim, so suggesting it costs no model run
    # Made while a strong match existed (the reviewer confirmed "new claim", or two
    # reviewers made it at once): the moderators' duplicates queue offers the pair.
    duplicates_refresh(claims=[claim], created=True)
    return claim


@transaction.atomic
def claim_merge(*, claims: list[Claim], into: Claim, moderator: AbstractBaseUser) -> Claim:
    """Move every span (and so every verdict) of `claims` to `into`. The merged claims are
    kept, resolved, with a note naming the claim they went into; all of it in history.
    No ruled claim takes part, on either side: a ruled claim is locked until reopened."""
    _as_moderator(moderator)
    others = [c for c in claims if c.pk != into.pk]
    if not others:
        raise ValidationError("Choose at least two claims to merge.")
    for claim in [into, *others]:
        claim_check_unlocked(
            claim_id=claim.pk, hint=f"Reopen claim #{claim.pk} first to merge it."
        )
    for span in Span.objects.select_for_update().filter(claim__in=others):
        span.claim = into
        span._history_user = moderator
        span._change_reason = f"claim merged into #{into.pk}"
        span.save(update_fields=["claim"])
    for claim in others:
        claim.status = Claim.Status.RESOLVED
        claim.ruling_note = f"Merged into claim #{into.pk}."
        claim._history_user = moderator
        claim._change_reason = f"merged into #{into.pk}"
        claim.save()
    into = Claim.objects.get(pk=into.pk)
    into._history_user = moderator
    # Cut to fit with many claims; each merged claim's note names the claim it went into.
    change_reason_set(into, "merged " + ", ".join(f"#{c.pk}" for c in others))
    into.save()
    # A reviewer who tagged two of the merged claims now counts once, with the later label.
    verdicts_count_latest(claim_ids=[into.pk])
    duplicates_merged(merged=others, into=into)
    return into


@transaction.atomic
def claim_supersede(*, claim: Claim, by: Claim, moderator: AbstractBaseUser) -> Claim:
    """Mark `claim` as superseded by the newer `by` (717 → 909); both stay, linked."""
    _as_moderator(moderator)
    if claim.pk == by.pk:
        raise ValidationError("A claim cannot supersede itself.")
    newer = Claim.objects.get(pk=by.pk)
    while newer is not None:  # refuse a cycle: 909 superseded by 717 superseded by 909
        if newer.superseded_by_id == claim.pk:
            raise ValidationError("That claim is already superseded by this one.")
        newer = newer.superseded_by
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.superseded_by = by
    claim._history_user = moderator
    claim._change_reason = f"superseded by #{by.pk}"
    claim.save()
    return claim
