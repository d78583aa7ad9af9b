"""Figures across the seed articles: measures, and rounding vs update vs conflict."""

from __future__ import annotations

import datetime

import pytest

from annotations import selectors
from annotations.models import Quantity
from annotations.rules.figures import CONFLICT, CONSISTENT, UNDATED, UPDATE, Figure, judge
from annotations.services import article_import
from annotations.text.quantities import QUALIFIERS, extract_quantities


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


# --- what each qualifier allows, as a table: the specification of judge() -------------

DAY = datetime.date(2025, 2, 6)

# Every qualifier the extractor knows, by the wording it reads like. A qualifier added to
# quantities.QUALIFIERS without a line here fails test_it_knows_how_every_qualifier_reads.
READS_LIKE = {
    "": "",
    "including": "",
    "a total of": "",
    "about": "about",
    "approximately": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "at least": "at least",
    "no fewer than": "at least",
    "no less than": "at least",
    "not less than": "at least",
    "more than": "more than",
    "over": "more than",
    "in excess of": "more than",
    "upwards of": "more than",
    "up to": "up to",
    "as many as": "up to",
    "at most": "up to",
    "no more than": "up to",
    "not more than": "up to",
    "fewer than": "fewer than",
    "less than": "fewer than",
    "under": "fewer than",
}

# Two articles give the same measure on the same day, both with the number 909 (not a
# round number, so no rounding widens it). Consistent when one true value makes both
# wordings true, a conflict when none does. Bounds are inclusive where the words allow:
# "at least 909" and "up to 909" both hold for 909; "more than", "fewer than" and
# "nearly" exclude it. Each pair is checked both ways round.
AT_THE_BOUNDARY = {
    ("909", "909"): CONSISTENT,
    ("909", "about 909"): CONSISTENT,
    ("909", "nearly 909"): CONFLICT,
    ("909", "at least 909"): CONSISTENT,  # was a conflict
    ("909", "more than 909"): CONFLICT,
    ("909", "up to 909"): CONSISTENT,  # was a conflict
    ("909", "fewer than 909"): CONFLICT,
    ("about 909", "about 909"): CONSISTENT,
    ("about 909", "nearly 909"): CONSISTENT,
    ("about 909", "at least 909"): CONSISTENT,
    ("about 909", "more than 909"): CONSISTENT,
    ("about 909", "up to 909"): CONSISTENT,
    ("about 909", "fewer than 909"): CONSISTENT,
    ("nearly 909", "nearly 909"): CONSISTENT,
    ("nearly 909", "at least 909"): CONFLICT,
    ("nearly 909", "more than 909"): CONFLICT,
    ("nearly 909", "up to 909"): CONSISTENT,
    ("nearly 909", "fewer than 909"): CONSISTENT,
    ("at least 909", "at least 909"): CONSISTENT,
    ("at least 909", "more than 909"): CONSISTENT,
    ("at least 909", "up to 909"): CONSISTENT,  # was a conflict
    ("at least 909", "fewer than 909"): CONFLICT,
    ("more than 909", "more than 909"): CONSISTENT,
    ("more than 909", "up to 909"): CONFLICT,
    ("more than 909", "fewer than 909"): CONFLICT,
    ("up to 909", "up to 909"): CONSISTENT,
    ("up to 909", "fewer than 909"): CONSISTENT,
    ("fewer than 909", "fewer than 909"): CONSISTENT,
}

# Each wording against a bare figure just inside and just outside what it allows.
EDGES = [
    ("at least 909", "908", CONFLICT),
    ("at least 909", "911", CONSISTENT),
    ("more than 909", "911", CONSISTENT),
    ("up to 909", "908", CONSISTENT),
    ("up to 909", "911", CONFLICT),
    ("fewer than 909", "908", CONSISTENT),
    ("nearly 909", "908", CONSISTENT),
    ("nearly 909", "819", CONSISTENT),  # a bit under: down to 90 % (818.1)
    ("nearly 909", "818", CONFLICT),
    ("about 909", "864", CONSISTENT),  # 5 % either side: 863.55 to 954.45
    ("about 909", "863", CONFLICT),
    ("about 909", "954", CONSISTENT),
    ("about 909", "955", CONFLICT),
    # A round figure stands for what rounds to it: 12,000 for 11,500 up to 12,499.
    ("12,000", "11,499", CONFLICT),
    ("12,000", "11,501", CONSISTENT),
    ("12,000", "12,499", CONSISTENT),
    ("12,000", "12,501", CONFLICT),
    ("11,000", "12,000", CONFLICT),
    ("about 16,100", "16,000", CONSISTENT),
    ("nearly 40,000", "approximately 39,900", CONSISTENT),
    ("nearly 40,000", "40,000", CONSISTENT),  # the bare 40,000 may be rounded up
    ("more than 16,000", "16,000", CONSISTENT),  # likewise
    ("more than 16,000", "at most 16,000", CONFLICT),
    ("at least 16,000", "at most 16,000", CONSISTENT),
    # A range allows its ends (11 and 13 are not round, so nothing widens them).
    ("11-13", "at least 13", CONSISTENT),
    ("11-13", "more than 13", CONFLICT),
    ("11-13", "fewer than 11", CONFLICT),
    ("11-13", "up to 11", CONSISTENT),
    ("between 11 and 13", "12", CONSISTENT),
]


def _figure(words: str, as_of: datetime.date | None = DAY) -> Figure:
    [found] = extract_quantities(f"{words} soldiers")
    return Figure(found.value, found.high, found.qualifier, as_of)


def _every_pair():
    for a in READS_LIKE:
        for b in READS_LIKE:
            pair = (f"{READS_LIKE[a]} 909".strip(), f"{READS_LIKE[b]} 909".strip())
            expected = AT_THE_BOUNDARY.get(pair) or AT_THE_BOUNDARY[pair[::-1]]
            yield pytest.param(f"{a} 909".strip(), f"{b} 909".strip(), expected, id=f"{a}|{b}")


def test_it_knows_how_every_qualifier_reads():
    assert set(READS_LIKE) - {""} == set(QUALIFIERS)


@pytest.mark.parametrize(("a", "b", "expected"), list(_every_pair()))
def test_it_judges_every_qualifier_pair_at_the_boundary(a, b, expected):
    assert _figure(a).qualifier == a.removesuffix("909").strip()
    assert judge(_figure(a), _figure(b))[0] == expected


@pytest.mark.parametrize(("a", "b", "expected"), EDGES)
def test_it_includes_each_bound_only_where_the_words_allow(a, b, expected):
    assert judge(_figure(a), _figure(b))[0] == expected
    assert judge(_figure(b), _figure(a))[0] == expected


@pytest.mark.parametrize(
    ("a", "b"), [pair for pair, judged in AT_THE_BOUNDARY.items() if judged == CONFLICT]
)
def test_it_calls_what_cannot_both_hold_an_update_across_dates_and_undated_without_one(a, b):
    earlier = datetime.date(2024, 11, 6)
    assert judge(_figure(a, earlier), _figure(b))[0] == UPDATE
    assert judge(_figure(a, None), _figure(b))[0] == UNDATED


def test_it_groups_one_measure_worded_two_ways_and_judges_it(db):
    day = datetime.date(2025, 5, 20)
    article_import(
        title="A", published=day, text="A\n\nAuthorities evacuated 8,000 people from the coast."
    )
    article_import(
        title="B", published=day, text="B\n\nEight thousand people were evacuated on Sunday."
    )
    measures = {q.measure_id for q in Quantity.objects.all()}
    assert len(measures) == 1
    [judged] = [j for j in selectors.measure_judgements() if j.measure.pk in measures]
    assert judged.judgement == CONSISTENT


def test_it_keeps_two_measures_apart_when_what_happened_differs(db):
    day = datetime.date(2025, 9, 12)
    article_import(title="A", published=day, text="A\n\nThe storm destroyed 300 homes.")
    article_import(title="B", published=day, text="B\n\nThe storm damaged 300 homes.")
    article_import(title="C", published=day, text="C\n\n300 homes damaged by the storm.")
    destroyed, damaged, damaged_too = Quantity.objects.order_by("article_id")
    assert destroyed.measure_id != damaged.measure_id == damaged_too.measure_id


def test_it_groups_by_meaning_what_the_word_rules_keep_apart_at_import(db):
    # "drew visitors" and "visitors attended": one thing, events in other words; the word
    # rules see two measures, the sentence model one (figures.MEANING_THRESHOLD).
    day = datetime.date(2025, 7, 14)
    article_import(
        title="A", published=day, text="A\n\nThe festival drew 120,000 visitors over the weekend."
    )
    article_import(
        title="B", published=day, text="B\n\nSome 125,000 visitors attended the festival."
    )
    drew, attended = Quantity.objects.order_by("article_id")
    assert drew.measure_id == attended.measure_id
    [judged] = [j for j in selectors.measure_judgements() if j.measure.pk == drew.measure_id]
    assert judged.judgement == CONSISTENT


def test_it_judges_stored_shares_as_percentages_a_third_against_33_percent(db):
    # "a third" is stored as 33.33 with percent set; 33 % covers 32.5–33.5 only when the
    # stored figure is read back as a percentage.
    from annotations.models import Measure

    first, _ = article_import(title="A", text="A\n\nA third of voters backed the plan.")
    second, _ = article_import(title="B", text="B\n\n33% of voters backed the plan.")
    Quantity.objects.filter(article__in=[first, second]).delete()  # placed by hand below
    measure = Measure.objects.create(key="test:share", name="voters backing the plan")
    for article, value in ((first, 100 / 3), (second, 33.0)):
        sentence = article.sentences.last()
        Quantity.objects.create(
            article=article,
            sentence=sentence,
            start=sentence.start,
            end=sentence.start + 1,
            value=value,
            percent=True,
            as_of=datetime.date(2025, 2, 1),
            measure=measure,
        )
    [judged] = selectors.measure_judgements(measures=[measure])
    assert judged.judgement == "consistent"
