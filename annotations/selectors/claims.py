"""Reads about claims: per-claim aggregates (DESIGN.md, "Aggregation per claim"), claim
pages, suggestions for linking, and the moderators' overview.

Counts, consensus and "needs attention" are computed by the database in one annotated
query; what SQL cannot do (Krippendorff's alpha, grouping spelling variants of an origin)
runs over one extra query per page, never one per claim.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import krippendorff
from django.conf import settings
from django.db.models import BooleanField, Case, Count, F, Max, Q, QuerySet, Value, When
from django.db.models import CharField as CharFieldType
from rapidfuzz import fuzz, process

from annotations.models import Claim, Label, Span, Verdict
from annotations.rules.consensus import CONTESTED, INSUFFICIENT, MIN_REVIEWERS

VISIBLE = Q(spans__verdicts__hidden=False)
LABEL_CODES = {label: code for code, label in enumerate(Label.values, start=1)}


def claims_annotated(claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims with every countable aggregate, from one GROUP BY query:

    appearances, article_count, reviewer_count, verdict_count, evidenced,
    n_<label> (visible verdicts with the label), r_<label> (distinct reviewers holding it),
    last_verdict_at, consensus (a label, "contested" or "insufficient"), is_ruled.
    Hidden verdicts count nowhere."""
    claims = Claim.objects.all() if claims is None else claims
    per_label = {}
    for label in Label.values:
        holds = VISIBLE & Q(spans__verdicts__label=label)
        per_label[f"n_{label}"] = Count("spans__verdicts", filter=holds)
        per_label[f"r_{label}"] = Count("spans__verdicts__reviewer", filter=holds, distinct=True)
    claims = claims.annotate(
        appearances=Count("spans", distinct=True),
        article_count=Count("spans__article", distinct=True),
        reviewer_count=Count("spans__verdicts__reviewer", filter=VISIBLE, distinct=True),
        verdict_count=Count("spans__verdicts", filter=VISIBLE),
        evidenced=Count("spans__verdicts", filter=VISIBLE & ~Q(spans__verdicts__evidence_url="")),
        last_verdict_at=Max("spans__verdicts__updated_at"),
        **per_label,
    )
    # The consensus rule of annotations.rules.consensus, in integers: label * 3 >= total * 2.
    two_thirds_of = {f"t_{label}": F(f"r_{label}") * 3 for label in Label.values}
    claims = claims.annotate(total_x2=F("reviewer_count") * 2, **two_thirds_of)
    enough = Q(reviewer_count__gte=MIN_REVIEWERS)
    return claims.annotate(
        consensus=Case(
            *[
                When(enough & Q(**{f"t_{label}__gte": F("total_x2")}), then=Value(label))
                for label in Label.values
            ],
            When(Q(r_verified__gt=0, r_disputed__gt=0), then=Value(CONTESTED)),
            default=Value(INSUFFICIENT),
            output_field=CharFieldType(),
        ),
        is_contested=Case(
            When(
                Q(r_verified__gt=0, r_disputed__gt=0)
                & ~Q(
                    *[Q(**{f"t_{label}__gte": F("total_x2")}) for label in Label.values],
                    _connector=Q.OR,
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_ruled=Case(
            When(ruling="", then=Value(False)), default=Value(True), output_field=BooleanField()
        ),
    )


def claims_needing_attention(claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Contested first, then unruled claims with the most reviewers, then the rest."""
    return claims_annotated(claims).order_by(
        F("is_contested").desc(), "is_ruled", F("reviewer_count").desc(), "-updated_at", "pk"
    )


# --- what SQL cannot do: origins and agreement --------------------------------------------


def _origin_key(name: str) -> str:
    name = re.sub(r"[^\w\s]", " ", name.lower())
    name = re.sub(r"\b(the|of|on|via|ukraine s|s)\b", " ", name)
    return " ".join(name.split())


def origins_grouped(names: list[str]) -> list[str]:
    """Spelling variants of one origin counted once: names whose words are one a subset of
    the other ("the General Staff" / "General Staff of the Armed Forces of Ukraine") or
    nearly the same ("Gen. Staff AFU") are grouped, and the fullest name stands for them."""
    groups: list[list[str]] = []

    # Fullest first; between equally long spellings, the properly capitalised one.
    def fullest(name: str) -> tuple:
        return (-len(name), -sum(ch.isupper() for ch in name), name)

    for name in sorted({" ".join(n.split()) for n in names if n.strip()}, key=fullest):
        key = _origin_key(name)
        for group in groups:
            if fuzz.token_set_ratio(key, _origin_key(group[0])) >= 90:
                group.append(name)
                break
        else:
            groups.append([name])
    return [group[0] for group in groups]


def alpha_nominal(matrix: dict[int, dict[int, str]]) -> float | None:
    """Krippendorff's alpha, nominal, over reviewers × appearances.

    `matrix`: reviewer id → appearance (span) id → label. None where alpha is undefined:
    fewer than two pairable values, or every value the same label."""
    reviewers = sorted(matrix)
    appearances = sorted({span for row in matrix.values() for span in row})
    rows = [
        [LABEL_CODES[matrix[r][a]] if a in matrix[r] else math.nan for a in appearances]
        for r in reviewers
    ]
    try:
        value = krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal")
    except ValueError:  # one label only: agreement is undefined, not perfect
        return None
    return None if value is None or math.isnan(value) else float(value)


@dataclass
class ClaimAggregate:
    claim: Claim
    outlets: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    alpha: float | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {label: getattr(self.claim, f"n_{label}") for label in Label.values}

    @property
    def reviewer_counts(self) -> dict[str, int]:
        return {label: getattr(self.claim, f"r_{label}") for label in Label.values}

    @property
    def last_activity(self) -> datetime.datetime:
        verdict_at = self.claim.last_verdict_at
        return max(self.claim.updated_at, verdict_at) if verdict_at else self.claim.updated_at


def claim_aggregates(claims: list[Claim]) -> list[ClaimAggregate]:
    """Complete aggregates for claims already annotated by claims_annotated(): outlets,
    grouped origins and alpha, with two more queries whatever the number of claims."""
    ids = [claim.pk for claim in claims]
    outlets: dict[int, set[str]] = defaultdict(set)
    for claim_id, outlet in (
        Span.objects.filter(claim_id__in=ids)
        .exclude(article__outlet="")
        .values_list("claim_id", "article__outlet")
        .distinct()
    ):
        outlets[claim_id].add(outlet)
    matrices: dict[int, dict[int, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    attributions: dict[int, list[str]] = defaultdict(list)
    for claim_id, span_id, reviewer_id, label, attributed_to in Verdict.objects.filter(
        span__claim_id__in=ids, hidden=False
    ).values_list("span__claim_id", "span_id", "reviewer_id", "label", "attributed_to"):
        matrices[claim_id][reviewer_id][span_id] = label
        if label == Label.ATTRIBUTED and attributed_to:
            attributions[claim_id].append(attributed_to)
    return [
        ClaimAggregate(
            claim=claim,
            outlets=sorted(outlets[claim.pk]),
            origins=origins_grouped(
                attributions[claim.pk] + ([claim.origin] if claim.origin else [])
            ),
            alpha=alpha_nominal(matrices[claim.pk]) if claim.pk in matrices else None,
        )
        for claim in claims
    ]


# --- suggestions for linking a span to a claim ---------------------------------------------

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


# --- claim pages -------------------------------------------------------------------------------


@dataclass
class Appearance:
    span: Span
    before: str
    after: str
    verdicts: list[Verdict]
    hidden_count: int
    mine: Verdict | None


@dataclass
class ClaimPage:
    aggregate: ClaimAggregate
    appearances: list[Appearance]
    tallies_visible: bool
    measures: list = field(default_factory=list)


def claim_figures(*, claim_ids: list[int]) -> QuerySet:
    """The figures inside the appearances of these claims, each annotated with the
    `claim_id` of the appearance that holds it: one query."""
    from django.db.models import Exists, OuterRef, Subquery

    from annotations.models import Quantity

    holding = Span.objects.filter(
        claim_id__in=claim_ids,
        article_id=OuterRef("article_id"),
        start__lte=OuterRef("start"),
        end__gte=OuterRef("end"),
    )
    return (
        Quantity.objects.filter(Exists(holding))
        .exclude(measure=None)
        .annotate(claim_id=Subquery(holding.values("claim_id")[:1]))
    )


CONTEXT_CHARS = 120


def claim_page(*, claim_id: int, viewer, is_moderator: bool) -> ClaimPage:
    """A claim with every appearance in context and the verdicts the viewer may see:
    on an appearance, others' verdicts once the viewer has given theirs there (blind
    review); moderators see all."""
    claim = claims_annotated(
        Claim.objects.filter(pk=claim_id).select_related("superseded_by")
    ).get()
    claim.supersedes_list = list(claim.supersedes.all())
    aggregate = claim_aggregates([claim])[0]
    spans = list(
        Span.objects.filter(claim=claim)
        .select_related("article")
        .order_by(F("article__published").asc(nulls_last=True), "article_id", "start")
    )
    verdicts_by_span: dict[int, list[Verdict]] = defaultdict(list)
    for verdict in Verdict.objects.filter(span__claim=claim).select_related("reviewer"):
        verdicts_by_span[verdict.span_id].append(verdict)
    blind = settings.BLIND_REVIEW and not is_moderator
    appearances = []
    for span in spans:
        verdicts = verdicts_by_span[span.pk]
        mine = next((v for v in verdicts if v.reviewer_id == viewer.pk), None)
        visible = [v for v in verdicts if not v.hidden or is_moderator]
        if blind and mine is None:
            visible = []
        text = span.article.text
        appearances.append(
            Appearance(
                span=span,
                before=text[max(0, span.start - CONTEXT_CHARS) : span.start],
                after=text[span.end : span.end + CONTEXT_CHARS],
                verdicts=visible,
                hidden_count=sum(1 for v in verdicts if v.hidden),
                mine=mine,
            )
        )
    tallies_visible = not blind or claim.is_ruled or any(a.mine is not None for a in appearances)
    from annotations.models import Measure

    measures = Measure.objects.filter(
        pk__in=claim_figures(claim_ids=[claim.pk]).values("measure_id")
    )
    return ClaimPage(
        aggregate=aggregate,
        appearances=appearances,
        tallies_visible=tallies_visible,
        measures=measure_judgements(measures=measures),
    )


# --- moderation overview -----------------------------------------------------------------------


@dataclass
class ReviewerActivity:
    username: str
    verdicts: int
    hidden: int
    last_active: datetime.datetime | None
    with_consensus: int  # verdicts on appearances that have a consensus label
    agreeing: int  # ... of which agree with it

    @property
    def agreement(self) -> float | None:
        return self.agreeing / self.with_consensus if self.with_consensus else None


@dataclass
class Overview:
    totals: dict[str, int]
    alpha_overall: float | None
    alpha_per_label: dict[str, float | None]
    reviewers: list[ReviewerActivity]


def moderation_overview() -> Overview:
    """Totals, agreement overall and per label (each label against the rest), and each
    reviewer's activity and agreement with the consensus of the appearances they tagged.
    Counts are GROUP BY queries; alpha needs the verdict matrix, read once."""
    from django.contrib.auth import get_user_model

    from annotations.models import Article, Sentence
    from annotations.rules.consensus import consensus

    totals = {
        "articles": Article.objects.count(),
        "sentences": Sentence.objects.count(),
        "claims": Claim.objects.count(),
        "ruled claims": Claim.objects.exclude(ruling="").count(),
        "appearances": Span.objects.count(),
        "verdicts": Verdict.objects.filter(hidden=False).count(),
        "hidden verdicts": Verdict.objects.filter(hidden=True).count(),
    }
    matrix: dict[int, dict[int, str]] = defaultdict(dict)
    for span_id, reviewer_id, label in Verdict.objects.filter(hidden=False).values_list(
        "span_id", "reviewer_id", "label"
    ):
        matrix[reviewer_id][span_id] = label
    per_span: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in matrix.values():
        for span_id, label in row.items():
            per_span[span_id][label] += 1
    span_consensus = {span_id: consensus(counts) for span_id, counts in per_span.items()}

    def binary(label: str) -> dict[int, dict[int, str]]:
        # Relabel "label" vs "other", reusing two of the nominal codes.
        return {
            r: {
                s: (Label.VERIFIED if value == label else Label.DISPUTED)
                for s, value in row.items()
            }
            for r, row in matrix.items()
        }

    users = (
        get_user_model()
        .objects.filter(verdicts__isnull=False)
        .distinct()
        .annotate(
            verdict_count=Count("verdicts", filter=Q(verdicts__hidden=False)),
            hidden_count=Count("verdicts", filter=Q(verdicts__hidden=True)),
            last_active=Max("verdicts__updated_at"),
        )
        .order_by("username")
    )
    reviewers = []
    for user in users:
        mine = matrix.get(user.pk, {})
        decided = {s: lab for s, lab in mine.items() if span_consensus.get(s) in Label.values}
        reviewers.append(
            ReviewerActivity(
                username=user.get_username(),
                verdicts=user.verdict_count,
                hidden=user.hidden_count,
                last_active=user.last_active,
                with_consensus=len(decided),
                agreeing=sum(1 for s, lab in decided.items() if span_consensus[s] == lab),
            )
        )
    return Overview(
        totals=totals,
        alpha_overall=alpha_nominal(matrix) if matrix else None,
        alpha_per_label={
            label: alpha_nominal(binary(label)) if matrix else None for label in Label.values
        },
        reviewers=reviewers,
    )


def claim_appearances(*, claim_ids: list[int]) -> QuerySet[Span]:
    """The spans of these claims with their articles, earliest article first."""
    return (
        Span.objects.filter(claim_id__in=claim_ids)
        .select_related("article")
        .order_by(F("article__published").asc(nulls_last=True), "article_id", "start")
    )


# --- figures -------------------------------------------------------------------------------------


@dataclass
class MeasureJudgement:
    measure: object
    judgement: str
    reasons: list[str]
    quantities: list


def measure_judgements(*, measures=None) -> list[MeasureJudgement]:
    """Every measure with its figures across articles and the judgement of their
    differences (annotations.rules.figures). Two queries for any number of measures."""
    from annotations.models import Measure, Quantity
    from annotations.rules.figures import Figure, judge_measure

    measures = list(Measure.objects.all() if measures is None else measures)
    by_measure: dict[int, list] = defaultdict(list)
    for quantity in Quantity.objects.filter(measure__in=measures).select_related(
        "article", "sentence"
    ):
        by_measure[quantity.measure_id].append(quantity)
    result = []
    for measure in measures:
        quantities = sorted(
            by_measure[measure.pk],
            key=lambda q: (q.as_of is None, q.as_of or datetime.date.min, q.article_id),
        )
        judgement, reasons = judge_measure(
            [Figure(q.value, q.high, q.qualifier, q.as_of) for q in quantities]
        )
        result.append(MeasureJudgement(measure, judgement, reasons, quantities))
    return result


def claims_with_conflicting_figures() -> QuerySet:
    """Ids of claims one of whose appearances carries a figure whose measure conflicts."""
    from django.db.models import Exists, OuterRef

    from annotations.models import Measure, Quantity

    conflicting = Quantity.objects.filter(
        article_id=OuterRef("article_id"),
        start__gte=OuterRef("start"),
        end__lte=OuterRef("end"),
        measure__judgement=Measure.Judgement.CONFLICT,
    )
    return Span.objects.filter(Exists(conflicting), claim__isnull=False).values("claim_id")
