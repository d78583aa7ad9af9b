from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotations.text.sentences import is_check_worthy, split_sentences


def test_it_splits_paragraphs_on_every_line_break():
    text = "Headline\n\nFirst one. Second one.\nA line of its own."
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "Headline",
        "First one.",
        "Second one.",
        "A line of its own.",
    ]
    assert [s.paragraph for s in sentences] == [0, 1, 1, 2]


def test_it_finds_repeated_sentences_at_their_own_offsets():
    text = "It held. It held. It held."
    assert [(s.start, s.end) for s in split_sentences(text)] == [(0, 8), (9, 17), (18, 26)]


def test_it_counts_offsets_in_code_points_past_emoji():
    text = "🇺🇦 Flag first. Then 909 soldiers."
    second = split_sentences(text)[-1]
    assert text[second.start : second.end] == "Then 909 soldiers."


def test_it_tells_furniture_from_claims():
    assert not is_check_worthy("Advertisement")
    assert not is_check_worthy("Photo: Wikimedia Commons")
    assert not is_check_worthy("Feb.06 - 2025 10:20 AM CET")
    assert not is_check_worthy("Russian Forces Suffer Heavy Losses")
    assert is_check_worthy("• 131 tanks")
    assert is_check_worthy("11,000 North Korean soldiers in this region")
    assert is_check_worthy("The General Staff said the goal was achieved.")


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
def test_every_sentence_is_an_exact_trimmed_slice_within_one_line(text):
    previous_end = 0
    for sentence in split_sentences(text):
        piece = text[sentence.start : sentence.end]
        assert piece and piece == piece.strip()
        assert "\n" not in piece
        assert sentence.start >= previous_end
        previous_end = sentence.end
