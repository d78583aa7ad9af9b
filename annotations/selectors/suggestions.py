"""Reads for linking a span to a claim: existing claims like its text, each with why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import (
    Q,
)
from rapidfuzz import fuzz, process

from annotations.models import Claim

_FIGURE = re.compile(r"\d[\d,.\u202f\u00a0]*\d|\d")


def figures(text: str) -> set[str]:
    """The numbers a text carries, normalised: "39,900" and "39 900" are both "39900"."""
    return {re.sub(r"[,\u202f\u00a0]", "", m.group()).rstrip(".") for m in _FIGURE.finditer(text)}


@dataclass
class Suggestion:
    claim: Claim
    score: float
    reasons: list[str]
    shared_figures: list[str] = field(default_factory=list)
    similarity: float = 0

    @property
    def strong(self) -> bool:
        """Same figure and much the same wording: offered as the default choice."""
        return bool(self.shared_figures) and self.similarity >= 60


SUGGESTION_CANDIDATES = 500
SUGGESTION_LIMIT = 5
FIGURE_BONUS = 25


def claim_suggestions(*, text: str, exclude: Claim | None = None) -> list[Suggestion]:
    """Existing claims most like `text`: rapidfuzz token-set similarity, with a strong
    bonus for every figure the two share (909, 39,900), each with the reason it is shown.

    Candidates are the claims sharing a figure plus the most recently active ones."""
    wanted = figures(text)
    by_figure = Q()
    for figure in wanted:
        by_figure |= Q(text__contains=figure)
    recent = Claim.objects.order_by("-updated_at").values("pk")[:SUGGESTION_CANDIDATES]
    candidates = Claim.objects.filter(Q(pk__in=recent) | (by_figure if wanted else Q(pk=None)))
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    candidates = list(candidates[: SUGGESTION_CANDIDATES * 2])
    if not candidates:
        return []
    texts = {claim.pk: claim.text for claim in candidates}
    similarity = {
        pk: score
        for _, score, pk in process.extract(
            text, texts, scorer=fuzz.token_set_ratio, limit=None, processor=str.lower
        )
    }
    suggestions = []
    for claim in candidates:
        shared = sorted(wanted & figures(claim.text))
        score = similarity.get(claim.pk, 0) + FIGURE_BONUS * len(shared)
        reasons = [f"shares {', '.join(shared)}"] if shared else []
        if similarity.get(claim.pk, 0) >= 60:
            reasons.append(f"similar wording ({similarity[claim.pk]:.0f}%)")
        if reasons and score >= 60:
            suggestions.append(
                Suggestion(
                    claim=claim,
                    score=score,
                    reasons=reasons,
                    shared_figures=shared,
                    similarity=similarity.get(claim.pk, 0),
                )
            )
    suggestions.sort(key=lambda s: (-s.score, s.claim.pk))
    return suggestions[:SUGGESTION_LIMIT]
