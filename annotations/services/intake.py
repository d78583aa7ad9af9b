"""Writes of the import page: a submission becomes one ImportItem per URL or file, each run
as a background task (annotations/tasks.py) that fetches or reads it, extracts the
article and stores it through article_import, updating the item's status and progress as
it goes so the page can show them."""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.importing import ArticleFileError, ParsedArticle, read_upload
from annotations.intake.fetching import read_url
from annotations.models import Article, ImportItem
from annotations.services.articles import article_import

logger = logging.getLogger(__name__)
DUPLICATE = ImportItem.Status.DUPLICATE


def import_batch_submit(
    *, user, urls: list[str], files: list[tuple[str, bytes]]
) -> tuple[uuid.UUID, list[ImportItem]]:
    """Queue one import per URL and file, in one transaction: all are queued or none."""
    batch = uuid.uuid4()
    with transaction.atomic():
        items = [ImportItem(batch=batch, requested_by=user, url=url) for url in urls]
        items += [
            ImportItem(batch=batch, requested_by=user, file_name=name, upload=raw)
            for name, raw in files
        ]
        for item in items:
            item.full_clean(exclude=["upload", "article"])
            item.save()
        # Imported here: the task module imports this one.
        from annotations.tasks import import_item_task

        for item in items:
            # The database backend stores the task in this transaction: a worker sees it
            # only once the items exist. (The immediate backend of the tests runs it now.)
            result = import_item_task.enqueue(item.pk)
            ImportItem.objects.filter(pk=item.pk).update(task_id=str(result.id)[:64])
    return batch, items


def import_item_run(*, item_id: int) -> str:
    """Run one import; returns its final status. Nothing of the article is stored unless
    it is stored whole (article_import is one transaction)."""
    item = ImportItem.objects.filter(pk=item_id).first()
    if item is None or item.finished:
        return item.status if item else "missing"
    try:
        _progress(item, 10, f"Fetching {item.url}" if item.url else f"Reading {item.file_name}")
        parsed = _read(item)
        _progress(item, 60, f"Found {len(parsed.paragraphs)} paragraphs; storing")
        kwargs = parsed.import_kwargs()
        if item.recheck_of_id:
            # A re-check is of this article: a changed text is its next revision even if
            # the page now names another canonical URL.
            kwargs["url"] = item.recheck_of.url
        # article_import decides: the same text as a stored article is that article (a
        # duplicate, not imported twice); a known article (same canonical URL, else same
        # source) with another text becomes its next revision; else a new article.
        article, created = article_import(**kwargs)
        if not created:
            why = f"same text as “{article.title}”"
            if parsed.url and parsed.url == article.url:
                why = f"same canonical URL and text as “{article.title}”"
            return _finish(item, DUPLICATE, f"Already imported ({why})", article)
        sentences = article.sentences.count()
        if article.revision > 1:
            status = ImportItem.Status.REVISED
            message = f"The page changed: revision {article.revision}, {sentences} sentences"
        else:
            status = ImportItem.Status.IMPORTED
            message = f"{sentences} sentences"
        note = "; ".join(parsed.warnings)
        return _finish(item, status, message + (f"; {note}" if note else ""), article)
    except ArticleFileError as exc:
        return _finish(item, ImportItem.Status.FAILED, str(exc))
    except ValidationError as exc:
        return _finish(item, ImportItem.Status.FAILED, "; ".join(exc.messages))
    except Exception:
        logger.exception("import of %s failed", item.source)
        _finish(item, ImportItem.Status.FAILED, "The import failed on the server; see its log.")
        raise


def articles_recheck_queue(*, articles) -> list[ImportItem]:
    """Queue a re-fetch of each article's page (current revisions with an http(s) URL, as
    selectors.articles_due_recheck picks them): each is an ImportItem run by the same task
    as an import, so a changed page becomes a revision exactly as a pasted URL does."""
    batch = uuid.uuid4()
    from annotations.tasks import import_item_task

    items = []
    with transaction.atomic():
        for article in articles:
            if article.next_revision_id is not None or not article.url.startswith(
                ("http://", "https://")
            ):
                continue
            item = ImportItem(batch=batch, url=article.url, recheck_of=article)
            # Nobody asked: the schedule did (and the import page lists only requesters' items).
            item.full_clean(exclude=["upload", "article", "recheck_of", "requested_by"])
            item.save()
            result = import_item_task.enqueue(item.pk)
            ImportItem.objects.filter(pk=item.pk).update(task_id=str(result.id)[:64])
            items.append(item)
    return items


def _read(item: ImportItem) -> ParsedArticle:
    if item.url:
        return read_url(item.url)
    return read_upload(bytes(item.upload or b""), name=item.file_name)


def _progress(item: ImportItem, percent: int, message: str) -> None:
    item.status, item.progress, item.message = ImportItem.Status.RUNNING, percent, message[:1000]
    ImportItem.objects.filter(pk=item.pk).update(
        status=item.status, progress=percent, message=item.message
    )


def _finish(item: ImportItem, status: str, message: str, article=None) -> str:
    # The uploaded bytes are not kept once read: the article holds what matters.
    ImportItem.objects.filter(pk=item.pk).update(
        status=status,
        progress=100,
        message=message[:1000],
        article=article,
        upload=None,
        finished_at=timezone.now(),
    )
    if item.recheck_of_id:
        _recheck_record(item, status, message, article)
    return status


def _recheck_record(item: ImportItem, status: str, message: str, article) -> None:
    """What a re-check found, on the article checked (and on its new revision, which the
    next run looks at): unchanged, a new revision, or refused with the reason. A refusal
    stores nothing else: the article stays as it was."""
    checked = item.recheck_of
    lineage = checked.first_revision_id or checked.pk
    same_article = article is not None and (article.first_revision_id or article.pk) == lineage
    if status == ImportItem.Status.DUPLICATE and same_article:
        outcome, message = "unchanged", "The page has not changed"
    elif status in (ImportItem.Status.REVISED, ImportItem.Status.IMPORTED) and same_article:
        outcome = "revised"
    elif status == ImportItem.Status.DUPLICATE:
        outcome = "refused"
        message = f"The page now has the text of another article ({message}); nothing stored"
    else:
        outcome = "refused"
    pks = {checked.pk} | ({article.pk} if same_article else set())
    Article.objects.filter(pk__in=pks).update(
        checked_at=timezone.now(), check_outcome=outcome, check_message=message[:1000]
    )
