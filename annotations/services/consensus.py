"""Keeping the consensus rule's counted verdicts current.

Which verdict of a reviewer counts on a claim (their latest visible one) is decided by the
pure rule, annotations.rules.consensus; this stores its answer on each verdict
(Verdict.counts_for_claim), in the same transaction as every write that can change it, so
lists aggregate a flag instead of ranking every verdict of every claim on each request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from annotations.models import Span, Verdict
from annotations.rules.consensus import VerdictFact, latest_verdicts


def verdicts_count_latest(
    *, claim_ids: Iterable[int | None] = (), span_ids: Iterable[int] = ()
) -> None:
    """Set counts_for_claim on every verdict of these claims, and of the claims these
    spans belong to now, as the rule says; a span under no claim counts nowhere. Spans are
    read from the database, so a caller's stale copy cannot name the wrong claim. A few
    queries, whatever the number of claims."""
    claim_ids = {claim_id for claim_id in claim_ids if claim_id is not None}
    span_ids = set(span_ids)
    if span_ids:
        Verdict.objects.filter(span_id__in=span_ids, span__claim=None).update(
            counts_for_claim=False
        )
        claim_ids |= set(
            Span.objects.filter(pk__in=span_ids, claim__isnull=False).values_list(
                "claim_id", flat=True
            )
        )
    if claim_ids:
        _recount(Verdict.objects.filter(span__claim_id__in=claim_ids))


def _recount(verdicts) -> None:
    facts: dict[int, list[VerdictFact]] = defaultdict(list)
    counted_now: set[int] = set()
    for pk, reviewer_id, claim_id, updated_at, hidden, counts in verdicts.values_list(
        "pk", "reviewer_id", "span__claim_id", "updated_at", "hidden", "counts_for_claim"
    ):
        facts[claim_id].append(VerdictFact(reviewer_id, "", updated_at, pk, hidden=hidden))
        if counts:
            counted_now.add(pk)
    counted = {
        verdict.id
        for claim_facts in facts.values()
        for verdict in latest_verdicts(claim_facts).values()
    }
    _flag_set(sorted(counted - counted_now), True)
    _flag_set(sorted(counted_now - counted), False)


def _flag_set(verdict_ids: list[int], value: bool) -> None:
    # In slices: a rebuild touches every verdict, and databases cap a statement's
    # parameters (SQLite at 32,766).
    for start in range(0, len(verdict_ids), 5000):
        Verdict.objects.filter(pk__in=verdict_ids[start : start + 5000]).update(
            counts_for_claim=value
        )


def verdicts_count_latest_everywhere() -> None:
    """Recompute the flag for every claim from scratch (after a bulk load or a restore)."""
    Verdict.objects.filter(span__claim=None, counts_for_claim=True).update(counts_for_claim=False)
    _recount(Verdict.objects.filter(span__claim__isnull=False))
