"""Writes about possible duplicate claims: keeping the pairs the claim matcher finds
(models.PossibleDuplicate) in step with the claims, and a moderator's "not the same claim".

A pair is (newer claim, older claim) where the newer claim's text, looked up exactly as the
panel looks up a highlight (selectors.claim_suggestions: the bounded full-text index, then
meaning, wording and figures), has the older claim as a suggestion strong enough to
preselect. Only the newer claim's side is asked, so a claim is compared when it is made
with every claim there is, and the rebuild finds exactly what the writes keep: the same
question, asked once per claim. Nothing here re-implements matching.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from annotations.matching import index
from annotations.models import Claim, DuplicateDismissal, PossibleDuplicate
from annotations.selectors.claims import claims_listed
from annotations.selectors.suggestions import Suggestion, claim_suggestions
from annotations.services.moderation import _as_moderator


def _pairs_store(claim: Claim) -> list[Suggestion]:
    """Replace the pairs `claim` has as the newer claim by what the matcher says now: the
    older claims it would preselect for `claim`'s text, merged-away claims left out (they
    have nothing left to merge). Every suggestion, strong or not, for the caller."""
    PossibleDuplicate.objects.filter(claim=claim).delete()
    # Every candidate the matcher re-ranks, not the panel's first five: newer claims
    # would otherwise take places an older strong match needs, and a claim looked up
    # among more claims (the rebuild) would lose pairs it had when it was made.
    found = claim_suggestions(
        text=claim.text, exclude=claim, as_of=claim.as_of, limit=index.CANDIDATES
    )
    strong = [s for s in found if s.strong and s.claim.pk < claim.pk]
    if strong:
        listed = set(
            claims_listed()
            .filter(pk__in=[claim.pk, *(s.claim.pk for s in strong)])
            .values_list("pk", flat=True)
        )
        PossibleDuplicate.objects.bulk_create(
            [
                PossibleDuplicate(
                    claim=claim,
                    other=s.claim,
                    similarity=s.similarity,
                    score=s.score,
                    reasons=s.reasons,
                )
                for s in strong
                if claim.pk in listed and s.claim.pk in listed
            ]
        )
    return found


@transaction.atomic
def duplicates_refresh(*, claims: Iterable[Claim], created: bool = False) -> None:
    """After `claims` were created or their text changed: their own pairs (one lookup
    each), and, for an edit, the pairs of the newer claims whose lookup may now find them
    differently (those already paired with them, and those their text finds). A claim just
    created has no newer claim. Bounded: a few lookups per claim, whatever the number of
    claims."""
    claims = list(claims)
    newer: dict[int, Claim] = {}
    for claim in claims:
        found = _pairs_store(claim)
        if created:
            continue
        ids = set(PossibleDuplicate.objects.filter(other=claim).values_list("claim_id", flat=True))
        ids |= {s.claim.pk for s in found if s.claim.pk > claim.pk}
        for later in Claim.objects.filter(pk__in=ids - {c.pk for c in claims}):
            newer[later.pk] = later
    for later in newer.values():
        _pairs_store(later)


@transaction.atomic
def duplicates_merged(*, merged: Iterable[Claim], into: Claim) -> None:
    """After claim_merge: the merged-away claims take part in no pair, and the claims that
    were paired with them are asked again (they may now find the claim that was kept)."""
    merged_ids = [c.pk for c in merged]
    involved = Q(claim_id__in=merged_ids) | Q(other_id__in=merged_ids)
    neighbours = set(
        PossibleDuplicate.objects.filter(other_id__in=merged_ids).values_list(
            "claim_id", flat=True
        )
    )
    PossibleDuplicate.objects.filter(involved).delete()
    neighbours -= {into.pk, *merged_ids}
    for claim in Claim.objects.filter(pk__in=neighbours):
        _pairs_store(claim)


@transaction.atomic
def duplicates_rebuild() -> int:
    """Every pair again from scratch, one lookup per claim (moderators' dismissals are kept:
    they are decisions, not derived). The number of pairs found."""
    PossibleDuplicate.objects.all().delete()
    for claim in claims_listed().order_by("pk").iterator(chunk_size=500):
        _pairs_store(claim)
    return PossibleDuplicate.objects.count()


def duplicate_dismiss(
    *, claim: Claim, other: Claim, moderator: AbstractBaseUser
) -> DuplicateDismissal:
    """ "Not the same claim": the pair is never offered again. Idempotent (a second click,
    a second tab): the first moderator's decision stands."""
    _as_moderator(moderator)
    if claim.pk == other.pk:
        raise ValidationError("A claim is always the same as itself; choose two claims.")
    older, newer = sorted([claim, other], key=lambda c: c.pk)
    dismissal, _ = DuplicateDismissal.objects.get_or_create(
        claim=newer, other=older, defaults={"dismissed_by": moderator}
    )
    return dismissal
