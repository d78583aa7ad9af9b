"""Who may do what (annotations.roles): the groups' permissions and the predicates every
admin class and view asks."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from annotations import roles


@pytest.fixture
def mona(django_user_model, groups):
    user = django_user_model.objects.create_user("mona", password="mona-password", is_staff=True)
    user.groups.add(groups[1])
    return user


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-password")


def test_it_gives_moderators_no_delete_group_or_permission_rights(groups):
    _, moderators = groups
    codenames = set(moderators.permissions.values_list("codename", flat=True))
    assert {"change_claim", "view_verdict", "change_verdict", "change_measure"} <= codenames
    assert not {c for c in codenames if c.startswith("delete_")}
    assert codenames & {"add_group", "change_group", "view_group", "change_permission"} == set()
    assert {"view_user", "add_user", "change_user"} <= codenames
    assert "delete_user" not in codenames


def test_it_takes_delete_rights_away_from_an_existing_moderators_group(groups):
    # A deployment set up before this change: groups_ensure (run by the run command)
    # brings the group to what roles says.
    _, moderators = groups
    moderators.permissions.add(*Permission.objects.filter(codename__startswith="delete_"))
    roles.groups_ensure()
    assert not moderators.permissions.filter(codename__startswith="delete_").exists()


def test_it_lets_a_moderator_manage_reviewer_accounts_only(maria, mona, alice, bob, root):
    assert roles.may_manage_account(maria, alice)
    assert not roles.may_manage_account(maria, maria)
    assert not roles.may_manage_account(maria, mona)
    assert not roles.may_manage_account(maria, root)
    assert not roles.may_manage_account(alice, bob), "a reviewer manages no account"
    for target in (maria, mona, alice, root):
        assert roles.may_manage_account(root, target)


def test_it_lets_only_superusers_change_privileges(maria, alice, root):
    assert roles.may_change_privileges(root)
    assert not roles.may_change_privileges(maria) and not roles.may_change_privileges(alice)
    root.is_active = False
    assert not roles.may_change_privileges(root)


def test_it_counts_staff_and_moderators_out_of_reviewer_accounts(
    django_user_model, maria, mona, alice, root
):
    staff = django_user_model.objects.create_user("stef", is_staff=True)
    assert roles.is_reviewer_account(alice)
    assert not any(roles.is_reviewer_account(u) for u in (maria, mona, root, staff))
    assert list(roles.reviewer_accounts(django_user_model.objects.all())) == [alice]


def test_it_deletes_and_reverts_nothing_in_the_admin(maria, root):
    for user in (maria, root):
        assert not roles.may_delete_in_admin(user)
        assert not roles.may_revert_history(user)


def test_a_new_reviewer_gets_the_reviewer_group(django_user_model, groups):
    dora = django_user_model.objects.create_user("dora")
    roles.make_reviewer(dora)
    assert list(dora.groups.values_list("name", flat=True)) == [roles.REVIEWERS]
    assert roles.is_reviewer_account(dora) and not roles.is_moderator(dora)


def _csrf_client(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")
    return client, client.cookies["csrftoken"].value


def test_it_lets_a_moderator_who_voted_withdraw_her_own_verdict(article, maria, alice):
    # Moderators hold no delete permission, yet a moderator who votes is a reviewer there.
    from annotations import services
    from annotations.models import Verdict

    start = article.text.index("12 tanks")
    for user in (maria, alice):
        services.verdict_record(
            article=article,
            start=start,
            end=start + 8,
            exact="12 tanks",
            reviewer=user,
            label="disputed",
        )
    client, token = _csrf_client(maria)
    response = client.post(
        f"/articles/{article.pk}/verdict/withdraw/",
        {"start": start, "end": start + 8, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert list(Verdict.objects.values_list("reviewer__username", flat=True)) == ["alice"]


def test_it_refuses_the_annotation_export_to_staff_outside_the_moderators(
    django_user_model, claim_909
):
    # The export would unblind reviewers: the Moderators group decides, not the staff flag.
    staff = django_user_model.objects.create_user("sam", password="sam-password", is_staff=True)
    client, _ = _csrf_client(staff)
    assert client.get("/annotations/").status_code == 403
    assert client.get("/annotations/?page=1").status_code == 403


def _tag(article, user, label="disputed"):
    from annotations import services

    start = article.text.index("12 tanks")
    return services.verdict_record(
        article=article, start=start, end=start + 8, exact="12 tanks", reviewer=user, label=label
    ).span


def _move(user, article, span, claim):
    client, token = _csrf_client(user)
    return client.post(
        f"/articles/{article.pk}/span/move/",
        {"start": span.start, "end": span.end, "claim": claim.pk, "csrfmiddlewaretoken": token},
    )


def test_it_refuses_a_reviewer_moving_a_highlight_others_tagged(article, alice, bob):
    # Moving it would re-count alice's verdict elsewhere and, through a claim bob voted
    # on, show him her verdict before he gave his own on this highlight.
    from annotations import services
    from annotations.models import Span

    span = _tag(article, alice)
    other = services.claim_create(text="Another claim", created_by=bob)
    response = _move(bob, article, span, other)
    assert response.status_code == 403
    assert Span.objects.get(pk=span.pk).claim_id == span.claim_id
    _tag(article, bob)  # once bob has voted here too, it carries alice's verdict still
    assert _move(bob, article, span, other).status_code == 403
    assert Span.objects.get(pk=span.pk).claim_id == span.claim_id


def test_it_lets_the_only_reviewer_or_a_moderator_move_a_highlight(article, alice, maria):
    from annotations import services
    from annotations.models import Span

    span = _tag(article, alice)
    first = services.claim_create(text="First other claim", created_by=alice)
    second = services.claim_create(text="Second other claim", created_by=alice)
    assert _move(alice, article, span, first).status_code == 302
    assert Span.objects.get(pk=span.pk).claim_id == first.pk
    assert _move(maria, article, span, second).status_code == 302
    assert Span.objects.get(pk=span.pk).claim_id == second.pk


def test_it_refuses_a_reviewer_who_has_not_voted_alike_whoever_tagged_the_highlight(
    article, alice, bob, charlie
):
    # Blind review: the refusal must not tell charlie whether anyone has a verdict on
    # the highlight now, so a highlight alice tagged and one left with no verdict at all
    # get the same answer, and neither moves.
    from annotations import services
    from annotations.models import Span

    span = _tag(article, alice)
    other = services.claim_create(text="Another claim", created_by=bob)
    tagged = _move(charlie, article, span, other)
    services.verdict_withdraw(verdict=span.verdicts.get(reviewer=alice), reviewer=alice)
    untagged = _move(charlie, article, span, other)
    assert tagged.status_code == untagged.status_code == 403

    def page(response) -> str:  # tokens and nonces differ per request, nothing else may
        html = response.content.decode()
        return re.sub(r'(csrfmiddlewaretoken" value=|nonce=|X-CSRFToken": )"[^"]*"', "", html)

    assert page(tagged) == page(untagged)
    assert "Only a moderator, or a reviewer whose verdict" in page(tagged)
    assert Span.objects.get(pk=span.pk).claim_id == span.claim_id


def test_it_offers_the_move_only_where_the_server_allows_it(article, alice, bob, maria):
    from annotations import services

    span = _tag(article, alice)
    services.claim_create(text="12 tanks were seen near the border", created_by=bob)

    def offered(user) -> bool:
        client, _ = _csrf_client(user)
        html = client.get(
            f"/articles/{article.pk}/span/",
            {"start": span.start, "end": span.end},
            HTTP_HX_REQUEST="true",
        ).content.decode()
        return "Belongs to another claim?" in html

    assert offered(alice) and offered(maria) and not offered(bob)
    _tag(article, bob)
    assert not offered(alice) and not offered(bob) and offered(maria)
