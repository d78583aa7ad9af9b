"""Second stage of claim matching: re-rank candidate claims by meaning and by what their
figures say, and give the reasons. Pure: no database, no model (the caller passes each
candidate's similarity of meaning).

A figure is compared with the claim's figures of the same measure (rules/figures.py says
which measure a figure counts and judges two figures of one measure):
- the same value, or values both wordings allow ("nearly 40,000" and "approximately
  39,900"): a shared figure, and the claim may be preselected;
- another value ("717 prisoners" and "909 prisoners"): the same measure, maybe an update —
  offered with the judgement, never preselected: it is another claim (a newer figure
  supersedes the older, services.claim_supersede);
- a figure of another measure ("12 air defense systems" and "12 MLRS") shares nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

from annotations.rules import figures as rules
from annotations.rules.origins import origins_grouped
from annotations.text.attribution import attribution_guess
from annotations.text.quantities import extract_quantities


@dataclass(frozen=True)
class Thresholds:
    """Similarities of meaning (cosine, -1..1) a claim needs: to be shown at all, to be
    preselected when it shares a figure, to be preselected with no figure to go by."""

    show: float
    with_figure: float
    without_figure: float


@dataclass(frozen=True)
class MeasuredFigure:
    text: str  # as written: "approximately 39,900"
    value: float
    high: float | None
    qualifier: str
    percent: bool
    key: str  # the measure (rules.figures.measure_key)
    measure: str  # its readable name
    as_of: datetime.date | None

    def judged(self) -> rules.Figure:
        return rules.Figure(self.value, self.high, self.qualifier, self.as_of)

    @property
    def number(self) -> str:
        """The value as a figure string: 39900 → "39900", 1.5 → "1.5"."""
        return f"{self.value:g}" if self.value != int(self.value) else str(int(self.value))


@dataclass(frozen=True)
class FigureChange:
    """A figure here and the claim's figure of the same measure with another value."""

    measure: str
    here: str
    there: str
    judgement: str  # rules.figures: update, undated or conflict
    reason: str


@dataclass
class Candidate:
    claim_id: int
    text: str
    similarity: float  # what the thresholds apply to, -1..1
    origin: str = ""
    as_of: datetime.date | None = None
    meaning: float | None = None  # the model's cosine, for the reason
    wording: float | None = None  # the words' overlap (0..1), for the reason


@dataclass
class Match:
    claim_id: int
    score: float
    similarity: float
    reasons: list[str]
    strong: bool
    shared_figures: list[str] = field(default_factory=list)
    same_measure: list[FigureChange] = field(default_factory=list)
    negation: bool = False  # only one of the two is a denial or a negation
    claim_has_figures: bool = False


def is_strong(
    *,
    similarity: float,
    shares_figure: bool,
    same_measure: bool,
    negation: bool,
    claim_has_figures: bool,
    thresholds: Thresholds,
) -> bool:
    """Safe to preselect: no figure of the same measure differs, neither is the other's
    denial, and the meaning is close enough — less close when a figure is shared. Two
    texts that both state figures but share none are about different figures ("massed
    45,000 soldiers" and "captured 909 soldiers"), however alike their words; a claim that
    states a figure is not preselected for a text that states none."""
    if same_measure or negation or (claim_has_figures and not shares_figure):
        return False
    needed = thresholds.with_figure if shares_figure else thresholds.without_figure
    return similarity >= needed


FIGURE_BONUS = 0.25
SAME_MEASURE_BONUS = 0.1
ORIGIN_BONUS = 0.05

_NEGATED = re.compile(
    r"\b(?:den(?:y|ies|ied|ial)|not|never|no longer|false(?:ly)?|refut\w*|reject\w*)\b|n[’']t\b",
    re.IGNORECASE,
)


def text_figures(text: str, as_of: datetime.date | None = None) -> tuple[MeasuredFigure, ...]:
    """The figures a text states with the measure each counts (figures that count nothing
    nameable are left out)."""
    return _text_figures(" ".join(text.split()), as_of)


@lru_cache(maxsize=8192)
def _text_figures(text: str, as_of: datetime.date | None) -> tuple[MeasuredFigure, ...]:
    found = []
    for quantity in extract_quantities(text):
        measure = rules.measure_key(quantity, text)
        if measure is None:
            continue
        stated, _ = rules.as_of_date(text, as_of)
        found.append(
            MeasuredFigure(
                text=quantity.text
                if not quantity.qualifier
                else f"{quantity.qualifier} {quantity.text}",
                value=quantity.value,
                high=quantity.high,
                qualifier=quantity.qualifier,
                percent=quantity.percent,
                key=measure[0],
                measure=measure[1],
                as_of=stated,
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Query:
    text: str
    as_of: datetime.date | None = None

    @property
    def figures(self) -> tuple[MeasuredFigure, ...]:
        return text_figures(self.text, self.as_of)

    @property
    def origin(self) -> str:
        return attribution_guess(self.text)


def compare_figures(
    here: tuple[MeasuredFigure, ...], there: tuple[MeasuredFigure, ...]
) -> tuple[list[tuple[MeasuredFigure, MeasuredFigure]], list[FigureChange]]:
    """(figures both state, figures of one measure that differ), from here's point of view.
    A figure here agrees when one figure there of its measure allows the same value."""
    agree, differ = [], []
    for mine in here:
        same = [f for f in there if f.key == mine.key and f.percent == mine.percent]
        if not same:
            continue
        judged = [(f, *rules.judge(mine.judged(), f.judged())) for f in same]
        consistent = [f for f, judgement, _ in judged if judgement == rules.CONSISTENT]
        if consistent:
            agree.append((mine, consistent[0]))
            continue
        other, judgement, reason = judged[0]
        differ.append(FigureChange(mine.measure, mine.text, other.text, judgement, reason))
    return agree, differ


def _same_origin(query_origin: str, candidate: Candidate) -> str:
    theirs = candidate.origin or attribution_guess(candidate.text)
    if not query_origin or not theirs:
        return ""
    grouped = origins_grouped([query_origin, theirs])
    return grouped[0] if len(grouped) == 1 else ""


def _percent(similarity: float) -> int:
    return round(100 * max(similarity, 0.0))


def _similar(candidate: Candidate) -> str:
    if candidate.meaning is None and candidate.wording is None:
        return f"similar meaning ({_percent(candidate.similarity)} %)"
    parts = []
    if candidate.meaning is not None:
        parts.append(f"meaning ({_percent(candidate.meaning)} %)")
    if candidate.wording is not None:
        parts.append(f"wording ({_percent(candidate.wording)} %)")
    return "similar " + " and ".join(parts)


def rank(
    query: Query, candidates: list[Candidate], *, thresholds: Thresholds, limit: int = 5
) -> list[Match]:
    """The candidates worth showing, best first, each with its reasons; `strong` marks the
    ones safe to preselect (the caller preselects the first, if strong)."""
    here = query.figures
    query_origin = query.origin
    query_negated = bool(_NEGATED.search(query.text))
    matches = []
    for candidate in candidates:
        similarity = candidate.similarity
        if not here and similarity < thresholds.show:
            continue  # no figure to share and not alike: nothing to show (and no parsing)
        there = text_figures(candidate.text, candidate.as_of)
        agree, differ = compare_figures(here, there)
        if not (agree or differ or similarity >= thresholds.show):
            continue
        reasons = []
        for mine, theirs in agree:
            if mine.value == theirs.value and mine.high == theirs.high:
                reasons.append(f"shares {mine.number}")
            else:
                reasons.append(f"same figure, worded differently: {mine.text} ≈ {theirs.text}")
        for change in differ:
            maybe = "maybe an update" if change.judgement != rules.CONFLICT else "a conflict"
            reasons.append(
                f"same measure ({change.measure}), another figure: {change.here} here, "
                f"{change.there} there — {maybe} ({change.reason})"
            )
        if similarity >= thresholds.show:
            reasons.append(_similar(candidate))
        origin = _same_origin(query_origin, candidate)
        if origin:
            reasons.append(f"same origin ({origin})")
        negation = query_negated != bool(_NEGATED.search(candidate.text))
        if negation and (agree or similarity >= thresholds.show):
            reasons.append("but only one of the two is a denial or negation")
        strong = is_strong(
            similarity=similarity,
            shares_figure=bool(agree),
            same_measure=bool(differ),
            negation=negation,
            claim_has_figures=bool(there),
            thresholds=thresholds,
        )
        score = (
            similarity
            + (FIGURE_BONUS if agree and not differ else 0.0)
            + (SAME_MEASURE_BONUS if differ else 0.0)
            + (ORIGIN_BONUS if origin else 0.0)
        )
        matches.append(
            Match(
                claim_id=candidate.claim_id,
                score=score,
                similarity=similarity,
                reasons=reasons,
                strong=strong,
                shared_figures=sorted({mine.number for mine, _ in agree}),
                same_measure=differ,
                negation=negation,
                claim_has_figures=bool(there),
            )
        )
    matches.sort(key=lambda m: (-m.strong, -m.score, m.claim_id))
    return matches[:limit]
