"""The seed corpus is the first test of every feature (DESIGN.md)."""

from __future__ import annotations

import pytest

from annotations.models import Article, Sentence

# The "captured 909 Russian soldiers" claim, as each of the four outlets words it.
CAPTURED_909 = {
    "000_10b702348d2e2354.txt": (
        "Over the past six months, Ukrainian Armed Forces have captured 909 Russian soldiers "
        "in Russia's Kursk region, significantly enhancing their prisoner exchange leverage, "
        "according to the General Staff of the Armed Forces of Ukraine on Facebook."
    ),
    "001_454f1f5ab894978e.txt": (
        "Additionally, Ukrainian forces have captured 909 Russian soldiers, significantly "
        "bolstering the prisoner exchange fund."
    ),
    "002_b7b6b312993bfb6a.txt": (
        "During the operation, Ukrainian forces captured 909 Russian soldiers, significantly "
        "boosting Ukraine’s prisoner-exchange pool and enabling the return of hundreds of "
        "Ukrainian defenders held in Russian captivity, the General Staff outlined."
    ),
    "003_565abf9300d44fce.txt": (
        "On top of that, Ukrainian forces have captured 909 Russian soldiers, further "
        "strengthening Ukraine’s leverage in potential prisoner exchanges."
    ),
}


def test_it_imports_the_five_seed_articles(seeds):
    assert len(seeds) == 5
    assert all(article.sentences.exists() for article in seeds)


def test_it_stores_every_sentence_as_an_exact_slice_of_the_text(seeds):
    for article in seeds:
        for sentence in article.sentences.all():
            piece = article.text[sentence.start : sentence.end]
            assert piece == sentence.text
            assert piece == piece.strip() and piece


def test_no_sentence_crosses_a_paragraph_break(seeds):
    for article in seeds:
        sentences = list(article.sentences.all())
        for sentence in sentences:
            assert "\n" not in article.text[sentence.start : sentence.end]
        # Paragraph numbers only grow, and every sentence boundary keeps text order.
        for before, after in zip(sentences, sentences[1:], strict=False):
            assert before.end <= after.start
            assert before.paragraph <= after.paragraph
            between = article.text[before.end : after.start]
            assert ("\n" in between) == (after.paragraph != before.paragraph)


@pytest.mark.parametrize(("source_name", "wording"), CAPTURED_909.items())
def test_the_909_claim_is_one_whole_sentence_in_each_outlet(seeds, source_name, wording):
    article = Article.objects.get(source_name=source_name)
    texts = [s.text for s in article.sentences.all() if "909 Russian soldiers" in s.text]
    assert wording in texts


def test_it_keeps_metadata_the_text_states_and_invents_none(seeds):
    by_source = {a.source_name: a for a in seeds}
    first = by_source["000_10b702348d2e2354.txt"]
    assert str(first.published) == "2025-02-07"
    assert first.title.startswith("Ukrainian Forces capture 909 Russian troops")
    assert not first.text.startswith("date "), "the date marker is metadata, not prose"
    assert by_source["003_565abf9300d44fce.txt"].byline == "Camilla Jessen"
    assert str(by_source["004_45da741d3fd11ef0.txt"].published) == "2024-11-06"
    assert by_source["001_454f1f5ab894978e.txt"].published is None
    assert all(a.outlet == "" and a.url == "" for a in seeds)


def test_it_dims_page_furniture(seeds):
    furniture = {"Advertisement", "Trending Now", "Photo: Wikimedia Commons", "News"}
    for sentence in Sentence.objects.select_related("article"):
        if sentence.text in furniture:
            assert not sentence.check_worthy, sentence.text
    assert Sentence.objects.filter(check_worthy=False).count() >= 10
