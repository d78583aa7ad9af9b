from __future__ import annotations

from annotations.rules.consensus import consensus
from annotations.text.highlighting import Highlight, cut, paragraphs
from annotations.text.sentences import split_sentences


def _h(span_id, start, end, label="verified"):
    return Highlight(span_id=span_id, start=start, end=end, label=label, consensus="")


def test_overlapping_spans_cut_the_text_into_flat_segments():
    text = "Russian casualties reached 39,900, with about 16,100 killed."
    outer = _h(1, 0, len(text) - 1, "attributed")
    inner = _h(2, text.index("16,100"), text.index("16,100") + len("16,100 killed"), "disputed")
    segments = cut(text, 0, len(text), [outer, inner])
    assert "".join(s.text for s in segments) == text
    assert [s.text for s in segments] == [
        "Russian casualties reached 39,900, with about ",
        "16,100 killed",
        ".",
    ]
    assert [len(s.highlights) for s in segments] == [1, 2, 0]
    assert segments[1].top == inner, "the innermost highlight gives the colour"
    assert segments[1].starts_highlight == inner


def test_a_span_across_two_sentences_marks_both():
    text = "One claim here. Another claim there."
    sentences = split_sentences(text)
    crossing = _h(1, text.index("here"), text.index("Another") + 7)
    laid_out = paragraphs(text, sentences, [crossing])
    pieces = [p for p in laid_out[0] if p.sentence]
    assert all(piece.sentence.tagged for piece in pieces)
    rebuilt = "".join(
        seg.text
        for piece in laid_out[0]
        for seg in (piece.sentence.segments if piece.sentence else [piece.gap])
    )
    assert rebuilt == text


def test_paragraphs_keep_every_character_of_each_line():
    text = "  • 131 tanks\n\nFirst. Second.  "
    laid_out = paragraphs(text, split_sentences(text), [])
    lines = [
        "".join(
            seg.text
            for piece in paragraph
            for seg in (piece.sentence.segments if piece.sentence else [piece.gap])
        )
        for paragraph in laid_out
    ]
    assert lines == ["  • 131 tanks", "First. Second.  "]


def test_consensus_follows_the_two_thirds_rule():
    assert consensus({"verified": 2, "disputed": 1}) == "verified"
    assert consensus({"verified": 1}) == "insufficient", "one reviewer is not a consensus"
    assert consensus({"verified": 1, "disputed": 1}) == "contested"
    assert consensus({"verified": 1, "attributed": 1}) == "insufficient"
    assert consensus({"attributed": 4, "disputed": 2}) == "attributed"
    assert consensus({"verified": 3, "disputed": 2}) == "contested"
    assert consensus({}) == "insufficient"
