"""The figure rules beyond the seeds: the held-out pairs of rules/eval/figure_pairs.json."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from annotations.management.commands.eval_figures import (
    DEFAULT_GROUPING,
    MODEL_ALONE_THRESHOLD,
    evaluate_grouping,
)
from annotations.rules.figures import (
    Figure,
    describe,
    judge,
    measure_key,
    same_measure,
)
from annotations.text.quantities import extract_quantities


@pytest.fixture(scope="module")
def evaluation():
    return evaluate_grouping(DEFAULT_GROUPING)


def test_it_judges_at_least_90_percent_of_the_held_out_pairs_right(evaluation):
    assert DEFAULT_GROUPING == "combined"
    assert evaluation.total >= 60
    assert evaluation.accuracy >= 0.9, "\n".join(evaluation.failures)


def test_the_word_rules_and_the_model_together_judge_more_right_than_either_alone(evaluation):
    assert evaluation.right > evaluate_grouping("words").right
    assert evaluation.right > evaluate_grouping("model", MODEL_ALONE_THRESHOLD).right


def test_the_command_prints_the_three_groupings_and_the_defaults_failures():
    out = io.StringIO()
    call_command("eval_figures", stdout=out)
    rows = {line.split()[0] for line in out.getvalue().splitlines()[1:4]}
    assert rows == {"words", "model", "combined"}
    assert "combined: pairs judged right:" in out.getvalue()
    assert "failed #" in out.getvalue()  # every mistake is listed, to read


def _described(sentence: str):
    [found] = [q for q in extract_quantities(sentence) if measure_key(q, sentence)]
    return describe(found, sentence, measure_key(found, sentence)[0])


def _alike(a: str, b: str) -> float:
    return 1.0  # a model that finds everything alike: only the rules can keep two apart


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The storm destroyed 300 homes.", "The storm damaged 300 homes."),
        ("The earthquake killed 120 people.", "The earthquake injured 120 people."),
        ("Exports fell 8% in May.", "Imports fell 8% in May."),
        ("Prices rose 3% in June.", "Prices fell 3% in June."),
        ("The party won 52 seats.", "The party lost 52 seats."),
        ("The airport cancelled 350 flights.", "The airport delayed 350 flights."),
        ("Police arrested 40 protesters.", "Police released 40 protesters."),
    ],
)
def test_no_similarity_of_meaning_joins_contrary_wordings(a, b):
    assert not same_measure(_described(a), _described(b), _alike)


def test_the_model_joins_one_thing_said_with_another_verb_only_when_alike():
    drew = _described("The festival drew 120,000 visitors.")
    attended = _described("Some 125,000 visitors attended the festival.")
    assert not same_measure(drew, attended), "the word rules alone see two measures"
    assert same_measure(drew, attended, _alike)
    assert not same_measure(drew, attended, lambda a, b: 0.0)


def test_a_rise_to_a_level_and_a_fall_to_one_are_one_measure():
    # "rose to 5%" and "fell to 4%" state the level twice (an update); "rose 3%" and
    # "fell 3%" are two changes.
    rose, fell = (
        _described("Unemployment rose to 5% in March."),
        _described("Unemployment fell to 4% in June."),
    )
    assert same_measure(rose, fell) and same_measure(rose, fell, _alike)


def test_it_reads_no_figure_from_a_clock_time_year_date_ordinal_or_duration(evaluation):
    assert evaluation.false_figures == []


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("a dozen protesters", 12, False),
        ("two dozen eggs", 24, False),
        ("half a million people", 500_000, False),
        ("two and a half million meals", 2_500_000, False),
        ("more than a thousand patients", 1000, False),
        ("one hundred and twenty tanks", 120, False),
        ("1.2 million euros", 1_200_000, False),
        ("a third of voters", 33.33, True),
        ("two-thirds of the crops", 66.67, True),
        ("roughly half of the residents", 50, True),
        ("forty per cent of voters", 40, True),
        ("40 percent of voters", 40, True),
    ],
)
def test_it_reads_multiword_and_fractional_numbers_whole(text, value, percent):
    [found] = extract_quantities(text)
    assert (found.value, found.percent) == (value, percent)


@pytest.mark.parametrize(
    "text",
    [
        "at 6 am",
        "by 7 p.m. on Friday",
        "at 10.30pm",
        "the 2024 elections",
        "the 2024-25 budget was published",
        "on the 2nd of May",
    ],
)
def test_it_skips_clock_times_and_years_written_other_ways(text):
    assert extract_quantities(text) == []


def test_it_lets_a_share_in_words_meet_the_same_share_in_digits():
    third = Figure(33.33, None, "", None, percent=True)
    assert judge(third, Figure(33, None, "", None, percent=True))[0] == "consistent"
    assert judge(third, Figure(40, None, "", None, percent=True))[0] == "undated"
