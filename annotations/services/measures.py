"""Writes about measures: judging their figures again, renaming, joining, splitting."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations import selectors
from annotations.models import (
    Measure,
    Quantity,
)


def measures_judge(*, measure_ids: list[int]) -> None:
    """Judge each measure's figures again (rounding, update, conflict) and store it."""
    for judged in selectors.measure_judgements(
        measures=Measure.objects.filter(pk__in=measure_ids)
    ):
        Measure.objects.filter(pk=judged.measure.pk).update(
            judgement=judged.judgement, reasons="\n".join(judged.reasons)
        )


def _measure_name(name: str) -> str:
    """The name as stored, refused with a message when it cannot be stored as it is."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Name the new measure.")
    limit = Measure._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError(
            f"A measure name can be at most {limit} characters (this one has {len(name)})."
        )
    return name


def _manual_key(name: str) -> str:
    """The grouping key of a measure named by hand: "manual:" and the name in lower case,
    within the key's 200 characters. A longer one keeps its start, readable in the admin,
    and ends in a hash of the whole, so two long names that share their start stay two
    measures (lower() can also lengthen a name: "İ" becomes two characters)."""
    key = "manual:" + name.lower()
    limit = Measure._meta.get_field("key").max_length
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return key[: limit - len(digest) - 1] + "#" + digest


def _may_edit_measures(user: AbstractBaseUser) -> None:
    # Reviewers and moderators both fix how figures are grouped (issue: figures and time).
    if not user.has_perm("annotations.change_measure"):
        raise PermissionDenied("You cannot change measures.")


@transaction.atomic
def measure_rename(*, measure: Measure, name: str, user: AbstractBaseUser) -> Measure:
    _may_edit_measures(user)
    measure.name = _measure_name(name)
    measure.full_clean()
    measure._history_user = user
    measure.save(update_fields=["name"])
    return measure


@transaction.atomic
def measures_join(*, measures: list[Measure], into: Measure, user: AbstractBaseUser) -> Measure:
    """Put every figure of `measures` into `into` and remove the emptied measures."""
    _may_edit_measures(user)
    others = [m.pk for m in measures if m.pk != into.pk]
    # One by one, not a bulk update: each figure's move and each emptied measure is kept
    # in the history with who did it (a few figures, not thousands).
    _quantities_move(Quantity.objects.filter(measure_id__in=others), into=into, user=user)
    for emptied in Measure.objects.filter(pk__in=others):
        emptied._history_user = user
        emptied.delete()
    measures_judge(measure_ids=[into.pk])
    return into


@transaction.atomic
def measure_split(*, quantities: list[Quantity], name: str, user: AbstractBaseUser) -> Measure:
    """Move these figures out of their measures into a new one called `name`."""
    _may_edit_measures(user)
    name = _measure_name(name)
    # Validated before it is stored: PostgreSQL refuses an over-long value with an error.
    Measure(key=_manual_key(name), name=name).full_clean(validate_unique=False)
    measure, _ = Measure.objects.get_or_create(key=_manual_key(name), defaults={"name": name})
    measure.full_clean()
    touched = {q.measure_id for q in quantities if q.measure_id} | {measure.pk}
    _quantities_move(
        Quantity.objects.filter(pk__in=[q.pk for q in quantities]), into=measure, user=user
    )
    measures_judge(measure_ids=list(touched))
    return measure


def _quantities_move(quantities, *, into: Measure, user: AbstractBaseUser) -> None:
    for quantity in quantities:
        quantity.measure = into
        quantity._history_user = user
        quantity.save(update_fields=["measure"])
