"""Reads. Aggregates come from the database (GROUP BY), never from Python loops over rows.

One module per domain: `articles` (the workspace list and page), `panel` (the side panel),
`claims` (per-claim aggregates and claim pages), `suggestions` (claims like a text),
`moderation` (needs-attention order, overview), `measures` (figures across articles),
`revisions` (an article's revisions, diffs, orphans, my "changed since reviewed" flags).
Callers use `selectors.<name>`.
"""

from annotations.selectors.articles import (
    ArticlePage,
    Progress,
    article_figures,
    article_highlights,
    article_list,
    article_page,
    article_progress,
    article_version,
    contested_counts,
    progress,
    span_consensus_map,
)
from annotations.selectors.claims import (
    Appearance,
    ClaimAggregate,
    ClaimPage,
    claim_aggregates,
    claim_aggregates_for,
    claim_appearances,
    claim_page,
    claims_annotated,
    claims_for,
    claims_needing_attention_for,
)
from annotations.selectors.duplicates import (
    ClaimSide,
    DuplicatePair,
    claim_sides,
    duplicate_pairs,
    duplicates_open,
)
from annotations.selectors.intake import articles_due_recheck, import_items
from annotations.selectors.measures import (
    claim_figures,
    claims_with_conflicting_figures,
    measure_judgements,
)
from annotations.selectors.moderation import (
    claim_tally,
    claims_needing_attention,
    moderation_overview,
)
from annotations.selectors.panel import SpanPanel, span_panel, span_version
from annotations.selectors.revisions import (
    RevisionDiff,
    RevisionNotes,
    article_current,
    article_revisions,
    highlights_flagged,
    revision_diff,
    revision_flag_counts,
)
from annotations.selectors.suggestions import Suggestion, claim_suggestions, figures

__all__ = [
    "articles_due_recheck",
    "import_items",
    "Appearance",
    "ArticlePage",
    "ClaimAggregate",
    "ClaimPage",
    "ClaimSide",
    "DuplicatePair",
    "RevisionDiff",
    "RevisionNotes",
    "Progress",
    "SpanPanel",
    "Suggestion",
    "article_figures",
    "article_highlights",
    "article_list",
    "article_page",
    "article_current",
    "article_progress",
    "article_revisions",
    "article_version",
    "claim_aggregates",
    "claim_aggregates_for",
    "claim_appearances",
    "claim_figures",
    "claim_page",
    "claim_sides",
    "claim_suggestions",
    "claim_tally",
    "claims_annotated",
    "claims_for",
    "claims_needing_attention",
    "claims_needing_attention_for",
    "claims_with_conflicting_figures",
    "contested_counts",
    "duplicate_pairs",
    "duplicates_open",
    "figures",
    "highlights_flagged",
    "measure_judgements",
    "moderation_overview",
    "progress",
    "revision_diff",
    "revision_flag_counts",
    "span_consensus_map",
    "span_panel",
    "span_version",
]
