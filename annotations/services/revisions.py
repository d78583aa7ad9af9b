"""Writes about revisions: carrying an article's spans (and so their verdicts) over to its
new revision, and the "changed since you reviewed" flags a reviewer clears.

A revision is a new Article row linked to the one it replaces (services.articles makes it);
the replaced row keeps its text, sentences and orphaned spans, read-only. Moving each span
row to the new revision keeps its verdicts, claim and history attached without copying
them: the span's history records where it was anchored before.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.models import (
    QUOTE_CONTEXT_LENGTH,
    AnchorStatus,
    Article,
    RevisionFlag,
    Sentence,
    Span,
    Verdict,
)
from annotations.services.history import change_reason_set
from annotations.text.anchoring import FUZZY, ORPHAN, Anchor, Quote, anchor_quote


@dataclass
class ReanchorReport:
    """What a revision did to the spans of the revision it replaced."""

    exact: list[int] = field(default_factory=list)
    fuzzy: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    flagged: int = 0  # reviewers' flags raised or updated

    def __str__(self) -> str:
        moved = len(self.exact) + len(self.fuzzy)
        return (
            f"{moved} highlight{'s' if moved != 1 else ''} re-anchored "
            f"({len(self.exact)} exact, {len(self.fuzzy)} approximate), "
            f"{len(self.orphaned)} orphaned, {self.flagged} reviewer flag"
            f"{'s' if self.flagged != 1 else ''} raised"
        )


def _sentence_text(text: str, sentences: list[Sentence], start: int, end: int) -> str:
    """The sentence(s) the stretch [start, end) lies in, as the reviewer read them: a span
    can cover part of a sentence or run over several."""
    if not sentences:
        return text[start:end]
    ends = [s.end for s in sentences]
    first = bisect.bisect_right(ends, start)
    last = first
    while last + 1 < len(sentences) and sentences[last + 1].start < end:
        last += 1
    if first >= len(sentences):
        return text[start:end]
    return text[min(start, sentences[first].start) : max(end, sentences[last].end)]


def _selectors(text: str, start: int, end: int) -> dict[str, str | int]:
    return {
        "start": start,
        "end": end,
        "exact": text[start:end],
        "prefix": text[max(0, start - QUOTE_CONTEXT_LENGTH) : start],
        "suffix": text[end : end + QUOTE_CONTEXT_LENGTH],
    }


def spans_reanchor(*, old: Article, new: Article) -> ReanchorReport:
    """Re-anchor every span of `old` on `new` (its next revision) by its selectors (see
    annotations.text.anchoring): found ones move to `new` with their verdicts, marked fuzzy
    when their quote was edited; the others stay on `old` as orphans. Each reviewer with a
    visible verdict on a span whose sentence changed (or went) gets a flag. The caller
    holds the transaction."""
    report = ReanchorReport()
    spans = list(Span.objects.select_for_update().filter(article=old).order_by("start", "end"))
    if not spans:
        return report
    old_sentences = list(old.sentences.order_by("start"))
    new_sentences = list(new.sentences.order_by("start"))
    reviewers: dict[int, list[int]] = defaultdict(list)
    # Hidden verdicts are left out: a moderator has set them aside, and their author
    # cannot edit them, so a re-check could never be done.
    for span_id, reviewer_id in Verdict.objects.filter(span__in=spans, hidden=False).values_list(
        "span_id", "reviewer_id"
    ):
        reviewers[span_id].append(reviewer_id)
    taken: set[tuple[int, int]] = set()
    changes: list[tuple[Span, str, str]] = []
    for span in spans:
        anchor = anchor_quote(
            new.text, Quote(span.start, span.end, span.exact, span.prefix, span.suffix)
        )
        if anchor.found and (anchor.start, anchor.end) in taken:
            # Two highlights landed on one stretch (say, both fuzzy on a rewritten
            # sentence): the database allows one span per stretch; the second is
            # orphaned, and so shown, rather than merged into the first one's verdicts.
            anchor = Anchor(ORPHAN, score=anchor.score)
        old_context = _sentence_text(old.text, old_sentences, span.start, span.end)
        if anchor.found:
            taken.add((anchor.start, anchor.end))
            new_context = _sentence_text(new.text, new_sentences, anchor.start, anchor.end)
            fuzzy = anchor.method == FUZZY or span.anchor_status == AnchorStatus.FUZZY
            for name, value in _selectors(new.text, anchor.start, anchor.end).items():
                setattr(span, name, value)
            span.article = new
            if anchor.method == FUZZY:
                span.anchor_score = round(anchor.score, 1)
            span.anchor_status = AnchorStatus.FUZZY if fuzzy else AnchorStatus.EXACT
            (report.fuzzy if fuzzy else report.exact).append(span.pk)
            how = f"fuzzy, {anchor.score:.0f} % alike" if anchor.method == FUZZY else "exact"
            reason = f"re-anchored on revision {new.revision} ({how})"
        else:
            new_context = ""
            span.anchor_status = AnchorStatus.ORPHAN
            span.anchor_score = round(anchor.score, 1)
            report.orphaned.append(span.pk)
            reason = f"orphaned by revision {new.revision}: its text is gone"
        change_reason_set(span, reason)
        span.save()
        if old_context != new_context:
            changes.append((span, old_context, new_context))
    report.flagged = _flags_raise(changes=changes, reviewers=reviewers, revision=new)
    return report


def _flags_raise(
    *, changes: list[tuple[Span, str, str]], reviewers: dict[int, list[int]], revision: Article
) -> int:
    pending = {
        (flag.reviewer_id, flag.span_id): flag
        for flag in RevisionFlag.objects.select_for_update().filter(
            span__in=[span for span, _, _ in changes], status__in=RevisionFlag.PENDING
        )
    }
    raised = 0
    for span, old_text, new_text in changes:
        for reviewer_id in reviewers.get(span.pk, []):
            flag = pending.get((reviewer_id, span.pk))
            if flag is None:
                # What the reviewer judged is the text before this revision.
                flag = RevisionFlag(reviewer_id=reviewer_id, span=span, old_text=old_text)
            # A flag still pending from an earlier revision keeps the text they judged
            # and now shows the latest; "re-check" asked before is asked again.
            flag.revision = revision
            flag.new_text = new_text
            flag.status = RevisionFlag.Status.OPEN
            change_reason_set(flag, f"revision {revision.revision} changed the sentence")
            flag.save()
            raised += 1
    return raised


@transaction.atomic
def revision_flag_resolve(
    *, flag: RevisionFlag, reviewer: AbstractBaseUser, status: str
) -> RevisionFlag:
    """The reviewer's answer to "changed since you reviewed": "holds" (their verdict still
    holds for the new text) or "recheck" (they will look again: the flag stays pending
    until they save a verdict on the span). Only the flag's reviewer answers it."""
    flag = RevisionFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.reviewer_id != reviewer.pk:
        raise PermissionDenied("Only the reviewer it was raised for can answer this flag.")
    if status not in (RevisionFlag.Status.HOLDS, RevisionFlag.Status.RECHECK):
        raise ValidationError({"status": f"Unknown answer {status!r}."}, code="status")
    if flag.status not in RevisionFlag.PENDING:
        raise ValidationError("This change has already been answered.", code="answered")
    if status == RevisionFlag.Status.RECHECK and flag.removed:
        # An orphan has no place in the current text to re-check it on: the reviewer
        # notes it ("holds": the verdict stands for the text as it was).
        raise ValidationError(
            "The sentence was removed: there is nothing to re-check it on.", code="removed"
        )
    flag.status = status
    flag.resolved_at = timezone.now() if status == RevisionFlag.Status.HOLDS else None
    flag._history_user = reviewer
    flag.save()
    return flag


def revision_flags_rechecked(*, span_ids: list[int], reviewer: AbstractBaseUser) -> None:
    """Saving (or withdrawing) a verdict answers the reviewer's pending flags on those
    spans: they have looked at the new text."""
    for flag in RevisionFlag.objects.filter(
        span_id__in=span_ids, reviewer=reviewer, status__in=RevisionFlag.PENDING
    ):
        flag.status = RevisionFlag.Status.RECHECKED
        flag.resolved_at = timezone.now()
        flag._history_user = reviewer
        flag.save()
