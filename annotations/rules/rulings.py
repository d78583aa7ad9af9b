"""What a ruling needs, and what a ruling does to its claim. Pure: the callers count.

Support: a verified or disputed ruling needs at least two reviewers counting with the
ruled label under the consensus rule (annotations.rules.consensus: each reviewer once,
with their latest visible label), and at least one of them backing it with evidence.

Consensus: a ruling whose label is not the reviewers' consensus label needs an explicit
overrule. An overrule waives the two-reviewer support (the moderator decides against or
without the reviewers, and says why in the rationale, which is shown publicly) but not
the evidence: some reviewer counting with the ruled label must still back it with
evidence, so a verified or disputed ruling always has an evidenced verdict behind it.
An overrule of a ruling that agrees with the consensus label is refused as meaningless.

Lock: a ruled claim is locked. Its appearances and verdicts stay as ruled on; new
appearances go to a new claim, or wait for a moderator to reopen it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from annotations.rules.consensus import CONTESTED, INSUFFICIENT

NEEDS_SUPPORT = ("verified", "disputed")
MIN_SUPPORTING_REVIEWERS = 2


def ruling_refusals(
    *,
    label: str,
    reviewers_per_label: Mapping[str, int],
    evidenced_per_label: Mapping[str, int],
    consensus: str,
    overrule: bool,
) -> list[str]:
    """Why this ruling may not be published; empty when it may. `reviewers_per_label` and
    `evidenced_per_label` as in annotations.rules.consensus.Tally."""
    reasons = []
    holding = reviewers_per_label.get(label, 0)
    against = goes_against_consensus(label=label, consensus=consensus)
    if overrule and consensus == label:
        reasons.append(
            f"The reviewers' consensus is already {label}; there is nothing to overrule."
        )
    if against and not overrule:
        reasons.append(
            f"The reviewers' consensus is {consensus}: a {label} ruling overrules it. "
            "Tick “overrule the consensus” and say why in the rationale."
        )
    if label in NEEDS_SUPPORT:
        if holding < MIN_SUPPORTING_REVIEWERS and not overrule:
            reasons.append(
                f"A {label} ruling needs at least two reviewers holding {label} "
                f"(this claim has {holding}); else overrule the consensus ({consensus})."
            )
        if not evidenced_per_label.get(label):
            reasons.append(
                f"A {label} ruling needs at least one verdict with evidence, a {label} "
                f"one from a reviewer who holds {label}; none has any."
            )
    return reasons


def goes_against_consensus(*, label: str, consensus: str) -> bool:
    """A ruling with this label overrules the reviewers: they hold another label by the
    consensus rule. Contested and insufficient are no label to go against."""
    return consensus not in (CONTESTED, INSUFFICIENT) and consensus != label


def claim_is_locked(*, ruling: str) -> bool:
    """A ruled claim is locked: nothing may change what its ruling was published on."""
    return bool(ruling)


LOCKED_ADVICE = "Save this highlight under a new claim, or ask a moderator to reopen it."


def locked_message(*, ruling: str, ruled_at: datetime.datetime | None) -> str:
    when = f" on {ruled_at.date().isoformat()}" if ruled_at else ""
    return (
        f"This claim is ruled ({ruling}{when}) and locked: its appearances and verdicts "
        "cannot change."
    )
