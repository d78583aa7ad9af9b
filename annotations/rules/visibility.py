"""Blind review (DESIGN.md, "Visibility"): what one viewer may be shown of one claim,
decided here once for every surface. Pure: callers say who the viewer is, where they
are and whether they voted; annotations.selectors.visibility asks the database.

Before voting on a claim a reviewer sees its text, its appearances (articles, outlets,
dates), the figures the articles state, the claim's own origin and status, and a
published ruling (public anyway). Nothing derived from other reviewers: no labels,
counts per label, reviewer counts, consensus, contested markers, agreement, notes,
evidence or attributions, no "N others tagged this", no last-activity time.

Voting means a verdict of the viewer's own (hidden by a moderator or not: the vote was
given) on any appearance of the claim; on a span that belongs to no claim yet, on that
span. After voting, everything.

Moderators see everything where they moderate (the claim list and claim pages, the
admin, the W3C export). In the workspace, where verdicts are given (article list,
article page, panel, live polls), a moderator is a reviewer like any other: blind until
she has voted, so that her verdict is as independent as theirs.

BLIND_REVIEW=false turns all of it off.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from annotations.rules.origins import origins_grouped


class Surface(enum.Enum):
    WORKSPACE = "workspace"  # where verdicts are given
    MODERATION = "moderation"  # where moderators look at everything


def blind(*, blind_review: bool, moderator: bool, surface: Surface) -> bool:
    """Whether what this viewer sees of a claim waits for their own vote on it."""
    if not blind_review:
        return False
    return not (moderator and surface is Surface.MODERATION)


def sees_others(*, blind: bool, voted: bool) -> bool:
    """Whether the viewer may see what others' verdicts on a claim tell: once they voted,
    or wherever they are not blind."""
    return voted or not blind


def origins_shown(
    *,
    sees_others: bool,
    claim_origin: str,
    attributions: list[str],
    decisions: Mapping[str, str] | None = None,
) -> list[str]:
    """The claim's origins. Its own origin is set by a moderator and is part of the claim
    like its text; the reviewers' "attributed to" are their verdicts, shown after voting.
    Variants of one origin count once (rules.origins; `decisions` are the moderators')."""
    names = [claim_origin] if claim_origin else []
    if sees_others:
        names = attributions + names
    return origins_grouped(names, decisions)


def origins_counted(*, sees_others: bool) -> bool:
    """Whether a number of origins may be shown. Before voting the reviewers' "attributed
    to" are not among the origins shown, so a count would say less than there is ("0
    origins" where others named who said it): the claim's own origin is shown, uncounted."""
    return sees_others
