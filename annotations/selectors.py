"""Reads. Aggregates come from the database (GROUP BY), never from Python loops over rows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from annotations.models import Claim, Label


def claim_label_counts(*, claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims annotated with `verified`, `disputed`, `attributed` and `verdicts`: how many
    visible verdicts on the claim's spans carry each label. Hidden verdicts count nowhere."""
    claims = Claim.objects.all() if claims is None else claims
    visible = Q(spans__verdicts__hidden=False)
    return claims.annotate(
        verdicts=Count("spans__verdicts", filter=visible),
        **{
            label: Count("spans__verdicts", filter=visible & Q(spans__verdicts__label=label))
            for label in Label.values
        },
    )
