"""Figures across the seed articles: measures, and rounding vs update vs conflict."""

from __future__ import annotations

import datetime

import pytest

from annotations import selectors
from annotations.models import Quantity
from annotations.rules.figures import CONFLICT, CONSISTENT, UNDATED, UPDATE, Figure, judge
from annotations.services import article_import


@pytest.fixture
def judged(seeds):
    return {j.measure.key: j for j in selectors.measure_judgements()}


def _values(judgement):
    return sorted({(q.qualifier, q.value) for q in judgement.quantities})


def test_prisoners_717_then_909_is_an_update(judged):
    prisoners = judged["russian:prisoners"]
    assert prisoners.judgement == UPDATE
    assert {q.value for q in prisoners.quantities} == {717, 909}
    assert "717 on 2024-11-06 → 909 on 2025-02-06" in prisoners.reasons


def test_north_korean_troops_11000_then_12000_is_an_update(judged):
    deployed = judged["north korean:deployed"]
    assert deployed.judgement == UPDATE
    assert {q.value for q in deployed.quantities} == {11000, 12000}
    assert "11,000 on 2024-11-06 → 12,000 on 2025-02-07" in deployed.reasons


def test_killed_and_casualties_differ_only_by_rounding(judged):
    killed = judged["russian:killed"]
    assert killed.judgement == CONSISTENT
    assert ("more than", 16000) in _values(killed) and ("about", 16100) in _values(killed)
    casualties = judged["russian:casualties"]
    assert casualties.judgement == CONSISTENT
    assert {("nearly", 40000), ("approximately", 39900), ("", 40000)} <= set(_values(casualties))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tanks", 131),
        ("armored vehicles", 689),
        ("artillery systems", 386),
        ("multiple launch rocket systems", 12),
        ("air defense systems", 12),
        ("aircraft", 1),
        ("helicopters", 3),
        ("drones", 931),
    ],
)
def test_equipment_is_consistent_across_the_three_lists(judged, name, value):
    measure = judged[f"russian:equipment:{name}"]
    assert measure.judgement == CONSISTENT
    assert {q.value for q in measure.quantities} == {value}
    assert len({q.article_id for q in measure.quantities}) == 3


def test_no_conflict_anywhere_in_the_seeds(judged):
    assert [key for key, j in judged.items() if j.judgement == CONFLICT] == []


def test_a_stated_as_of_date_wins_over_the_article_date(db):
    article, _ = article_import(
        title="Losses",
        published=datetime.date(2025, 2, 7),
        text="Losses\n\nThe report listed 131 tanks destroyed as of Feb. 5.",
    )
    quantity = Quantity.objects.get(article=article)
    assert quantity.as_of == datetime.date(2025, 2, 5) and quantity.as_of_stated


def test_two_articles_of_one_date_with_different_figures_conflict(db):
    day = datetime.date(2025, 3, 1)
    article_import(title="A", published=day, text="A\n\nThe army captured 909 Russian soldiers.")
    article_import(title="B", published=day, text="B\n\nThe army captured 1,500 Russian soldiers.")
    [prisoners] = [
        j for j in selectors.measure_judgements() if j.measure.key == "russian:prisoners"
    ]
    assert prisoners.judgement == CONFLICT
    assert prisoners.reasons == ["“909” and “1,500” cannot both hold on 2025-03-01"]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            Figure(40000, None, "nearly", None),
            Figure(39900, None, "approximately", None),
            CONSISTENT,
        ),
        (Figure(16000, None, "", None), Figure(16100, None, "about", None), CONSISTENT),
        (Figure(909, None, "", None), Figure(717, None, "", None), UNDATED),
        (
            Figure(909, None, "", datetime.date(2025, 2, 6)),
            Figure(717, None, "", datetime.date(2024, 11, 6)),
            UPDATE,
        ),
        (
            Figure(909, None, "", datetime.date(2025, 2, 6)),
            Figure(917, None, "", datetime.date(2025, 2, 6)),
            CONFLICT,
        ),
        (Figure(10, 12, "", None), Figure(11, None, "", None), CONSISTENT),
    ],
)
def test_judging_two_figures(a, b, expected):
    assert judge(a, b)[0] == expected


def test_a_conflict_heads_the_admin_queue_and_flags_its_claims(client, maria):
    from django.urls import reverse

    from annotations import services
    from annotations.models import Article

    day = datetime.date(2025, 3, 1)
    article_import(title="A", published=day, text="A\n\nThe army captured 909 Russian soldiers.")
    article_import(title="B", published=day, text="B\n\nThe army captured 1,500 Russian soldiers.")
    article = Article.objects.get(title="A")
    sentence = article.sentences.get(index=1)
    services.verdict_record(
        article=article,
        start=sentence.start,
        end=sentence.end,
        exact=article.text[sentence.start : sentence.end],
        reviewer=maria,
        label="disputed",
        new_claim_text="The army captured 909 Russian soldiers",
    )
    client.force_login(maria)
    queue = client.get(reverse("admin:annotations_measure_changelist")).content.decode()
    first_row = queue.split("<tbody>")[1].split("</tr>")[0]
    assert "Conflict" in first_row and "cannot both hold on 2025-03-01" in first_row
    claims = client.get(
        reverse("admin:annotations_claim_changelist"), {"figures": "conflict"}
    ).content.decode()
    assert "The army captured 909 Russian soldiers" in claims


def test_reviewers_and_moderators_split_and_join_measures(seeds, maria, alice, django_user_model):
    from django.core.exceptions import PermissionDenied

    from annotations import services
    from annotations.models import Measure

    prisoners = Measure.objects.get(key="russian:prisoners")
    november = list(prisoners.quantities.filter(value=717))
    split = services.measure_split(quantities=november, name="Prisoners, November", user=alice)
    prisoners.refresh_from_db()
    assert split.quantities.count() == 3 and prisoners.judgement == CONSISTENT
    services.measures_join(measures=[prisoners, split], into=prisoners, user=maria)
    prisoners.refresh_from_db()
    assert prisoners.judgement == UPDATE and not Measure.objects.filter(pk=split.pk).exists()
    stranger = django_user_model.objects.create_user("mallory", password="x")
    with pytest.raises(PermissionDenied):
        services.measure_split(quantities=november, name="x", user=stranger)
