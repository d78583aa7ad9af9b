"""Stored claim embeddings: written once per claim text, read with the candidates."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from annotations.matching import embeddings
from annotations.models import Claim, ClaimEmbedding


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_current(stored: ClaimEmbedding | None, claim: Claim, model: str) -> bool:
    return (
        stored is not None
        and stored.model == embeddings.MODELS[model].name
        and stored.text_hash == text_hash(claim.text)
    )


def claim_embeddings_store(
    *, claims: Iterable[Claim], model: str = embeddings.DEFAULT, batch_size: int = 256
) -> int:
    """Compute and store the embedding of each claim whose stored one is missing, from
    another model or from an earlier text (a claim edited in the admin). The number
    stored."""
    claims = list(claims)
    stored = {
        e.claim_id: e for e in ClaimEmbedding.objects.filter(claim__in=[c.pk for c in claims])
    }
    stale = [c for c in claims if not is_current(stored.get(c.pk), c, model)]
    for start in range(0, len(stale), batch_size):
        batch = stale[start : start + batch_size]
        vectors = embeddings.embed([c.text for c in batch], model=model)
        rows = [
            ClaimEmbedding(
                claim_id=claim.pk,
                model=embeddings.MODELS[model].name,
                text_hash=text_hash(claim.text),
                vector=embeddings.to_bytes(vector),
            )
            for claim, vector in zip(batch, vectors, strict=True)
        ]
        ClaimEmbedding.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["claim"],
            update_fields=["model", "text_hash", "vector"],
        )
    return len(stale)


def claim_vectors(claims: list[Claim], *, model: str = embeddings.DEFAULT) -> np.ndarray:
    """One row per claim: the stored embedding (read with `select_related("embedding")`),
    else computed now without storing (a read stays a read; `claim_embeddings` stores
    them)."""
    rows: list[np.ndarray | None] = []
    missing = []
    for n, claim in enumerate(claims):
        stored = getattr(claim, "embedding", None) if _has_embedding(claim) else None
        if is_current(stored, claim, model):
            rows.append(embeddings.from_bytes(stored.vector))
        else:
            rows.append(None)
            missing.append(n)
    if missing:
        computed = embeddings.embed([claims[n].text for n in missing], model=model)
        for n, vector in zip(missing, computed, strict=True):
            rows[n] = vector
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack(rows)


def _has_embedding(claim: Claim) -> bool:
    try:
        claim.embedding  # noqa: B018 (an attribute read that may raise)
    except ClaimEmbedding.DoesNotExist:
        return False
    return True
