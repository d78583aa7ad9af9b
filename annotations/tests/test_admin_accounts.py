"""Accounts in the admin (issue #8, defect 1): a moderator creates reviewer accounts,
(de)activates them and sends a set-password e-mail, and can raise nobody's privileges —
her own included. Superusers keep Django's full user admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from annotations.roles import MODERATORS, REVIEWERS


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    client.csrf = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def mona(django_user_model, groups):
    """A second moderator."""
    user = django_user_model.objects.create_user("mona", password="mona-password", is_staff=True)
    user.groups.add(groups[1])
    return user


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-password")


def _privileges(user):
    user.refresh_from_db()
    return (
        user.is_staff,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
        user.password,
        user.email,
        user.username,
    )


def _escalation(user, groups) -> dict:
    """Everything Django's stock change form takes, set to the most it can give."""
    return {
        "username": user.username,
        "email": "taken-over@example.org",
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [g.pk for g in groups],
        "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:20]),
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "password": "md5$x$y",
    }


@pytest.mark.parametrize("target", ["herself", "reviewer", "other moderator", "superuser"])
def test_it_refuses_a_moderator_raising_privileges_through_the_user_admin(
    maria, alice, mona, root, groups, target
):
    user = {"herself": maria, "reviewer": alice, "other moderator": mona, "superuser": root}[
        target
    ]
    before = _privileges(user)
    client = _client(maria)
    client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        _escalation(user, groups),
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert _privileges(user) == before
    assert not maria.has_perm("auth.change_group")


@pytest.mark.parametrize("target", ["herself", "reviewer", "other moderator", "superuser"])
def test_it_refuses_a_moderator_setting_anyones_password(maria, alice, mona, root, target):
    user = {"herself": maria, "reviewer": alice, "other moderator": mona, "superuser": root}[
        target
    ]
    before = _privileges(user)
    client = _client(maria)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(
        url,
        {
            "password1": "Chosen-by-maria-1",
            "password2": "Chosen-by-maria-1",
            "usable_password": "true",
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code in (403, 404)
    assert _privileges(user) == before


def test_it_shows_a_moderator_reviewer_accounts_only(maria, alice, bob, mona, root):
    client = _client(maria)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    for user, listed in [(alice, True), (bob, True), (maria, False), (mona, False), (root, False)]:
        assert (reverse("admin:auth_user_change", args=[user.pk]) in page) is listed
    for user in (maria, mona, root):
        response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
        assert response.status_code != 200
    page = client.get(reverse("admin:auth_user_change", args=[alice.pk])).content.decode()
    # Only "active" is a field; no password, staff, superuser, group or permission field.
    assert 'name="is_active"' in page
    for field in ("is_staff", "is_superuser", "groups", "user_permissions", "email", "password"):
        assert f'name="{field}"' not in page


def test_it_keeps_the_reviewers_email_out_of_a_moderators_reach(maria, alice):
    # Changing it, then sending a set-password e-mail, would hand her the account.
    alice.email = "alice@example.org"
    alice.save()
    client = _client(maria)
    response = client.post(
        reverse("admin:auth_user_change", args=[alice.pk]),
        {"email": "maria@example.org", "is_active": "on", "username": "alice2"},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.email, alice.username, alice.is_active) == ("alice@example.org", "alice", True)


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_it_lets_a_moderator_create_a_reviewer_who_chooses_her_own_password(
    maria, groups, django_user_model
):
    client = _client(maria)
    page = client.get(reverse("admin:auth_user_add")).content.decode()
    assert 'name="email"' in page and "link to choose a password" in page
    assert 'name="password' not in page and 'name="usable_password"' not in page
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "dora",
            "email": "dora@example.org",
            # Ignored: a moderator sets no password, flag or group.
            "password1": "Chosen-by-maria-1",
            "password2": "Chosen-by-maria-1",
            "usable_password": "true",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [groups[1].pk],
        },
        HTTP_X_CSRFTOKEN=client.csrf,
        follow=True,
    )
    assert response.status_code == 200
    dora = django_user_model.objects.get(username="dora")
    assert not dora.is_staff and not dora.is_superuser and not dora.has_usable_password()
    assert list(dora.groups.values_list("name", flat=True)) == [REVIEWERS]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dora@example.org"]
    link = _link(mail.outbox[0])
    assert link.split("/reset/")[1] not in response.content.decode(), "maria never sees it"

    reviewer = Client()
    form = reviewer.get(link, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = reviewer.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Dora-chose-this-9", "new_password2": "Dora-chose-this-9"},
        follow=True,
    )
    assert done.status_code == 200
    dora.refresh_from_db()
    assert dora.check_password("Dora-chose-this-9")
    assert not dora.is_staff and not dora.is_superuser
    reviewer.get(link)  # a used link sets nothing again
    dora.refresh_from_db()
    assert dora.check_password("Dora-chose-this-9")


def test_it_refuses_a_reviewer_without_an_email_or_with_one_in_use(
    maria, alice, django_user_model
):
    alice.email = "alice@example.org"
    alice.save()
    client = _client(maria)
    for email in ("", "ALICE@example.org"):
        response = client.post(
            reverse("admin:auth_user_add"),
            {"username": "dora", "email": email},
            HTTP_X_CSRFTOKEN=client.csrf,
        )
        assert response.status_code == 200 and b"errornote" in response.content
    assert not django_user_model.objects.filter(username="dora").exists()
    assert mail.outbox == []


def test_it_lets_a_moderator_deactivate_and_reactivate_a_reviewer_only(maria, alice, mona):
    client = _client(maria)
    changelist = reverse("admin:auth_user_changelist")
    client.post(
        changelist,
        {"action": "deactivate", "_selected_action": [alice.pk, mona.pk, maria.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    for user in (alice, mona, maria):
        user.refresh_from_db()
    assert (alice.is_active, mona.is_active, maria.is_active) == (False, True, True)
    client.post(
        changelist,
        {"action": "activate", "_selected_action": [alice.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    alice.refresh_from_db()
    assert alice.is_active and alice.check_password("alice-password")


def test_it_sends_a_reviewer_a_set_password_email_the_moderator_never_sees(maria, alice, mona):
    alice.email = "alice@example.org"
    alice.save()
    mona.email = "mona@example.org"
    mona.save()
    before = _privileges(alice)
    client = _client(maria)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_set_password_email", "_selected_action": [alice.pk, mona.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
        follow=True,
    )
    assert [m.to for m in mail.outbox] == [["alice@example.org"]], "not to another moderator"
    link = _link(mail.outbox[0])
    assert link.split("/reset/")[1] not in response.content.decode()
    assert _privileges(alice) == before, "the password changes only when alice uses the link"
    reviewer = Client()
    form = reviewer.get(link, follow=True)
    reviewer.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Alice-new-pass-7", "new_password2": "Alice-new-pass-7"},
    )
    alice.refresh_from_db()
    assert alice.check_password("Alice-new-pass-7") and not alice.is_staff


def test_it_keeps_moderators_out_of_the_group_admin(maria, groups):
    moderators = groups[1]
    before = sorted(moderators.permissions.values_list("pk", flat=True))
    client = _client(maria)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_change", args=[moderators.pk])).status_code == 403
    response = client.post(
        reverse("admin:auth_group_change", args=[moderators.pk]),
        {"name": MODERATORS, "permissions": list(Permission.objects.values_list("pk", flat=True))},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:auth_group_add"),
        {"name": "Admins", "permissions": list(Permission.objects.values_list("pk", flat=True))},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 403
    assert sorted(moderators.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="Admins").exists()
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/auth/group/" not in index and "/admin/auth/user/" in index


def test_it_keeps_the_full_user_admin_for_superusers(root, alice, groups):
    client = _client(root)
    page = client.get(reverse("admin:auth_user_change", args=[alice.pk])).content.decode()
    assert 'name="is_superuser"' in page and 'name="groups"' in page
    response = client.post(
        reverse("admin:auth_user_change", args=[alice.pk]),
        {
            "username": "alice",
            "email": "",
            "first_name": "",
            "last_name": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [groups[1].pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.is_staff and alice.groups.filter(name=MODERATORS).exists()
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200


@pytest.mark.parametrize("reviewers", [1, 50])
def test_it_lists_reviewer_accounts_in_a_fixed_number_of_queries(
    maria, groups, django_user_model, django_assert_num_queries, reviewers
):
    django_user_model.objects.bulk_create(
        [django_user_model(username=f"reviewer{n}") for n in range(reviewers)]
    )
    client = _client(maria)
    url = reverse("admin:auth_user_changelist")
    client.get(url)  # warm the admin's per-process caches (content types, permissions)
    # session, user, her permissions (user, groups), count, unfiltered count, the page
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count('class="action-select"') == reviewers
