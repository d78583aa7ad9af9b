"""The measure page: reviewers and moderators rename, split and join measures, each
change kept in the history."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Measure, Quantity


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("claim_list"))
    client.csrf = client.cookies["csrftoken"].value
    return client


def _post(client, measure, change, data):
    return client.post(
        reverse("measure_change", args=[measure.pk, change]), data, HTTP_X_CSRFTOKEN=client.csrf
    )


@pytest.fixture
def prisoners(seeds):
    return Measure.objects.get(key="russian:prisoners")


def test_the_measure_page_shows_the_timeline_and_the_forms(alice, prisoners):
    html = _client(alice).get(reverse("measure_detail", args=[prisoners.pk])).content.decode()
    assert "Update over time" in html and "717 on 2024-11-06 → 909 on 2025-02-07" in html
    assert "Fix the grouping" in html


def test_a_reviewer_renames_splits_and_joins(alice, prisoners):
    client = _client(alice)
    assert (
        _post(client, prisoners, "rename", {"name": "Prisoners taken in Kursk"}).status_code == 302
    )
    prisoners.refresh_from_db()
    assert prisoners.name == "Prisoners taken in Kursk"

    november = list(prisoners.quantities.filter(value=717).values_list("pk", flat=True))
    response = _post(
        client, prisoners, "split", {"name": "Prisoners, November", "figures": november}
    )
    assert response.status_code == 302
    split = Measure.objects.get(name="Prisoners, November")
    assert split.quantities.count() == 3
    prisoners.refresh_from_db()
    assert prisoners.judgement == "consistent"

    assert _post(client, prisoners, "join", {"other": split.pk}).status_code == 302
    prisoners.refresh_from_db()
    assert prisoners.judgement == "update" and not Measure.objects.filter(pk=split.pk).exists()


def test_every_regrouping_is_kept_in_the_history_with_who_made_it(alice, bob, prisoners):
    # A reviewer's rename, split or join changes the measures everyone sees: each is kept.
    original = prisoners.name
    _post(_client(alice), prisoners, "rename", {"name": "Prisoners taken in Kursk"})
    november = list(prisoners.quantities.filter(value=717).values_list("pk", flat=True))
    _post(_client(bob), prisoners, "split", {"name": "Prisoners, November", "figures": november})
    split = Measure.objects.get(name="Prisoners, November")
    _post(_client(alice), prisoners, "join", {"other": split.pk})

    renamed = prisoners.history.filter(history_type="~").earliest("history_date")
    assert renamed.history_user == alice and renamed.prev_record.name == original
    assert Measure.history.get(id=split.pk, history_type="-").history_user == alice
    for figure in november:
        moves = Quantity.history.filter(id=figure, history_type="~").order_by("history_date")
        assert [(m.history_user, m.measure_id) for m in moves] == [
            (bob, split.pk),
            (alice, prisoners.pk),
        ]


@pytest.mark.parametrize(
    ("change", "data"),
    [
        ("rename", {"name": ""}),
        ("rename", {"name": "<b>bold</b>"}),
        ("split", {"name": "x", "figures": [999999]}),
        ("join", {"other": 999999}),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(alice, prisoners, change, data):
    before = list(Measure.objects.values_list("pk", "name", "judgement"))
    assert _post(_client(alice), prisoners, change, data).status_code == 422
    assert list(Measure.objects.values_list("pk", "name", "judgement")) == before


def test_an_unknown_change_is_a_404(alice, prisoners):
    assert _post(_client(alice), prisoners, "explode", {}).status_code == 404


def test_a_user_without_the_permission_or_csrf_changes_nothing(
    alice, prisoners, django_user_model
):
    stranger = django_user_model.objects.create_user("mallory", password="x")
    assert _post(_client(stranger), prisoners, "rename", {"name": "x"}).status_code == 403
    plain = Client(enforce_csrf_checks=True)
    plain.force_login(alice)
    response = plain.post(reverse("measure_change", args=[prisoners.pk, "rename"]), {"name": "x"})
    assert response.status_code == 403
    prisoners.refresh_from_db()
    assert prisoners.name != "x"
