"""Reads about figures: measures with their judged figures, and the figures of claims."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
)

from annotations.models import Measure, Quantity, Span
from annotations.rules.figures import Figure, judge_measure


def claim_figures(*, claim_ids: list[int]) -> QuerySet:
    """The figures inside the appearances of these claims, each annotated with the
    `claim_id` of the appearance that holds it: one query."""

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


@dataclass
class MeasureJudgement:
    measure: object
    judgement: str
    reasons: list[str]
    quantities: list


def measure_judgements(*, measures=None) -> list[MeasureJudgement]:
    """Every measure with its figures across articles and the judgement of their
    differences (annotations.rules.figures). Two queries for any number of measures."""

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
            [Figure(q.value, q.high, q.qualifier, q.as_of, percent=q.percent) for q in quantities]
        )
        result.append(MeasureJudgement(measure, judgement, reasons, quantities))
    return result


def claims_with_conflicting_figures() -> QuerySet:
    """Ids of claims one of whose appearances carries a figure whose measure conflicts."""

    conflicting = Quantity.objects.filter(
        article_id=OuterRef("article_id"),
        start__gte=OuterRef("start"),
        end__lte=OuterRef("end"),
        measure__judgement=Measure.Judgement.CONFLICT,
    )
    return Span.objects.filter(Exists(conflicting), claim__isnull=False).values("claim_id")
