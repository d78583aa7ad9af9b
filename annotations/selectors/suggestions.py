"""Reads for linking a span to a claim: existing claims like its text, each with why.

Retrieval then re-ranking (annotations/matching): the full-text index picks candidates in
bounded time, then meaning (a sentence-embedding model), wording and the figures re-rank
them. One query, whatever the number of claims."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from annotations.matching import embeddings, index, rerank, store
from annotations.matching.rerank import FigureChange, Thresholds
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
    similarity: float = 0  # what the thresholds apply to, in % (0-100)
    # Safe to preselect: the same figures (or, with none, much the same meaning) and no
    # figure of the same measure that differs. The panel preselects the first if strong.
    strong: bool = False
    same_measure: list[FigureChange] = field(default_factory=list)  # maybe an update
    negation: bool = False  # only one of the two is a denial or negation: never preselected
    claim_has_figures: bool = False


SUGGESTION_LIMIT = 5
# How a text and a claim are compared: a model of embeddings.MODELS (cosine of meaning),
# "lexical" (rapidfuzz's token-set ratio of the words, 0-1), or "a+b", the mean of two.
# README, "Claim matching", says why this one.
MATCHER = "wordllama+lexical"
# Tuned on the labelled seed pairs (manage.py eval_claims, which prints these): the most
# appearances preselected with no wrong one, in the middle of the thresholds that do it.
THRESHOLDS = {
    "wordllama+lexical": Thresholds(show=0.6, with_figure=0.1, without_figure=0.65),
    "use+lexical": Thresholds(show=0.55, with_figure=0.1, without_figure=0.6),
    "wordllama": Thresholds(show=0.55, with_figure=0.05, without_figure=0.75),
    "use": Thresholds(show=0.45, with_figure=0.1, without_figure=0.55),
    "lexical": Thresholds(show=0.6, with_figure=0.1, without_figure=0.6),
}


def claim_suggestions(
    *,
    text: str,
    exclude: Claim | None = None,
    as_of: datetime.date | None = None,
    matcher: str = MATCHER,
    limit: int = SUGGESTION_LIMIT,
) -> list[Suggestion]:
    """Existing claims most like `text`, best first, each with the reasons it is shown:
    shared figures, the same measure with another figure (maybe an update), similar
    meaning and wording, the same origin. `as_of`, the date the text holds for when
    known, dates its figures for judging an update. One query."""
    subquery = index.candidates_sql(text)
    if subquery is None:
        return []
    claims = Claim.objects.filter(pk__in=subquery).select_related("embedding")
    if exclude is not None:
        claims = claims.exclude(pk=exclude.pk)
    claims = list(claims)
    if not claims:
        return []
    parts = {part: _similarities(text, claims, part) for part in matcher.split("+")}
    blended = sum(parts.values()) / len(parts)
    meaning = next((v for k, v in parts.items() if k != "lexical"), None)
    wording = parts.get("lexical")
    candidates = [
        rerank.Candidate(
            claim_id=claim.pk,
            text=claim.text,
            similarity=float(blended[n]),
            origin=claim.origin,
            as_of=claim.as_of,
            meaning=None if meaning is None else float(meaning[n]),
            wording=None if wording is None else float(wording[n]),
        )
        for n, claim in enumerate(claims)
    ]
    by_pk = {claim.pk: claim for claim in claims}
    return [
        Suggestion(
            claim=by_pk[match.claim_id],
            score=match.score,
            reasons=match.reasons,
            shared_figures=match.shared_figures,
            similarity=round(100 * max(match.similarity, 0.0)),
            strong=match.strong,
            same_measure=match.same_measure,
            negation=match.negation,
            claim_has_figures=match.claim_has_figures,
        )
        for match in rerank.rank(
            rerank.Query(text=text, as_of=as_of),
            candidates,
            thresholds=THRESHOLDS[matcher],
            limit=limit,
        )
    ]


def _similarities(text: str, claims: list[Claim], part: str) -> np.ndarray:
    if part == "lexical":
        lowered = text.lower()
        return np.array([fuzz.token_set_ratio(lowered, c.text.lower()) / 100 for c in claims])
    return store.claim_vectors(claims, model=part) @ query_vector(text, part)


@lru_cache(maxsize=1024)
def query_vector(text: str, model: str) -> np.ndarray:
    # Cached: the panel of one sentence is opened again and again.
    return embeddings.embed([text], model=model)[0]
