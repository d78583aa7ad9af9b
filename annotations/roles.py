"""Who may do what: the two roles of DESIGN.md as Django groups, the permissions their
work needs, and the small predicates every admin class and view asks instead of deciding
again. Superusers run the site; moderators moderate and look after reviewer accounts;
reviewers review."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

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
# Moderators work in the admin on the whole domain, but delete nothing in it: verdicts
# are hidden, claims merged, measures joined, articles and sentences are frozen at import,
# and spans carry verdicts. History is never deleted either.
MODERATOR_APP_LABELS = ["annotations"]
# Reviewer accounts only; the account admin narrows these to what may_manage_account
# allows. No group or permission access: nothing a moderator does raises a privilege.
MODERATOR_AUTH_PERMISSIONS = ["view_user", "add_user", "change_user"]


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
        ).exclude(codename__startswith="delete_")
    )
    return reviewers, moderators


def make_reviewer(user) -> None:
    reviewers, _ = groups_ensure()
    user.groups.add(reviewers)


def _in_moderators(user) -> bool:
    return user.groups.filter(name=MODERATORS).exists()


def is_moderator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or _in_moderators(user))


def may_give_verdicts(user) -> bool:
    """Give, change and withdraw one's own verdicts: reviewers, and moderators, since a
    moderator who votes on a span is a reviewer there. Whose verdict a request may touch
    is decided by the services (always the requester's own)."""
    return user.is_authenticated and user.has_perm("annotations.add_verdict")


def may_move_span(user, voter_ids: set[int]) -> bool:
    """Moderators move any highlight to another claim. A reviewer moves only a highlight
    whose verdicts are all their own (`voter_ids`: who has a verdict on it): moving it
    changes which claim the others' verdicts count for, and through the claim it joins
    would show the mover verdicts they have not earned the sight of (blind review). A
    reviewer with no verdict on it is refused whoever else tagged it, so the refusal
    itself says nothing of the others."""
    # The sole-voter answer needs no query; only the others ask for the role.
    return voter_ids == {user.pk} or is_moderator(user)


def moderator_required(view):
    """For views outside the admin that only moderators may see (they would unblind
    reviewers): anonymous users are sent to log in, everyone else who is not a moderator
    is refused. The same is_moderator the rest of the app asks, not the staff flag."""

    @wraps(view)
    @login_required
    def checked(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise PermissionDenied("Only moderators can see this.")
        return view(request, *args, **kwargs)

    return checked


def is_reviewer_account(user) -> bool:
    """A plain reviewer: no staff flag, no superuser, not a moderator."""
    return not user.is_staff and not user.is_superuser and not _in_moderators(user)


def reviewer_accounts(users: QuerySet) -> QuerySet:
    """The accounts of `users` that is_reviewer_account accepts, as one query."""
    return users.filter(is_staff=False, is_superuser=False).exclude(groups__name=MODERATORS)


def may_change_privileges(actor) -> bool:
    """Staff and superuser flags, groups, permissions and passwords set directly: only a
    superuser, so that no moderator can raise anyone's privileges, her own included."""
    return actor.is_active and actor.is_superuser


def may_manage_account(actor, target) -> bool:
    """Create, (de)activate and send a password-reset e-mail. A moderator may do it for
    reviewers only: never for herself, another moderator or a superuser."""
    if may_change_privileges(actor):
        return True
    return (
        actor.is_active
        and is_moderator(actor)
        and actor.pk != target.pk
        and is_reviewer_account(target)
    )


def may_delete_in_admin(actor, obj=None) -> bool:
    """Nothing of the fact-checking domain is deleted through the admin, by anyone: a
    verdict is hidden, a claim merged or superseded, a measure joined, an article frozen
    once imported (a new text is a new revision), and history is what makes every change
    recoverable."""
    return False


def may_revert_history(actor) -> bool:
    """No history revert anywhere: verdicts are their reviewers', and a ruling, merge or
    hide is undone by the action that does the opposite, which lands in history too."""
    return False


def may_import_articles(user) -> bool:
    """The import page (files and URLs): moderators, and any reviewer given the permission
    "Can import articles from files and URLs" (annotations.import_articles) in the admin."""
    return (
        user.is_authenticated and user.is_active and user.has_perm("annotations.import_articles")
    )


def import_permission_required(view):
    """Anonymous users are sent to log in; signed-in users without the right are refused."""

    @wraps(view)
    @login_required
    def checked(request, *args, **kwargs):
        if not may_import_articles(request.user):
            raise PermissionDenied("Importing articles needs the import permission.")
        return view(request, *args, **kwargs)

    return checked
