"""Spans over arbitrary Unicode, including characters outside the BMP."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.models import Article, Span
from annotations.services import content_hash, span_get_or_create

# Any code point a text column can hold: no lone surrogates, no NUL (PostgreSQL refuses it).
characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
emoji = st.sampled_from(["🇺🇦", "🪖", "👍🏽", "𝔘", "😀"])
pieces = st.lists(st.one_of(st.text(characters, max_size=8), emoji), max_size=6).map("".join)
hypothesis_db = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _article(text: str) -> Article:
    article, _ = Article.objects.get_or_create(
        content_hash=content_hash(text), defaults={"text": text, "title": "property"}
    )
    return article


@hypothesis_db
@given(before=pieces, body=pieces.filter(bool), after=pieces)
def test_a_valid_span_stores_exactly_its_text(db, before, body, after):
    article = _article(before + body + after)
    start, end = len(before), len(before) + len(body)
    span = span_get_or_create(article=article, start=start, end=end, exact=body, created_by=None)
    span.refresh_from_db()
    assert span.exact == article.text[span.start : span.end] == body
    assert article.text[: span.start].endswith(span.prefix)
    assert article.text[span.end :].startswith(span.suffix)


@hypothesis_db
@given(before=pieces, body=pieces.filter(bool), after=pieces, data=st.data())
def test_a_bad_span_raises_and_stores_nothing(db, before, body, after, data):
    text = before + body + after
    article = _article(text)
    start, end = len(before), len(before) + len(body)
    bad = data.draw(
        st.sampled_from(["reversed", "empty", "past_end", "negative", "quote"]), label="kind"
    )
    exact = body
    if bad == "reversed":
        start, end = end, start
        exact = text[end:start]
    elif bad == "empty":
        end = start
        exact = ""
    elif bad == "past_end":
        end = len(text) + data.draw(st.integers(1, 5))
    elif bad == "negative":
        start = -data.draw(st.integers(1, 5))
    else:
        exact = data.draw(pieces.filter(lambda other: other != body), label="other quote")
    before_count = Span.objects.count()
    with pytest.raises(ValidationError):
        span_get_or_create(article=article, start=start, end=end, exact=exact, created_by=None)
    assert Span.objects.count() == before_count


def test_an_emoji_before_the_span_does_not_shift_it(db):
    text = "Kyiv 🇺🇦 says 909 soldiers were captured."
    article = _article(text)
    start = text.index("909")
    span = span_get_or_create(
        article=article, start=start, end=start + 12, exact="909 soldiers", created_by=None
    )
    # The flag is two code points (four UTF-16 units, which a browser would count).
    assert (span.start, span.end) == (13, 25)


def test_the_same_offsets_give_the_same_span(span):
    again = span_get_or_create(
        article=span.article, start=span.start, end=span.end, exact=span.exact, created_by=None
    )
    assert again.pk == span.pk
    assert Span.objects.count() == 1
