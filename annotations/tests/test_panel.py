"""The panel's reads: "this figure elsewhere" as one line per measure."""

from __future__ import annotations

import datetime

import pytest

from annotations.models import Article
from annotations.selectors.panel import figures_elsewhere
from annotations.services import article_import

pytestmark = pytest.mark.django_db


def _lines_for(article: Article, needle: str):
    sentence = next(s for s in article.sentences.all() if needle in s.text)
    return figures_elsewhere(article=article, start=sentence.start, end=sentence.end)


def test_it_gives_one_line_per_measure_with_each_figure_once(seeds):
    article = Article.objects.get(source_name="004_45da741d3fd11ef0.txt")
    lines = _lines_for(article, "717 Russian soldiers")
    assert [line.measure.name for line in lines] == ["Russian soldiers taken prisoner"]
    (line,) = lines
    assert line.judgement == "update"
    assert any("717 on 2024-11-06 → 909" in reason for reason in line.reasons)
    listed = [
        (entry.article.pk, q.value)
        for outlet in line.outlets
        for entry in outlet.articles
        for q in entry.figures
    ]
    assert len(listed) == len(set(listed)), "no figure twice"
    assert {value for _, value in listed} == {909.0}
    assert article.pk not in {pk for pk, _ in listed}, "only the other articles"


def test_it_lists_a_figure_an_article_repeats_once(seeds):
    # The 717 article says "717" and "a total of 717": seen from elsewhere, one 717.
    article = Article.objects.get(source_name="003_565abf9300d44fce.txt")
    (line,) = _lines_for(article, "captured 909 Russian soldiers")
    repeated = [
        entry
        for outlet in line.outlets
        for entry in outlet.articles
        if entry.article.source_name == "004_45da741d3fd11ef0.txt"
    ]
    assert len(repeated) == 1 and [q.value for q in repeated[0].figures] == [717.0]


def test_it_groups_the_articles_of_one_outlet(db):
    text = "The army said it captured {} Russian soldiers in Kursk."
    here, _ = article_import(
        title="Here",
        text=text.format(909),
        outlet="Kyiv Post",
        published=datetime.date(2025, 2, 7),
    )
    for n, outlet in enumerate(["Reuters", "Reuters", "AP"]):
        article_import(
            title=f"There {n}",
            text=text.format(909) + " " * (n + 1),
            outlet=outlet,
            published=datetime.date(2025, 2, 7),
        )
    lines = figures_elsewhere(article=here, start=0, end=len(here.text))
    assert len(lines) == 1
    outlets = {o.outlet: len(o.articles) for o in lines[0].outlets}
    assert outlets == {"Reuters": 2, "AP": 1}
    assert lines[0].judgement == "consistent" and lines[0].reasons == []


def test_it_has_nothing_for_a_stretch_without_figures(seeds):
    article = Article.objects.get(source_name="004_45da741d3fd11ef0.txt")
    assert figures_elsewhere(article=article, start=0, end=3) == []
