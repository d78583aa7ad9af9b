"""Reads for the moderators' "possible duplicates" queue and for deciding between claims
(the admin's merge and ruling pages): each claim with its tallies and its appearances.

The pairs come from models.PossibleDuplicate, which services/duplicates.py keeps with the
claim matcher's verdict, so a page reads a fixed number of queries whatever the number of
claims or pairs: the pairs, the claims' aggregates (claims_annotated, claim_aggregates)
and their appearances.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from annotations.models import Claim, DuplicateDismissal, PossibleDuplicate, Span
from annotations.rules.rulings import claim_is_locked
from annotations.selectors.claims import (
    ClaimAggregate,
    claim_aggregates,
    claim_appearances,
    claims_annotated,
    claims_listed,
)


@dataclass
class ClaimSide:
    """One claim as a moderator decides on it: everything, moderators see all."""

    aggregate: ClaimAggregate
    appearances: list[Span] = field(default_factory=list)

    @property
    def claim(self) -> Claim:
        return self.aggregate.claim

    @property
    def locked(self) -> bool:
        return claim_is_locked(ruling=self.claim.ruling)


@dataclass
class DuplicatePair:
    pair: PossibleDuplicate
    newer: ClaimSide
    older: ClaimSide

    @property
    def locked(self) -> list[Claim]:
        """The ruled claims of the pair: no merge touches them until reopened."""
        return [side.claim for side in (self.older, self.newer) if side.locked]


def duplicates_open() -> QuerySet[PossibleDuplicate]:
    """The pairs a moderator has not dismissed, both claims still listed (not merged
    away), the most alike first."""
    dismissed = DuplicateDismissal.objects.filter(
        claim_id=OuterRef("claim_id"), other_id=OuterRef("other_id")
    )
    listed = claims_listed().values("pk")
    return (
        PossibleDuplicate.objects.exclude(Exists(dismissed))
        .filter(claim_id__in=listed, other_id__in=listed)
        .order_by("-similarity", "-score", "-claim_id", "-other_id")
    )


def claim_sides(*, claim_ids: list[int]) -> dict[int, ClaimSide]:
    """Each claim with its aggregates and appearances (earliest article first), in three
    queries plus claim_aggregates' two, whatever the number of claims."""
    claims = list(claims_annotated(Claim.objects.filter(pk__in=claim_ids)))
    sides = {a.claim.pk: ClaimSide(aggregate=a) for a in claim_aggregates(claims)}
    # The article's text is not needed: the quoted stretch is the span's own.
    for span in claim_appearances(claim_ids=list(sides)).defer("article__text"):
        sides[span.claim_id].appearances.append(span)
    return sides


def duplicate_pairs(pairs: list[PossibleDuplicate]) -> list[DuplicatePair]:
    """The page's pairs with both claims side by side."""
    ids = {p.claim_id for p in pairs} | {p.other_id for p in pairs}
    sides = claim_sides(claim_ids=sorted(ids))
    return [
        DuplicatePair(pair=p, newer=sides[p.claim_id], older=sides[p.other_id])
        for p in pairs
        if p.claim_id in sides and p.other_id in sides
    ]
