"""Writes about articles: import (text, sentences, the figures they state) and revisions
(a changed text of an article already imported)."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q

from annotations.matching import embeddings
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
from annotations.services.revisions import spans_reanchor
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
    """Store an article and its sentences; (article, created). Same text twice: no-op.
    A known article (same url, else same source) with another text: a new revision of it,
    returned as created (article.revision > 1)."""
    digest = content_hash(text)
    existing = Article.objects.filter(content_hash=digest, next_revision=None).first()
    if existing is not None:
        return existing, False
    current = article_current_for(url=url, source_name=source_name)
    if current is not None:
        revised = article_revise(
            article=current,
            text=text,
            title=title,
            outlet=outlet,
            url=url,
            byline=byline,
            published=published,
            source_name=source_name,
            updated=updated,
            language=language[:35],
        )
        return revised, True
    earlier = Article.objects.filter(content_hash=digest).first()
    if earlier is not None:
        # The text of a replaced revision, under another name: the article it belongs to.
        return _current_revision(earlier), False
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
    _sentences_store(article)
    article_figures_store(article=article)
    return article, True


def _sentences_store(article: Article) -> None:
    Sentence.objects.bulk_create(
        Sentence(
            article=article,
            index=bounds.index,
            paragraph=bounds.paragraph,
            start=bounds.start,
            end=bounds.end,
            check_worthy=bounds.check_worthy,
        )
        for bounds in split_sentences(article.text)
    )


def article_current_for(*, url: str = "", source_name: str = "") -> Article | None:
    """The current revision of the article with this identity: its canonical url, else
    the source it was imported from."""
    current = Article.objects.filter(next_revision=None)
    if url:
        found = current.filter(url=url).order_by("pk").first()
        if found is not None:
            return found
    if source_name:
        return current.filter(source_name=source_name[:300]).order_by("pk").first()
    return None


def _current_revision(article: Article) -> Article:
    lineage = article.lineage_id
    return Article.objects.get(Q(pk=lineage) | Q(first_revision_id=lineage), next_revision=None)


@transaction.atomic
def article_revise(*, article: Article, text: str, **metadata) -> Article:
    """Store `text` as the next revision of `article` (its current one): new sentences and
    figures, every span re-anchored on it (services.revisions), the replaced revision kept
    read-only with its text and sentences. `metadata` (title, outlet, url, byline,
    published, source_name, ...) replaces what the new import states and keeps the rest.
    One transaction: a failure leaves the article as it was. The report of what happened
    to the spans is on the returned article as `reanchored`."""
    # Lock the current revision: two imports of the same change at once make one revision.
    old = Article.objects.select_for_update().get(pk=article.pk)
    if old.next_revision_id is not None:
        # Another import revised it between our reading it and locking it.
        raise ValidationError("The article was revised meanwhile: import the file again.")
    digest = content_hash(text)
    revised = Article(
        text=text,
        content_hash=digest,
        revision=old.revision + 1,
        first_revision_id=old.lineage_id,
    )
    for name in (
        "title",
        "outlet",
        "url",
        "byline",
        "published",
        "updated",
        "language",
        "source_name",
    ):
        setattr(revised, name, getattr(old, name))
    for name, value in metadata.items():
        if value not in ("", None):
            setattr(revised, name, value)
    revised.title, revised.source_name = revised.title[:500], revised.source_name[:300]
    revised.full_clean(validate_constraints=False)
    revised.save()
    Article.objects.filter(pk=old.pk).update(next_revision=revised)
    _sentences_store(revised)
    article_figures_store(article=revised)
    revised.reanchored = spans_reanchor(old=old, new=revised)
    _figures_retire(old)
    return revised


def _figures_retire(article: Article) -> None:
    """A replaced revision's figures stop counting in their measures (its text still
    states them, and the new revision's figures now speak for the article)."""
    measure_ids = list(
        Quantity.objects.filter(article=article)
        .exclude(measure=None)
        .values_list("measure_id", flat=True)
        .distinct()
    )
    Quantity.objects.filter(article=article).delete()
    if measure_ids:
        measures_judge(measure_ids=measure_ids)


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
            # out") joins the measure already stored, so the two figures get judged: by the
            # word rules, then by the sentence model of claim matching where they see two
            # (README, "Figures evaluation").
            key = measure_by_meaning(described, known, embeddings.similarity)[:200]
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
