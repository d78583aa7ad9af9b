"""Lay an article out for reading: paragraphs of sentences, each cut into segments at
every span boundary, so overlapping highlights render as flat, non-nested pieces.

Pure functions over plain data: the selectors fetch, this arranges, templates show.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Highlight:
    span_id: int
    start: int
    end: int
    label: str  # my label on the span
    consensus: str  # "" while I may not see it (blind review)
    # "fuzzy" once a revision re-anchored it approximately (its words were edited).
    anchor: str = "exact"
    changed: bool = False  # the viewer's own "changed since you reviewed" flag is pending


@dataclass
class Segment:
    start: int
    text: str
    highlights: list[Highlight] = field(default_factory=list)
    figure: bool = False  # part of a figure found at import

    @property
    def top(self) -> Highlight | None:
        """The innermost highlight, whose colour the segment takes."""
        return min(self.highlights, key=lambda h: h.end - h.start, default=None)

    @property
    def starts_highlight(self) -> Highlight | None:
        return next((h for h in self.highlights if h.start == self.start), None)


@dataclass
class SentenceView:
    index: int
    start: int
    end: int
    check_worthy: bool
    tagged: bool
    segments: list[Segment]


@dataclass
class Piece:
    """Either a sentence or the text between sentences (spaces, bullets)."""

    sentence: SentenceView | None = None
    gap: Segment | None = None


def cut(
    text: str,
    start: int,
    end: int,
    highlights: list[Highlight],
    figures: list[tuple[int, int]] = (),
) -> list[Segment]:
    """Segments of text[start:end], split wherever a highlight or a figure starts or ends."""
    inside = [h for h in highlights if h.start < end and h.end > start]
    figures_inside = [f for f in figures if f[0] < end and f[1] > start]
    ranges = [(h.start, h.end) for h in inside] + figures_inside
    bounds = sorted({start, end} | {b for r in ranges for b in r if start < b < end})
    return [
        Segment(
            start=a,
            text=text[a:b],
            highlights=[h for h in inside if h.start < b and h.end > a],
            figure=any(f[0] < b and f[1] > a for f in figures_inside),
        )
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]


def sentence_view(
    text: str, sentence, highlights: list[Highlight], figures: list[tuple[int, int]] = ()
) -> SentenceView:
    segments = cut(text, sentence.start, sentence.end, highlights, figures)
    return SentenceView(
        index=sentence.index,
        start=sentence.start,
        end=sentence.end,
        check_worthy=sentence.check_worthy,
        tagged=any(s.highlights for s in segments),
        segments=segments,
    )


def paragraphs(
    text: str, sentences: list, highlights: list[Highlight], figures: list[tuple[int, int]] = ()
) -> list[list[Piece]]:
    """The article as paragraphs of pieces; gaps keep every character of a line."""
    result: list[list[Piece]] = []
    current_paragraph = None
    cursor = 0
    for sentence in sentences:
        if sentence.paragraph != current_paragraph:
            current_paragraph = sentence.paragraph
            result.append([])
            cursor = text.rfind("\n", 0, sentence.start) + 1
        if cursor < sentence.start:
            result[-1].extend(Piece(gap=g) for g in cut(text, cursor, sentence.start, highlights))
        result[-1].append(Piece(sentence=sentence_view(text, sentence, highlights, figures)))
        cursor = sentence.end
        line_end = text.find("\n", cursor)
        line_end = len(text) if line_end < 0 else line_end
        is_last_in_line = sentence is sentences[-1] or _next_starts_after(
            sentences, sentence, line_end
        )
        if is_last_in_line and cursor < line_end:
            result[-1].extend(Piece(gap=g) for g in cut(text, cursor, line_end, highlights))
    return result


def _next_starts_after(sentences: list, sentence, line_end: int) -> bool:
    following = sentences[sentence.index + 1] if sentence.index + 1 < len(sentences) else None
    return following is None or following.start > line_end
