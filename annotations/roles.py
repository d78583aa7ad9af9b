"""The two roles of DESIGN.md as Django groups, with the permissions their work needs."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

REVIEWERS = "Reviewers"
MODERATORS = "Moderators"

# Reviewers read articles, highlight, tag and link spans to claims. Ownership of a
# verdict is enforced by the services, not by these model-wide permissions.
REVIEWER_PERMISSIONS = [
    "view_article",
    "view_sentence",
    "add_span",
    "view_span",
    "change_span",
    "add_claim",
    "view_claim",
    "add_verdict",
    "change_verdict",
    "delete_verdict",
    "view_verdict",
    # Figures: reviewers rename, split and join measures too.
    "view_measure",
    "change_measure",
    "view_quantity",
    "change_quantity",
]
# Moderators work in the admin: everything on the domain, plus reviewer accounts.
MODERATOR_APP_LABELS = ["annotations"]
MODERATOR_AUTH_PERMISSIONS = ["view_user", "add_user", "change_user", "view_group"]


def groups_ensure() -> tuple[Group, Group]:
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    reviewers.permissions.set(
        Permission.objects.filter(
            content_type__app_label="annotations", codename__in=REVIEWER_PERMISSIONS
        )
    )
    moderators.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=MODERATOR_APP_LABELS)
            | Q(content_type__app_label="auth", codename__in=MODERATOR_AUTH_PERMISSIONS)
        )
    )
    return reviewers, moderators


def is_moderator(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=MODERATORS).exists()
    )
