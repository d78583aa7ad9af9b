"""What the database itself refuses, even through Model.objects.create or update()."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import NOTE_MAX_LENGTH, Article, Span, Verdict
from annotations.services import article_import


def _refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_the_database_refuses_a_second_verdict_for_the_same_reviewer(verdict):
    _refused(
        lambda: Verdict.objects.create(
            span=verdict.span, reviewer=verdict.reviewer, label="verified"
        )
    )
    assert Verdict.objects.count() == 1


def test_the_database_refuses_a_bad_label(span, bob):
    _refused(lambda: Verdict.objects.create(span=span, reviewer=bob, label="true-ish"))
    assert not Verdict.objects.exists()


def test_the_database_refuses_attributed_without_a_source(span, bob):
    _refused(lambda: Verdict.objects.create(span=span, reviewer=bob, label="attributed"))


def test_the_database_refuses_a_javascript_evidence_url(span, bob):
    _refused(
        lambda: Verdict.objects.create(
            span=span, reviewer=bob, label="verified", evidence_url="javascript:alert(1)"
        )
    )


def test_the_database_refuses_an_over_long_note(span, bob):
    _refused(
        lambda: Verdict.objects.create(
            span=span, reviewer=bob, label="verified", note="x" * (NOTE_MAX_LENGTH + 1)
        )
    )


def test_the_database_refuses_hiding_without_a_reason(verdict):
    _refused(lambda: Verdict.objects.filter(pk=verdict.pk).update(hidden=True))


@pytest.mark.parametrize(
    ("start", "end", "exact"),
    [(5, 5, ""), (9, 5, "xxxx"), (-1, 3, "xxxx"), (0, 4, "too long for four")],
)
def test_the_database_refuses_bad_span_offsets(article, start, end, exact):
    _refused(lambda: Span.objects.create(article=article, start=start, end=end, exact=exact))


def test_the_database_refuses_a_second_span_at_the_same_offsets(span):
    _refused(
        lambda: Span.objects.create(
            article=span.article, start=span.start, end=span.end, exact=span.exact
        )
    )


def test_changing_anchored_text_is_refused_by_the_database(span):
    article = span.article
    _refused(lambda: Article.objects.filter(pk=article.pk).update(text="Something else"))
    article.refresh_from_db()
    assert "12 tanks" in article.text


def test_changing_anchored_text_is_refused_by_validation(span):
    article = span.article
    article.text = "Something else"
    with pytest.raises(ValidationError, match="anchored"):
        article.full_clean()


def test_text_without_spans_may_still_be_corrected(db):
    article, _ = article_import(title="Draft", text="Draft\n\nA typo hre.")
    Article.objects.filter(pk=article.pk).update(text="Draft\n\nA typo here.")
    article.refresh_from_db()
    assert article.text.endswith("here.")
