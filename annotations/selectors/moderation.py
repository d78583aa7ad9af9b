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
from annotations.rules.consensus import Tally, VerdictFact, tally
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
    with_consensus: int  # claims they count on that have a consensus label
    agreeing: int  # ... of which they count with that label

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
    reviewer's activity and agreement with the consensus of the claims they tagged (the
    consensus rule: each reviewer once per claim, with their latest visible label).
    Counts are GROUP BY queries; alpha and the consensus need the verdicts, read once."""

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
    # Per claim (a span not linked to any claim stands alone), for the consensus rule.
    facts: dict[tuple[str, int], list[VerdictFact]] = defaultdict(list)
    for span_id, claim_id, reviewer_id, label, updated_at, verdict_id in Verdict.objects.filter(
        hidden=False
    ).values_list("span_id", "span__claim_id", "reviewer_id", "label", "updated_at", "id"):
        matrix[reviewer_id][span_id] = label
        unit = ("claim", claim_id) if claim_id is not None else ("span", span_id)
        facts[unit].append(VerdictFact(reviewer_id, label, updated_at, verdict_id))
    tallies = [tally(verdicts) for verdicts in facts.values()]

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
        decided = [
            (t.labels[user.pk], t.consensus)
            for t in tallies
            if user.pk in t.labels and t.consensus in Label.values
        ]
        reviewers.append(
            ReviewerActivity(
                username=user.get_username(),
                verdicts=user.verdict_count,
                hidden=user.hidden_count,
                last_active=user.last_active,
                with_consensus=len(decided),
                agreeing=sum(1 for mine, agreed in decided if mine == agreed),
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


def claim_tally(*, claim_id: int) -> Tally:
    """The claim under the consensus rule, with the evidence behind each label: what a
    ruling is judged on (annotations.rules.rulings). One query."""
    return tally(
        VerdictFact(reviewer, label, updated_at, verdict_id, hidden, bool(evidence))
        for reviewer, label, updated_at, verdict_id, hidden, evidence in Verdict.objects.filter(
            span__claim_id=claim_id
        ).values_list("reviewer_id", "label", "updated_at", "id", "hidden", "evidence_url")
    )
