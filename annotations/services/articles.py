"""Writes about articles: import (text, sentences, the figures they state)."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

from django.db import transaction
from django.db.models import Min

from annotations.models import (
    Article,
    Measure,
    Quantity,
    Sentence,
)
from annotations.rules.figures import (
    Described,
    as_of_date,
    describe,
    measure_by_meaning,
    measure_key,
)
from annotations.services.measures import measures_judge
from annotations.text.quantities import Quantity as Found
from annotations.text.quantities import extract_quantities
from annotations.text.sentences import split_sentences


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def article_import(
    *,
    text: str,
    title: str,
    outlet: str = "",
    url: str = "",
    byline: str = "",
    published: datetime.date | None = None,
    source_name: str = "",
    updated: datetime.date | None = None,
    language: str = "",
) -> tuple[Article, bool]:
    """Store an article and its sentences; (article, created). Same text twice: no-op."""
    digest = content_hash(text)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    article = Article(
        text=text,
        title=title[:500],
        outlet=outlet,
        url=url,
        byline=byline,
        published=published,
        updated=updated,
        language=language[:35],
        source_name=source_name[:300],
        content_hash=digest,
    )
    article.full_clean()
    article.save()
    Sentence.objects.bulk_create(
        Sentence(
            article=article,
            index=bounds.index,
            paragraph=bounds.paragraph,
            start=bounds.start,
            end=bounds.end,
            check_worthy=bounds.check_worthy,
        )
        for bounds in split_sentences(text)
    )
    article_figures_store(article=article)
    return article, True


def _figures_described() -> list[Described]:
    """One stored figure per measure (its first), described by counted thing and event,
    to group a new figure by meaning: one per measure keeps an import from reading every
    figure ever stored."""
    first = (
        Quantity.objects.exclude(measure=None).values("measure_id").annotate(first_id=Min("id"))
    )
    described = []
    for stored in Quantity.objects.select_related("sentence", "measure").filter(
        id__in=first.values("first_id")
    ):
        sentence = stored.sentence.text
        offset = stored.sentence.start
        found = Found(
            start=stored.start - offset,
            end=stored.end - offset,
            text=sentence[stored.start - offset : stored.end - offset],
            value=stored.value,
            high=stored.high,
            qualifier=stored.qualifier,
            counted=stored.counted,
            percent=stored.percent,
        )
        described.append(describe(found, sentence, stored.measure.key))
    return described


def article_figures_store(*, article: Article) -> list[Quantity]:
    """Find and store every figure of the article's sentences, each with its measure and
    the date it holds for, so no page recomputes them."""
    found = []
    keys: dict[str, str] = {}
    known: list[Described] | None = None
    for sentence in article.sentences.all():
        text = article.text[sentence.start : sentence.end]
        for quantity in extract_quantities(text):
            measure = measure_key(quantity, text)
            if measure is None:
                continue
            key, name = measure
            described = describe(quantity, text, key)
            if known is None:
                known = _figures_described()
            # The same measure worded otherwise ("people evacuated" vs "people were moved
            # out") joins the measure already stored, so the two figures get judged.
            key = measure_by_meaning(described, known)[:200]
            known.append(dataclasses.replace(described, key=key))
            keys.setdefault(key, name)
            as_of, stated = as_of_date(text, article.published)
            found.append((sentence, quantity, key, as_of, stated))
    measures = {m.key: m for m in Measure.objects.filter(key__in=keys)}
    for key, name in keys.items():
        if key not in measures:
            measures[key], _ = Measure.objects.get_or_create(key=key, defaults={"name": name})
    stored = Quantity.objects.bulk_create(
        Quantity(
            article=article,
            sentence=sentence,
            start=sentence.start + quantity.start,
            end=sentence.start + quantity.end,
            value=quantity.value,
            high=quantity.high,
            qualifier=quantity.qualifier,
            counted=quantity.counted[:200],
            percent=quantity.percent,
            as_of=as_of,
            as_of_stated=stated,
            measure=measures[key],
        )
        for sentence, quantity, key, as_of, stated in found
    )
    measures_judge(measure_ids=[m.pk for m in measures.values()])
    return stored
