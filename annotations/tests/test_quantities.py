"""The quantity extractor (the groundwork of the figures issue)."""

from __future__ import annotations

import pytest

from annotations.text.quantities import extract_quantities


def _values(text):
    return [(q.value, q.high, q.qualifier, q.counted) for q in extract_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("approximately 39,900 casualties", [(39900, None, "approximately", "casualties")]),
        ("nearly 40,000 killed and wounded", [(40000, None, "nearly", "killed")]),
        ("more than 16,000 killed", [(16000, None, "more than", "killed")]),
        ("about 16,100 killed", [(16100, None, "about", "killed")]),
        ("captured 909 Russian soldiers", [(909, None, "", "russian soldiers")]),
        ("deployed 12,000 of its soldiers", [(12000, None, "", "soldiers")]),
        ("a total of 717 Russian prisoners", [(717, None, "a total of", "russian prisoners")]),
        ("around 1,300 square kilometers", [(1300, None, "around", "square kilometers")]),
    ],
)
def test_it_reads_value_qualifier_and_what_is_counted(text, expected):
    assert _values(text) == expected


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("no more than 900 soldiers", "no more than"),
        ("not more than 900 soldiers", "not more than"),
        ("no fewer than 900 soldiers", "no fewer than"),
        ("no less than 900 soldiers", "no less than"),
        ("in excess of 900 soldiers", "in excess of"),
        ("as many as 900 soldiers", "as many as"),
    ],
)
def test_it_reads_a_negated_qualifier_whole_not_as_its_opposite(text, qualifier):
    [found] = extract_quantities(text)
    assert found.qualifier == qualifier


def test_it_reads_written_out_numbers():
    assert _values("one airplane, three helicopters and twelve thousand troops") == [
        (1, None, "", "airplane"),
        (3, None, "", "helicopters"),
        (12000, None, "", "troops"),
    ]


@pytest.mark.parametrize(
    "text", ["39,900 dead", "39 900 dead", "39\u202f900 dead", "39.900 dead", "39'900 dead"]
)
def test_it_reads_thousands_separators_in_several_styles(text):
    assert _values(text) == [(39900, None, "", "dead")]


@pytest.mark.parametrize(
    "text", ["10-12 tanks", "10–12 tanks", "between 10 and 12 tanks", "10 to 12 tanks"]
)
def test_it_reads_ranges(text):
    assert _values(text) == [(10, 12, "", "tanks")]


def test_it_reads_percentages_and_scale_words():
    found = extract_quantities("they lost 40% of the area; some 1.5 million people fled")
    assert [(q.value, q.percent, q.qualifier) for q in found] == [
        (40, True, ""),
        (1_500_000, False, "some"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "the operation began in August 2024",
        "initiated on August 6, 2024, aimed at",
        "On February 4, 2025, it was reported",
        "this Wednesday, November 6, Ukraine said",
        "Feb.06 - 2025 10:20 AM CET",
        "Friday, February 7, 2025 1:00:56 PM",
        "For the first time in 11 years of war",
        "over the past six months",
        "the second brigade and the 3rd battalion",
        "one of the reasons",
    ],
)
def test_years_dates_times_durations_and_ordinals_are_not_quantities(text):
    assert extract_quantities(text) == []


def test_offsets_point_at_the_figure_even_after_emoji():
    text = "🇺🇦 The army captured 909 soldiers."
    [quantity] = extract_quantities(text)
    assert text[quantity.start : quantity.end] == "909"


def test_the_seed_equipment_list_is_read_whole():
    text = (
        "including 131 tanks, 689 armored vehicles, 386 artillery systems, 12 MLRS units, "
        "12 air defense systems, one airplane, three helicopters, and 931 drones."
    )
    assert [(q.value, q.counted) for q in extract_quantities(text)] == [
        (131, "tanks"),
        (689, "armored vehicles"),
        (386, "artillery systems"),
        (12, "mlrs units"),
        (12, "air defense systems"),
        (1, "airplane"),
        (3, "helicopters"),
        (931, "drones"),
    ]


@pytest.mark.parametrize("text", ["9" * 400 + " soldiers", "9" * 400 + " dozen soldiers"])
def test_it_reads_no_figure_too_large_to_be_a_number(text):
    assert extract_quantities(text) == []
