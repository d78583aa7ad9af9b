"""Re-anchoring a highlight on a revised text by its W3C selectors. Pure: no database.

A span carries a TextPositionSelector (start, end) and a TextQuoteSelector (exact, prefix,
suffix). On a new revision of its article it is found again, in this order:

1. *position* — the exact quote still sits at the same offsets;
2. *quote* — the exact quote occurs elsewhere (text was inserted or removed before it);
   several occurrences are told apart by how much of the prefix and suffix agree, then by
   nearness to where it was;
3. *fuzzy* — the quote was edited (a typo fixed, a word changed): the best alignment of the
   quote with its context on the new text (rapidfuzz), kept if its similarity to the old
   quote reaches FUZZY_THRESHOLD;
4. *orphan* — nothing close enough: the highlight no longer has a place in the text.

Exact methods change nothing the reviewer judged; fuzzy and orphan ones are shown as such.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

POSITION = "position"
QUOTE = "quote"
FUZZY = "fuzzy"
ORPHAN = "orphan"

# Similarity (0-100) of the re-found text to the old quote below which a highlight is an
# orphan: one changed word in a 40-character quote scores about 85; a sentence rewritten
# around the same figure scores under 70.
FUZZY_THRESHOLD = 80.0
# How far the ends of a fuzzy match may move from the aligned window, as a share of the
# quote's length: an edit may lengthen or shorten the quoted stretch.
_SLACK = 0.25


@dataclass(frozen=True)
class Quote:
    """The selectors a span stores."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Anchor:
    method: str  # POSITION, QUOTE, FUZZY or ORPHAN
    start: int = 0
    end: int = 0
    score: float = 100.0  # similarity of text[start:end] to the old quote, 0-100

    @property
    def exact(self) -> bool:
        return self.method in (POSITION, QUOTE)

    @property
    def found(self) -> bool:
        return self.method != ORPHAN


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def _by_context(text: str, quote: Quote, starts: list[int]) -> int:
    """The occurrence whose surroundings agree most with the stored prefix and suffix;
    ties go to the one nearest the old position."""
    length = len(quote.exact)

    def agreement(at: int) -> tuple[int, int]:
        before = text[max(0, at - len(quote.prefix)) : at]
        after = text[at + length : at + length + len(quote.suffix)]
        context = _common_suffix(before, quote.prefix) + _common_prefix(after, quote.suffix)
        return context, -abs(at - quote.start)

    return max(starts, key=agreement)


def _refine(text: str, exact: str, start: int, end: int) -> tuple[int, int, float]:
    """Move each end of an aligned window to where the stretch reads most like the quote
    (an edit may have made it longer or shorter), then trim spaces at the ends."""
    slack = max(3, int(len(exact) * _SLACK))
    best = (start, end, fuzz.ratio(exact, text[start:end]))
    for _ in range(2):  # the ends depend on each other a little: two rounds settle them
        s, e, score = best
        for new_end in range(max(s + 1, e - slack), min(len(text), e + slack) + 1):
            candidate = fuzz.ratio(exact, text[s:new_end])
            if candidate > score:
                e, score = new_end, candidate
        for new_start in range(max(0, s - slack), min(e - 1, s + slack) + 1):
            candidate = fuzz.ratio(exact, text[new_start:e])
            if candidate > score:
                s, score = new_start, candidate
        best = (s, e, score)
    s, e, _ = best
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s >= e:
        return start, end, 0.0
    return s, e, fuzz.ratio(exact, text[s:e])


def _fuzzy(text: str, quote: Quote, threshold: float) -> Anchor:
    exact = quote.exact
    candidates: list[tuple[int, int]] = []
    # With its context first: a short quote ("909") is found where its sentence is.
    context = quote.prefix + exact + quote.suffix
    if context != exact:
        aligned = fuzz.partial_ratio_alignment(context, text, score_cutoff=threshold)
        if aligned is not None:
            # Where the quote sits inside the aligned context: the old prefix length in,
            # shifted by what the alignment of the context's start tells.
            left = aligned.dest_start + max(0, len(quote.prefix) - aligned.src_start)
            candidates.append((left, min(len(text), left + len(exact))))
    aligned = fuzz.partial_ratio_alignment(exact, text, score_cutoff=threshold)
    if aligned is not None:
        candidates.append((aligned.dest_start, aligned.dest_end))
    best = Anchor(ORPHAN, score=0.0)
    for start, end in candidates:
        if end <= start:
            continue
        s, e, score = _refine(text, exact, start, end)
        if score > best.score:
            best = Anchor(FUZZY, s, e, score)
    return best if best.score >= threshold else Anchor(ORPHAN, score=best.score)


def anchor_quote(text: str, quote: Quote, *, threshold: float = FUZZY_THRESHOLD) -> Anchor:
    """Where `quote` (stored on an earlier revision) lies in `text`, and how it was found."""
    exact = quote.exact
    if not exact:
        return Anchor(ORPHAN, score=0.0)
    if text[quote.start : quote.end] == exact:
        return Anchor(POSITION, quote.start, quote.end)
    starts = _occurrences(text, exact)
    if starts:
        at = starts[0] if len(starts) == 1 else _by_context(text, quote, starts)
        return Anchor(QUOTE, at, at + len(exact))
    return _fuzzy(text, quote, threshold)


_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffPiece:
    """A stretch of a word-level diff: `kind` is "same", "removed" or "added"."""

    kind: str
    text: str


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """Old and new text as one sequence of same, removed and added runs of words (spaces
    kept), for showing what changed in a sentence."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[DiffPiece] = []

    def add(kind: str, words: list[str]) -> None:
        if not words:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = DiffPiece(kind, pieces[-1].text + "".join(words))
        else:
            pieces.append(DiffPiece(kind, "".join(words)))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", a[i1:i2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return pieces
