"""Writes. Every change to the domain goes through one of these functions.

Keyword-only, typed, named <entity>_<action>, one module per domain: `articles` (import,
revisions), `revisions` (re-anchoring spans, "changed since reviewed" flags), `spans`,
`verdicts`, `claims`, `rulings`, `moderation` (hiding), `measures`. Each validates with
full_clean() before saving and runs multi-row writes in one transaction; the database
constraints are the last line behind them. Callers use `services.<name>`.
"""

from annotations.services.articles import (
    article_current_for,
    article_figures_store,
    article_import,
    article_revise,
    content_hash,
)
from annotations.services.claims import claim_create, claim_merge, claim_supersede
from annotations.services.consensus import (
    verdicts_count_latest,
    verdicts_count_latest_everywhere,
)
from annotations.services.duplicates import (
    duplicate_dismiss,
    duplicates_rebuild,
    duplicates_refresh,
)
from annotations.services.intake import (
    articles_recheck_queue,
    import_batch_submit,
    import_item_run,
)
from annotations.services.measures import (
    measure_rename,
    measure_split,
    measures_join,
    measures_judge,
)
from annotations.services.moderation import verdict_hide, verdict_unhide
from annotations.services.revisions import revision_flag_resolve, spans_reanchor
from annotations.services.rulings import claim_reopen, ruling_publish
from annotations.services.spans import (
    span_get_or_create,
    span_link_claim,
    span_move,
    span_validate,
)
from annotations.services.verdicts import verdict_record, verdict_set, verdict_withdraw

__all__ = [
    "article_current_for",
    "article_figures_store",
    "article_import",
    "article_revise",
    "claim_create",
    "claim_merge",
    "claim_reopen",
    "claim_supersede",
    "content_hash",
    "duplicate_dismiss",
    "duplicates_rebuild",
    "duplicates_refresh",
    "import_batch_submit",
    "articles_recheck_queue",
    "import_item_run",
    "measure_rename",
    "measure_split",
    "measures_join",
    "measures_judge",
    "revision_flag_resolve",
    "ruling_publish",
    "span_get_or_create",
    "span_link_claim",
    "span_move",
    "spans_reanchor",
    "span_validate",
    "verdict_hide",
    "verdict_record",
    "verdict_set",
    "verdict_unhide",
    "verdict_withdraw",
    "verdicts_count_latest",
    "verdicts_count_latest_everywhere",
]
