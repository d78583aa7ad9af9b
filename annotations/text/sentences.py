"""Split an article's text into paragraphs and sentences with exact character offsets.

A paragraph is a line of text: outlets' plain text marks paragraphs with blank lines
or, in some feeds, a single line break, so every line break ends a paragraph and no
sentence crosses one. Within a paragraph pysbd finds the sentence boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pysbd

_FURNITURE = re.compile(
    r"""^(
        advertisement | trending\ now | news | other\ topics\ of\ interest
        | related(\ articles?)? | read\ more.* | photo:.* | image:.* | written\ by\ .*
        | to\ suggest\ a\ correction.* | you\ can\ also\ highlight\ the\ text.*
        | share(\ this)?.* | subscribe.*
        | \(?(credit|via|source)\b.* | (additional\ )?(reporting|editing|writing)\ by\ .*
        | our\ standards:.* | updated?\b[^:]{0,60}:.*
        | (https?://|www\.|pic\.twitter\.com/)\S+
        | [\u2014\u2013-]\ *[^()]{1,80}\(@\w{1,30}\).*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Web-page furniture: an embedded tweet's signature ("— Dave Schukin (@schukin) July 3,
# 2019") and its picture link, a journal's citation line ("Nature 574, 16-17 (2019)"),
# credits, editing notes and "Update …:" lines: they state no claim of the article.
_CITATION = re.compile(r"^[A-Z][\w.&' ]{0,60} \d+, \d+([-\u2013]\d+)? \(\d{4}\)$")
# "Feb.06 - 2025 10:20 AM CET", "Friday, February 7, 2025 1:00:56 PM"
_DATELINE = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?,?[\s\d,.:\-/]*(am|pm)?\s*[a-z]{0,4}$",
    re.IGNORECASE,
)
_ENDS_LIKE_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$|[\"”’]$")


@dataclass(frozen=True)
class SentenceBounds:
    index: int
    paragraph: int
    start: int
    end: int
    check_worthy: bool


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def is_check_worthy(sentence: str) -> bool:
    """False for page furniture and bare headings: text that cannot carry a claim."""
    text = sentence.strip().lstrip("•*-–· ").strip()
    if not text or _FURNITURE.match(text) or _DATELINE.match(text) or _CITATION.match(text):
        return False
    has_figure = any(ch.isdigit() for ch in text)
    if has_figure:
        return True
    # A short line without closing punctuation and without a figure is a heading.
    return bool(_ENDS_LIKE_A_SENTENCE.search(text)) or len(text.split()) >= 12


def split_sentences(text: str) -> list[SentenceBounds]:
    """Sentences of `text` in order; text[start:end] is each sentence, trimmed of spaces."""
    sentences: list[SentenceBounds] = []
    paragraph = 0
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            for start, end in _sentence_offsets(line):
                sentences.append(
                    SentenceBounds(
                        index=len(sentences),
                        paragraph=paragraph,
                        start=line_start + start,
                        end=line_start + end,
                        check_worthy=is_check_worthy(line[start:end]),
                    )
                )
            paragraph += 1
        line_start += len(line) + 1
    return sentences


def _sentence_offsets(line: str) -> list[tuple[int, int]]:
    offsets = []
    cursor = 0
    for piece in _segmenter().segment(line):
        stripped = piece.sent.strip()
        if not stripped:
            continue
        # pysbd's own offsets can drift when a sentence repeats within a line, so the
        # piece is located from the end of the previous one.
        start = line.find(stripped, cursor)
        if start < 0:
            raise ValueError(f"sentence splitter changed the text near {stripped[:40]!r}")
        end = start + len(stripped)
        offsets.append((start, end))
        cursor = end
    if not offsets:
        # pysbd returns nothing for some punctuation-only lines; keep them as one sentence.
        start = len(line) - len(line.lstrip())
        offsets.append((start, len(line.rstrip())))
    return offsets
