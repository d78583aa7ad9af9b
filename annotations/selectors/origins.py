"""Reads about origins: the moderators' decisions (which spelling names which origin) and
the one place every surface gets a claim's origins from (rules.visibility.origins_shown,
with those decisions), so the claim list, claim page, panel, admin, CSV, ClaimReview and
public ruling pages name and count the same origins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from annotations.models import Claim, Label, OriginName, Verdict
from annotations.rules.origins import OriginGroup, origin_groups, spelling_key
from annotations.rules.visibility import origins_shown


def origin_decisions(*, names: Iterable[str]) -> dict[str, str]:
    """The moderators' decisions about these spellings: spelling_key → the name that
    stands. One query, none when there is no name."""
    keys = {spelling_key(name) for name in names if name.strip()}
    if not keys:
        return {}
    return dict(
        OriginName.objects.filter(key__in=keys)
        .exclude(stands_for="")
        .values_list("key", "stands_for")
    )


def claims_origins(
    *,
    claims: Iterable[Claim],
    attributions: Mapping[int, list[str]],
    seeing: set[int],
) -> dict[int, list[str]]:
    """Each claim's origins as the viewer may see them: its own origin, and the reviewers'
    "attributed to" (`attributions`, by claim id) for the claims in `seeing` only (blind
    review), grouped by the moderators' decisions and the rule. One query for the page."""
    claims = list(claims)
    names = [claim.origin for claim in claims]
    for claim in claims:
        if claim.pk in seeing:
            names.extend(attributions.get(claim.pk, []))
    decisions = origin_decisions(names=names)
    return {
        claim.pk: origins_shown(
            sees_others=claim.pk in seeing,
            claim_origin=claim.origin,
            attributions=attributions.get(claim.pk, []),
            decisions=decisions,
        )
        for claim in claims
    }


def claim_origin_shown(*, claim: Claim) -> list[str]:
    """A claim's own origin (set by a moderator, shown to everyone), under the name it
    stands as: the panel names it before anyone's verdict is visible."""
    return claims_origins(claims=[claim], attributions={}, seeing=set())[claim.pk]


def origin_spellings() -> dict[str, tuple[str, int]]:
    """Every spelling in use, by spelling_key: (the first spelling seen, how many claims
    carry it as their origin or in a visible "attributed to"). Two queries."""
    found: dict[str, tuple[str, set[int]]] = {}
    rows = list(Claim.objects.exclude(origin="").values_list("origin", "pk")) + list(
        Verdict.objects.filter(label=Label.ATTRIBUTED, hidden=False)
        .exclude(attributed_to="")
        .values_list("attributed_to", "span__claim_id")
        .distinct()
    )
    for name, claim_id in rows:
        name = " ".join(name.split())
        entry = found.setdefault(spelling_key(name), (name, set()))
        entry[1].add(claim_id)
    return {key: (name, len(claims)) for key, (name, claims) in found.items()}


def origins_overview(*, spellings: Iterable[str] = ()) -> list[OriginGroup]:
    """Every spelling in use (and `spellings`), grouped as the rule and the moderators'
    decisions group them across all claims: what the origins admin shows to merge from."""
    names = [name for name, _ in origin_spellings().values()] + list(spellings)
    names += list(OriginName.objects.values_list("name", flat=True))
    return origin_groups(names, origin_decisions(names=names))


def origin_claim_counts() -> dict[str, int]:
    """How many claims carry each spelling (by spelling_key)."""
    return {key: count for key, (_, count) in origin_spellings().items()}
