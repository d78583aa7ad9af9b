"""Reads about origins: the moderators' decisions (which spelling names which origin) and
the one place every surface gets a claim's origins from (rules.visibility.origins_shown,
with those decisions), so the claim list, claim page, panel, admin, CSV, ClaimReview and
public ruling pages name and count the same origins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain

from django.db.models import Exists, OuterRef, Q, QuerySet

from annotations.models import Claim, Label, OriginName, Verdict
from annotations.rules.origins import OriginGroup, origin_groups, spelling_key
from annotations.rules.visibility import origins_shown
from annotations.selectors.visibility import Viewer


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


def claims_named_by(*, claims: QuerySet[Claim], viewer: Viewer, name: str) -> QuerySet[Claim]:
    """The claims among `claims` (read through claims_for(viewer): `others_visible`) whose
    origins include the origin `name` names, spellings and moderators' merges included.
    Only what the viewer may see decides, both which spellings name that origin and which
    claims carry one: the claims' own origins, and the reviewers' "attributed to" on
    claims whose verdicts the viewer sees (blind review), so a filter answers nothing a
    reviewer could not read on the list itself. Three queries before the list's own."""
    name = " ".join(name.split())
    attributed = Verdict.objects.filter(label=Label.ATTRIBUTED, hidden=False).exclude(
        attributed_to=""
    )
    if viewer.blind:
        voted = Verdict.objects.filter(reviewer=viewer.user).values("span__claim_id")
        attributed = attributed.filter(span__claim_id__in=voted)
    raw: dict[str, set[str]] = defaultdict(set)
    for spelling in chain(
        Claim.objects.exclude(origin="").values_list("origin", flat=True).distinct(),
        attributed.values_list("attributed_to", flat=True).distinct(),
    ):
        raw[spelling_key(spelling)].add(spelling)
    names = [name, *(min(spellings) for spellings in raw.values())]
    key = spelling_key(name)
    [group] = [
        group
        for group in origin_groups(names, origin_decisions(names=names))
        if key in {spelling_key(spelling) for spelling in group.spellings}
    ]
    spellings = {each for s in group.spellings for each in raw.get(spelling_key(s), ())}
    attributed_here = Verdict.objects.filter(
        span__claim=OuterRef("pk"),
        label=Label.ATTRIBUTED,
        hidden=False,
        attributed_to__in=spellings,
    )
    return claims.alias(named=Exists(attributed_here)).filter(
        Q(origin__in=spellings) | Q(others_visible=True, named=True)
    )
