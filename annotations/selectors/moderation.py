"""Reads for moderators: the needs-attention order and the overview of agreement."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    F,
    Max,
    Q,
    QuerySet,
)

from annotations.models import Article, Claim, Label, Sentence, Span, Verdict
from annotations.rules.agreement import alpha_nominal
from annotations.rules.consensus import consensus
from annotations.selectors.claims import claims_annotated


def claims_needing_attention(claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Contested first, then unruled claims with the most reviewers, then the rest."""
    return claims_annotated(claims).order_by(
        F("is_contested").desc(), "is_ruled", F("reviewer_count").desc(), "-updated_at", "pk"
    )


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
