"""Writes about origins: moderators merge the spellings of one origin by hand, split them
apart again, or leave them to the automatic rule (annotations.rules.origins). Each is
stored on the spelling's OriginName with who and when, and kept in its history."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.models import OriginName
from annotations.rules.origins import spelling_key
from annotations.selectors.origins import origin_spellings
from annotations.services.history import change_reason_set
from annotations.services.moderation import _as_moderator


def origin_names_record() -> int:
    """Give every spelling in use (claims' origins, visible "attributed to") its
    OriginName, so that moderators can pick it; returns how many were new. Recording a
    spelling decides nothing (the rule still groups it), so it is not a change to keep
    in history: bulk_create writes none."""
    known = set(OriginName.objects.values_list("key", flat=True))
    new = [
        OriginName(name=name[:300], key=key[:300])
        for key, (name, _) in origin_spellings().items()
        if key[:300] not in known
    ]
    OriginName.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _stands_for(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Choose the name that stands for the merged origin.")
    field = OriginName._meta.get_field("stands_for")
    if len(name) > field.max_length:
        raise ValidationError(f"An origin's name can be at most {field.max_length} characters.")
    for validator in field.validators:
        validator(name)
    return name


def _decide(names: list[OriginName], stands_for: str, moderator, reason: str) -> None:
    now = timezone.now()
    for origin_name in names:
        origin_name.stands_for = stands_for
        origin_name.decided_by = moderator if stands_for else None
        origin_name.decided_at = now if stands_for else None
        origin_name._history_user = moderator
        change_reason_set(origin_name, reason)
        origin_name.save()


@transaction.atomic
def origins_merge(
    *, origin_names: list[OriginName], stands_for: str, moderator: AbstractBaseUser
) -> list[OriginName]:
    """Make these spellings one origin named `stands_for` (one of them, or a name of the
    moderator's own). Spellings already merged by hand with one of them come along: a
    merge joins whole origins, never half of one."""
    _as_moderator(moderator)
    stands_for = _stands_for(stands_for)
    if len(origin_names) < 2 and not (
        origin_names and spelling_key(origin_names[0].name) != spelling_key(stands_for)
    ):
        raise ValidationError("Choose at least two spellings to merge, or name the origin.")
    ids = [n.pk for n in origin_names]
    chosen = list(OriginName.objects.select_for_update().filter(pk__in=ids))
    standing = {n.stands_for for n in chosen if n.stands_for}
    names = chosen + list(
        OriginName.objects.select_for_update().filter(stands_for__in=standing).exclude(pk__in=ids)
    )
    _decide(names, stands_for, moderator, f"merged as {stands_for}")
    return names


@transaction.atomic
def origins_split(
    *, origin_names: list[OriginName], moderator: AbstractBaseUser
) -> list[OriginName]:
    """Undo a merge: each of these spellings stands for itself, whatever the rule would
    group it with (a moderator's decision too, so it wins over the rule)."""
    _as_moderator(moderator)
    if not origin_names:
        raise ValidationError("Choose the spellings to split off.")
    names = list(
        OriginName.objects.select_for_update().filter(pk__in=[n.pk for n in origin_names])
    )
    for origin_name in names:
        _decide([origin_name], origin_name.name, moderator, "split: stands on its own")
    return names


@transaction.atomic
def origins_undecide(
    *, origin_names: list[OriginName], moderator: AbstractBaseUser
) -> list[OriginName]:
    """Withdraw the moderators' decision about these spellings: the rule groups them again."""
    _as_moderator(moderator)
    names = list(
        OriginName.objects.select_for_update().filter(pk__in=[n.pk for n in origin_names])
    )
    _decide(names, "", moderator, "left to the automatic rule")
    return names
