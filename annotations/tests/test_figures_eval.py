"""The figure rules beyond the seeds: the held-out pairs of rules/eval/figure_pairs.json."""

from __future__ import annotations

import pytest

from annotations.management.commands.eval_figures import evaluate
from annotations.rules.figures import Figure, judge
from annotations.text.quantities import extract_quantities


@pytest.fixture(scope="module")
def evaluation():
    return evaluate()


def test_it_judges_at_least_90_percent_of_the_held_out_pairs_right(evaluation):
    assert evaluation.total >= 60
    assert evaluation.accuracy >= 0.9, "\n".join(evaluation.failures)


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
