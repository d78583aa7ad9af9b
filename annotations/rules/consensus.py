"""The consensus rule of DESIGN.md ("Aggregation per claim"), as pure functions.

Who counts: a reviewer counts once per claim, with the label of their latest visible
verdict on any of its appearances ("latest" = most recently updated, then the higher id,
so there is always exactly one). Hidden verdicts count nowhere. A reviewer who said
"disputed" on one appearance and later "attributed" on another holds "attributed".

The consensus: a label held by at least two thirds of at least two reviewers; else
*contested* when verified and disputed are both held; else *insufficient*. Two labels can
never both reach two thirds of the same reviewers (that would be more than all of them),
so there is no tie to break.

`annotations.selectors.claims.claims_annotated` computes the same thing in SQL for lists;
the property test in tests/test_consensus.py holds the two together.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

CONTESTED = "contested"
INSUFFICIENT = "insufficient"
MIN_REVIEWERS = 2


@dataclass(frozen=True)
class VerdictFact:
    """What the rule needs to know of one verdict on an appearance of the claim."""

    reviewer: Hashable
    label: str
    updated_at: datetime.datetime
    id: int
    hidden: bool = False
    evidenced: bool = False


@dataclass(frozen=True)
class Tally:
    """The claim as the consensus rule sees it."""

    labels: dict[Hashable, str]  # reviewer -> the label they count with
    reviewers_per_label: dict[str, int]
    evidenced_per_label: dict[str, int] = field(default_factory=dict)
    consensus: str = INSUFFICIENT


def latest_verdicts(verdicts: Iterable[VerdictFact]) -> dict[Hashable, VerdictFact]:
    """Each reviewer's latest visible verdict on the claim: the one they count with."""
    latest: dict[Hashable, VerdictFact] = {}
    for verdict in verdicts:
        if verdict.hidden:
            continue
        held = latest.get(verdict.reviewer)
        if held is None or (verdict.updated_at, verdict.id) > (held.updated_at, held.id):
            latest[verdict.reviewer] = verdict
    return latest


def latest_labels(verdicts: Iterable[VerdictFact]) -> dict[Hashable, str]:
    """Each reviewer's label: the one of their latest visible verdict."""
    return {reviewer: verdict.label for reviewer, verdict in latest_verdicts(verdicts).items()}


def consensus(reviewers_per_label: Mapping[str, int]) -> str:
    """`reviewers_per_label`: how many reviewers count with each label, each reviewer
    under one label only (see latest_labels)."""
    total = sum(reviewers_per_label.values())
    if total >= MIN_REVIEWERS:
        for label, count in reviewers_per_label.items():
            if count * 3 >= total * 2:
                return label
    if reviewers_per_label.get("verified") and reviewers_per_label.get("disputed"):
        return CONTESTED
    return INSUFFICIENT


def tally(verdicts: Iterable[VerdictFact]) -> Tally:
    """The whole rule over a claim's verdicts. `evidenced_per_label`: how many of the
    reviewers counting with a label back it with evidence on a visible verdict of that
    label (on any appearance)."""
    verdicts = list(verdicts)
    labels = latest_labels(verdicts)
    per_label: dict[str, int] = {}
    for label in labels.values():
        per_label[label] = per_label.get(label, 0) + 1
    backed = {
        (v.reviewer, v.label)
        for v in verdicts
        if v.evidenced and not v.hidden and labels.get(v.reviewer) == v.label
    }
    evidenced: dict[str, int] = {}
    for _, label in backed:
        evidenced[label] = evidenced.get(label, 0) + 1
    return Tally(
        labels=labels,
        reviewers_per_label=per_label,
        evidenced_per_label=evidenced,
        consensus=consensus(per_label),
    )
