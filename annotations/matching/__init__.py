"""Claim matching (issue #9): which existing claims a highlighted text may belong to.

- `index`: candidates from a full-text index over claim texts, in bounded time;
- `embeddings`: the sentence-embedding model (shipped inside its package, no network),
  `embed(texts)` and `similarity(a, b)`;
- `store`: each claim's embedding, computed once and stored (models.ClaimEmbedding);
- `rerank`: meaning plus figures (the same figure, the same measure with another figure),
  the reasons, and whether a suggestion is safe to preselect;
- `evaluation`: precision and recall on labelled pairs from the seeds (eval/).

selectors.claim_suggestions puts them together.
"""
