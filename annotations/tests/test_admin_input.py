"""Hostile input to the admin (issue #8, defect 12): ids that are not ids in an action, and
list filter values nobody offered, answer a 4xx or the plain list — never a 500 — and change
nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Claim, Measure, Verdict

HOSTILE_IDS = ["1.5", "abc", "NaN", "³", "٣", str(2**64), str(2**63), "-1", "0", " 1", "1\x00"]


@pytest.fixture(autouse=True)
def _admin_alone(settings):
    # The site refuses NUL bytes before any view; these tests check the admin itself.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Nul" not in m]


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    client.csrf = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def claim(verdict, alice):
    """A small world: one claim with one appearance and alice's verdict on it."""
    claim = services.claim_create(text="12 tanks were destroyed", created_by=alice)
    services.span_link_claim(span=verdict.span, claim=claim, user=alice)
    return claim


def _snapshot(django_user_model):
    return (
        list(Claim.objects.order_by("pk").values_list("status", "ruling", "ruling_note")),
        list(Verdict.objects.order_by("pk").values_list("hidden", "hidden_reason")),
        list(Measure.objects.order_by("pk").values_list("pk", "name")),
        list(django_user_model.objects.order_by("pk").values_list("is_active", "password")),
    )


ACTIONS = [
    ("admin:annotations_claim_changelist", {"action": "reopen"}),
    (
        "admin:annotations_claim_changelist",
        {"action": "publish_ruling", "apply": "1", "ruling": "attributed", "rationale": "x"},
    ),
    ("admin:annotations_claim_changelist", {"action": "merge", "apply": "1", "into": "1"}),
    ("admin:annotations_claim_changelist", {"action": "download_csv"}),
    ("admin:annotations_verdict_changelist", {"action": "hide", "apply": "1", "reason": "spam"}),
    ("admin:annotations_verdict_changelist", {"action": "unhide"}),
    ("admin:annotations_measure_changelist", {"action": "join"}),
    ("admin:annotations_quantity_changelist", {"action": "split", "apply": "1", "name": "x"}),
    ("admin:auth_user_changelist", {"action": "deactivate"}),
]


@pytest.mark.parametrize("value", HOSTILE_IDS)
@pytest.mark.parametrize(("changelist", "data"), ACTIONS)
def test_it_refuses_selected_ids_that_are_not_ids(
    claim, maria, django_user_model, changelist, data, value
):
    client = _client(maria)
    before = _snapshot(django_user_model)
    real = Verdict.objects.order_by("pk").first().pk  # a real id next to the bad one
    response = client.post(
        reverse(changelist),
        {**data, "_selected_action": [str(real), value]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert 400 <= response.status_code < 500
    assert b"must be given by their ids" in response.content
    assert _snapshot(django_user_model) == before


def test_it_still_runs_an_action_on_real_ids(claim, maria):
    client = _client(maria)
    verdict = Verdict.objects.order_by("pk").first()
    response = client.post(
        reverse("admin:annotations_verdict_changelist"),
        {"action": "hide", "apply": "1", "reason": "spam", "_selected_action": [verdict.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.hidden


FILTERS = [
    ("claim", "consensus=%00"),
    ("claim", "consensus=bogus"),
    ("claim", "ruled=x"),
    ("claim", "contested=%00"),
    ("claim", "figures=%00"),
    ("claim", "status=%00"),
    ("claim", "status=bogus"),
    ("claim", "q=%00"),
    ("claim", "o=%00"),
    ("claim", "p=%00"),
    ("verdict", "label=%00"),
    ("verdict", "hidden__exact=%00"),
    ("verdict", "hidden__exact=maybe"),
    ("measure", "judgement=%00"),
    ("quantity", "measure__id__exact=abc"),
    ("article", "outlet=%00"),
    ("article", "published__year=%00"),
    ("article", "published__year=99999999999999999999"),
]


@pytest.mark.parametrize(("model", "query"), FILTERS)
def test_it_answers_hostile_list_filters_without_a_500(claim, maria, model, query):
    client = _client(maria)
    response = client.get(reverse(f"admin:annotations_{model}_changelist") + "?" + query)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        # The admin's own answer to a lookup it cannot run: the list with "?e=1".
        assert response.url.endswith("?e=1")
        assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("query", ["consensus=bogus", "contested=maybe", "ruled=x", "figures=all"])
def test_it_ignores_a_filter_value_it_does_not_offer(claim, maria, alice, query):
    unreviewed = services.claim_create(text="An unreviewed claim", created_by=alice)
    response = _client(maria).get(reverse("admin:annotations_claim_changelist") + "?" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert unreviewed.text in page and claim.text in page


@pytest.mark.parametrize("object_id", ["abc", "1.5", str(2**64)])
@pytest.mark.parametrize("model", ["claim", "span", "verdict"])
def test_it_answers_404_to_history_of_a_non_id(maria, model, object_id):
    client = _client(maria)
    assert client.get(f"/admin/annotations/{model}/{object_id}/history/").status_code == 404
    assert client.get(f"/admin/annotations/{model}/{object_id}/history/1/").status_code == 404
    assert client.get(f"/admin/annotations/{model}/1/history/{object_id}/").status_code == 404


def test_it_answers_a_refused_action_with_a_message_and_changes_nothing(
    claim, alice, maria, django_user_model
):
    # A ruled claim is locked: the merge service refuses it, the admin says why.
    services.ruling_publish(
        claim=claim, moderator=maria, label="attributed", rationale="x", overrule=True
    )
    other = services.claim_create(text="Another claim", created_by=alice)
    before = _snapshot(django_user_model)
    client = _client(maria)
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {
            "action": "merge",
            "apply": "1",
            "into": other.pk,
            "_selected_action": [claim.pk, other.pk],
        },
        HTTP_X_CSRFTOKEN=client.csrf,
        follow=True,
    )
    assert response.status_code == 200 and b"Reopen claim" in response.content
    assert _snapshot(django_user_model) == before
