"""Reads. Aggregates come from the database (GROUP BY), never from Python loops over rows.

`articles` serves the reviewer workspace; `claims` the per-claim aggregates, claim pages,
moderation and exports."""

from annotations.selectors.articles import (
    ArticlePage,
    SpanPanel,
    article_highlights,
    article_list_for_reviewer,
    article_page,
    article_version,
    contested_counts,
    progress,
    span_consensus_map,
    span_panel,
    span_version,
)
from annotations.selectors.claims import (
    Appearance,
    ClaimAggregate,
    ClaimPage,
    Suggestion,
    alpha_nominal,
    claim_aggregates,
    claim_page,
    claim_suggestions,
    claims_annotated,
    claims_needing_attention,
    figures,
    origins_grouped,
)

__all__ = [
    "Appearance",
    "ArticlePage",
    "ClaimAggregate",
    "ClaimPage",
    "SpanPanel",
    "Suggestion",
    "alpha_nominal",
    "article_highlights",
    "article_list_for_reviewer",
    "article_page",
    "article_version",
    "claim_aggregates",
    "claim_page",
    "claim_suggestions",
    "claims_annotated",
    "claims_needing_attention",
    "contested_counts",
    "figures",
    "origins_grouped",
    "progress",
    "span_consensus_map",
    "span_panel",
    "span_version",
]
