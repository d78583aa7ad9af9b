"""Writes. Every change to the domain goes through one of these functions.

Keyword-only, typed, named <entity>_<action>. Each validates with full_clean() before
saving and runs multi-row writes in one transaction; the database constraints are the
last line behind them.
"""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.models import (
    QUOTE_CONTEXT_LENGTH,
    Article,
    Claim,
    Label,
    Measure,
    Quantity,
    Sentence,
    Span,
    Verdict,
)
from annotations.rules.figures import as_of_date, measure_key
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


def article_figures_store(*, article: Article) -> list[Quantity]:
    """Find and store every figure of the article's sentences, each with its measure and
    the date it holds for, so no page recomputes them."""
    found = []
    keys: dict[str, str] = {}
    for sentence in article.sentences.all():
        text = article.text[sentence.start : sentence.end]
        for quantity in extract_quantities(text):
            measure = measure_key(quantity, text)
            if measure is None:
                continue
            key, name = measure
            keys[key] = name
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


def measures_judge(*, measure_ids: list[int]) -> None:
    """Judge each measure's figures again (rounding, update, conflict) and store it."""
    from annotations.selectors import measure_judgements

    for judged in measure_judgements(measures=Measure.objects.filter(pk__in=measure_ids)):
        Measure.objects.filter(pk=judged.measure.pk).update(
            judgement=judged.judgement, reasons="\n".join(judged.reasons)
        )


def _quote_selector(text: str, start: int, end: int) -> dict[str, str]:
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - QUOTE_CONTEXT_LENGTH) : start],
        "suffix": text[end : end + QUOTE_CONTEXT_LENGTH],
    }


def span_validate(*, article: Article, start: int, end: int, exact: str) -> None:
    """Raise ValidationError unless [start, end) is a non-empty stretch of the text
    whose characters are exactly `exact`. Offsets count Unicode code points."""
    length = len(article.text)
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValidationError("Offsets must be whole numbers.", code="offsets")
    if start < 0 or end > length:
        raise ValidationError(
            f"Offsets {start}–{end} fall outside the article (0–{length}).", code="range"
        )
    if start >= end:
        raise ValidationError("A span must end after it starts.", code="reversed")
    if article.text[start:end] != exact:
        raise ValidationError(
            "The quoted text does not match the article at those offsets.", code="quote"
        )


@transaction.atomic
def span_get_or_create(
    *, article: Article, start: int, end: int, exact: str, created_by: AbstractBaseUser | None
) -> Span:
    """The span at exactly these offsets, created (with its quote selector) if new."""
    span_validate(article=article, start=start, end=end, exact=exact)
    span = Span.objects.filter(article=article, start=start, end=end).first()
    if span is not None:
        return span
    span = Span(
        article=article,
        start=start,
        end=end,
        created_by=created_by,
        **_quote_selector(article.text, start, end),
    )
    span.full_clean(validate_unique=False)
    try:
        # A savepoint, so that losing a race to another request leaves the outer
        # transaction usable and we return the winner's span.
        with transaction.atomic():
            span.save()
    except IntegrityError:
        return Span.objects.get(article=article, start=start, end=end)
    return span


@transaction.atomic
def verdict_set(
    *,
    span: Span,
    reviewer: AbstractBaseUser,
    label: str,
    note: str = "",
    evidence_url: str = "",
    attributed_to: str = "",
) -> Verdict:
    """Create or update `reviewer`'s verdict on `span`. Only its author ever changes it:
    the verdict is looked up by (span, reviewer), so no other reviewer's row is reachable."""
    note = note.strip()
    evidence_url = evidence_url.strip()
    attributed_to = " ".join(attributed_to.split())
    if label not in Label.values:
        raise ValidationError({"label": f"Unknown label {label!r}."}, code="label")
    if label == Label.ATTRIBUTED and not attributed_to:
        raise ValidationError(
            {"attributed_to": "Say who the article attributes this to."}, code="required"
        )
    # Lock the row (where the database can) so two tabs saving at once serialise.
    verdict = Verdict.objects.select_for_update().filter(span=span, reviewer=reviewer).first()
    if verdict is None:
        verdict = Verdict(span=span, reviewer=reviewer)
    elif verdict.hidden:
        raise PermissionDenied("A moderator has hidden this verdict; it cannot be edited.")
    verdict.label = label
    verdict.note = note
    verdict.evidence_url = evidence_url
    verdict.attributed_to = attributed_to
    # Field validators give the friendly messages; the constraints are left to the
    # database, which checks them on save anyway, instead of one query each here.
    verdict.full_clean(validate_unique=False, validate_constraints=False)
    verdict._history_user = reviewer
    try:
        with transaction.atomic():
            verdict.save()
    except IntegrityError:
        # Two requests created the same (span, reviewer) at once and the other one won:
        # apply this one as an update of that row instead of failing. Any other
        # violation has no such row and is raised as it is.
        winner = Verdict.objects.select_for_update().filter(span=span, reviewer=reviewer).first()
        if winner is None or verdict.pk is not None:
            raise
        winner.label, winner.note = label, note
        winner.evidence_url, winner.attributed_to = evidence_url, attributed_to
        winner._history_user = reviewer
        winner.save()
        verdict = winner
    return verdict


@transaction.atomic
def verdict_withdraw(*, verdict: Verdict, reviewer: AbstractBaseUser) -> None:
    """Delete the reviewer's own verdict. The deletion is kept in the verdict history."""
    if verdict.reviewer_id != reviewer.pk:
        raise PermissionDenied("Only its author can withdraw a verdict.")
    if verdict.hidden:
        raise PermissionDenied("A moderator has hidden this verdict; it cannot be withdrawn.")
    verdict._history_user = reviewer
    verdict.delete()


def claim_create(
    *,
    text: str,
    created_by: AbstractBaseUser | None,
    origin: str = "",
    as_of: datetime.date | None = None,
) -> Claim:
    claim = Claim(
        text=" ".join(text.split()),
        origin=" ".join(origin.split()),
        as_of=as_of,
        created_by=created_by,
    )
    claim.full_clean()
    claim._history_user = created_by
    claim.save()
    return claim


@transaction.atomic
def span_link_claim(*, span: Span, claim: Claim | None, user: AbstractBaseUser) -> Span:
    """Attach the span to `claim` (or detach it with None); recorded in the span history."""
    span = Span.objects.select_for_update().get(pk=span.pk)
    span.claim = claim
    span._history_user = user
    span.save(update_fields=["claim"])
    return span


@transaction.atomic
def verdict_record(
    *,
    article: Article,
    start: int,
    end: int,
    exact: str,
    reviewer: AbstractBaseUser,
    label: str,
    note: str = "",
    evidence_url: str = "",
    attributed_to: str = "",
    claim: Claim | None = None,
    new_claim_text: str = "",
) -> Verdict:
    """What saving the panel does: find or create the span, make sure it belongs to a claim
    (the chosen one, else a new claim from the given text or the quote), set my verdict.
    One transaction: a refused verdict leaves no new span or claim behind."""
    span = span_get_or_create(
        article=article, start=start, end=end, exact=exact, created_by=reviewer
    )
    # Lock the span so that two tabs saving at once do not both create a claim for it.
    span = Span.objects.select_for_update().get(pk=span.pk)
    if span.claim_id is None:
        if claim is None:
            # The origin is left for moderators: filled from this verdict it would show
            # the next reviewer how the first one voted, before they vote (blind review).
            claim = claim_create(text=new_claim_text.strip() or exact, created_by=reviewer)
        span = span_link_claim(span=span, claim=claim, user=reviewer)
    return verdict_set(
        span=span,
        reviewer=reviewer,
        label=label,
        note=note,
        evidence_url=evidence_url,
        attributed_to=attributed_to,
    )


# --- moderation ------------------------------------------------------------------------------


def _as_moderator(user: AbstractBaseUser) -> None:
    from annotations.roles import is_moderator

    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do this.")


@transaction.atomic
def ruling_publish(
    *, claim: Claim, moderator: AbstractBaseUser, label: str, rationale: str
) -> Claim:
    """Publish a ruling. A verified or disputed ruling needs at least two reviewers and at
    least one evidenced verdict behind it (hidden verdicts do not count)."""
    _as_moderator(moderator)
    from annotations.selectors import claims_annotated

    if label not in Label.values:
        raise ValidationError({"ruling": f"Unknown label {label!r}."})
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"ruling_note": "Write the rationale readers will see."})
    counted = claims_annotated(Claim.objects.filter(pk=claim.pk)).get()
    if label in (Label.VERIFIED, Label.DISPUTED):
        if counted.reviewer_count < 2:
            raise ValidationError(
                f"A {label} ruling needs verdicts from at least two reviewers "
                f"(this claim has {counted.reviewer_count})."
            )
        if counted.evidenced < 1:
            raise ValidationError(
                f"A {label} ruling needs at least one verdict with evidence; none has any."
            )
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.ruling, claim.ruling_note = label, rationale
    claim.status = Claim.Status.RESOLVED
    claim.ruled_by, claim.ruled_at = moderator, timezone.now()
    claim.full_clean()
    claim._history_user = moderator
    claim._change_reason = f"ruling published: {label}"
    claim.save()
    return claim


@transaction.atomic
def claim_reopen(*, claim: Claim, moderator: AbstractBaseUser) -> Claim:
    _as_moderator(moderator)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.status, claim.ruling, claim.ruling_note = Claim.Status.OPEN, "", ""
    claim.ruled_by, claim.ruled_at = None, None
    claim._history_user = moderator
    claim._change_reason = "reopened"
    claim.save()
    return claim


@transaction.atomic
def claim_merge(*, claims: list[Claim], into: Claim, moderator: AbstractBaseUser) -> Claim:
    """Move every span (and so every verdict) of `claims` to `into`. The merged claims are
    kept, resolved, with a note naming the claim they went into; all of it in history."""
    _as_moderator(moderator)
    others = [c for c in claims if c.pk != into.pk]
    if not others:
        raise ValidationError("Choose at least two claims to merge.")
    for span in Span.objects.select_for_update().filter(claim__in=others):
        span.claim = into
        span._history_user = moderator
        span._change_reason = f"claim merged into #{into.pk}"
        span.save(update_fields=["claim"])
    for claim in others:
        claim.status = Claim.Status.RESOLVED
        claim.ruling_note = f"Merged into claim #{into.pk}."
        claim._history_user = moderator
        claim._change_reason = f"merged into #{into.pk}"
        claim.save()
    into = Claim.objects.get(pk=into.pk)
    into._history_user = moderator
    into._change_reason = "merged " + ", ".join(f"#{c.pk}" for c in others)
    into.save()
    return into


@transaction.atomic
def verdict_hide(*, verdict: Verdict, moderator: AbstractBaseUser, reason: str) -> Verdict:
    """Hide a verdict from every count and page; it is kept, with the reason, in history."""
    _as_moderator(moderator)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"hidden_reason": "Say why the verdict is hidden."})
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    verdict.hidden, verdict.hidden_reason = True, reason
    verdict.full_clean(validate_unique=False, validate_constraints=False)
    verdict._history_user = moderator
    verdict._change_reason = f"hidden: {reason}"
    verdict.save()
    return verdict


@transaction.atomic
def verdict_unhide(*, verdict: Verdict, moderator: AbstractBaseUser) -> Verdict:
    _as_moderator(moderator)
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    verdict.hidden, verdict.hidden_reason = False, ""
    verdict._history_user = moderator
    verdict._change_reason = "unhidden"
    verdict.save()
    return verdict


@transaction.atomic
def span_move(*, span: Span, claim: Claim, user: AbstractBaseUser) -> Span:
    """Move a span to another claim (reviewers and moderators); recorded in history."""
    if not user.has_perm("annotations.change_span"):
        raise PermissionDenied("You cannot move highlights between claims.")
    return span_link_claim(span=span, claim=claim, user=user)


@transaction.atomic
def claim_supersede(*, claim: Claim, by: Claim, moderator: AbstractBaseUser) -> Claim:
    """Mark `claim` as superseded by the newer `by` (717 → 909); both stay, linked."""
    _as_moderator(moderator)
    if claim.pk == by.pk:
        raise ValidationError("A claim cannot supersede itself.")
    newer = Claim.objects.get(pk=by.pk)
    while newer is not None:  # refuse a cycle: 909 superseded by 717 superseded by 909
        if newer.superseded_by_id == claim.pk:
            raise ValidationError("That claim is already superseded by this one.")
        newer = newer.superseded_by
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.superseded_by = by
    claim._history_user = moderator
    claim._change_reason = f"superseded by #{by.pk}"
    claim.save()
    return claim


def _may_edit_measures(user: AbstractBaseUser) -> None:
    # Reviewers and moderators both fix how figures are grouped (issue: figures and time).
    if not user.has_perm("annotations.change_measure"):
        raise PermissionDenied("You cannot change measures.")


@transaction.atomic
def measure_rename(*, measure: Measure, name: str, user: AbstractBaseUser) -> Measure:
    _may_edit_measures(user)
    measure.name = " ".join(name.split())
    measure.full_clean()
    measure.save(update_fields=["name"])
    return measure


@transaction.atomic
def measures_join(*, measures: list[Measure], into: Measure, user: AbstractBaseUser) -> Measure:
    """Put every figure of `measures` into `into` and remove the emptied measures."""
    _may_edit_measures(user)
    others = [m.pk for m in measures if m.pk != into.pk]
    Quantity.objects.filter(measure_id__in=others).update(measure=into)
    Measure.objects.filter(pk__in=others).delete()
    measures_judge(measure_ids=[into.pk])
    return into


@transaction.atomic
def measure_split(*, quantities: list[Quantity], name: str, user: AbstractBaseUser) -> Measure:
    """Move these figures out of their measures into a new one called `name`."""
    _may_edit_measures(user)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Name the new measure.")
    key = "manual:" + name.lower()
    measure, _ = Measure.objects.get_or_create(key=key, defaults={"name": name})
    measure.full_clean()
    touched = {q.measure_id for q in quantities if q.measure_id} | {measure.pk}
    Quantity.objects.filter(pk__in=[q.pk for q in quantities]).update(measure=measure)
    measures_judge(measure_ids=list(touched))
    return measure
