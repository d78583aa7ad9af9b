"""The consensus rule of DESIGN.md, as one pure function shared by spans and claims.

A label held by at least two thirds of at least two reviewers is the consensus; else the
verdicts are *contested* when verified and disputed meet; else *insufficient*.
"""

from __future__ import annotations

from collections.abc import Mapping

CONTESTED = "contested"
INSUFFICIENT = "insufficient"
MIN_REVIEWERS = 2


def consensus(reviewers_per_label: Mapping[str, int]) -> str:
    """`reviewers_per_label`: how many distinct reviewers hold each label."""
    total = sum(reviewers_per_label.values())
    if total >= MIN_REVIEWERS:
        for label, count in reviewers_per_label.items():
            if count * 3 >= total * 2:
                return label
    if reviewers_per_label.get("verified") and reviewers_per_label.get("disputed"):
        return CONTESTED
    return INSUFFICIENT
