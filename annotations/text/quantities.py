"""Find the quantities a sentence states: value (or range), qualifier, what is counted.

"approximately 39,900 casualties" → 39900, "approximately", "casualties". Written-out
numbers ("three helicopters", "twelve thousand") are read by text2num; "a dozen", "half a
million", "two and a half million" and "a thousand" whole; "a third of voters" and "half
of the residents" as percentages. Years, dates, clock times ("at 10:30", "7 p.m."),
durations ("11 years of war") and ordinals are not quantities and are skipped.

Pure functions over text; offsets are code points of the text given.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass

from text_to_num import text2num


class Reading(enum.Enum):
    """What a qualifier lets the true value x be, for a stated n — the one place the
    words get their meaning; rules/figures.py turns each reading into an interval.
    Bounds are inclusive wherever the words allow it."""

    EXACT = "x = n, give or take the rounding a round n implies"
    ABOUT = "x within 5 % of n or the rounding n implies, either side, ends included"
    JUST_UNDER = "a bit under n: 0.9·n ≤ x < n"
    AT_LEAST = "x ≥ n"
    MORE_THAN = "x > n"
    AT_MOST = "x ≤ n"
    FEWER_THAN = "x < n"


# Negated forms come with their plain ones: "no more than 900" caps at 900 where a bare
# "more than" match would read the opposite.
QUALIFIERS: dict[str, Reading] = {
    "more than": Reading.MORE_THAN,
    "over": Reading.MORE_THAN,
    "in excess of": Reading.MORE_THAN,
    "upwards of": Reading.MORE_THAN,
    "at least": Reading.AT_LEAST,
    "no fewer than": Reading.AT_LEAST,
    "no less than": Reading.AT_LEAST,
    "not less than": Reading.AT_LEAST,
    "up to": Reading.AT_MOST,
    "as many as": Reading.AT_MOST,  # stresses how high it is, and that it goes no higher
    "at most": Reading.AT_MOST,
    "no more than": Reading.AT_MOST,
    "not more than": Reading.AT_MOST,
    "fewer than": Reading.FEWER_THAN,
    "less than": Reading.FEWER_THAN,
    "under": Reading.FEWER_THAN,
    "nearly": Reading.JUST_UNDER,
    "almost": Reading.JUST_UNDER,
    "approximately": Reading.ABOUT,
    "about": Reading.ABOUT,
    "around": Reading.ABOUT,
    "roughly": Reading.ABOUT,
    "some": Reading.ABOUT,
    "an estimated": Reading.ABOUT,
    # A list item or a sum states the figure itself.
    "including": Reading.EXACT,
    "a total of": Reading.EXACT,
}
_NUMBER_WORDS = (  # noqa: SIM905 (a sentence of words reads better than 31 lines)
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred thousand million billion"
).split()
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DURATION_UNITS = {
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "decade",
    "decades",
}
_STOP = {
    "in",
    "to",
    "on",
    "since",
    "from",
    "and",
    "with",
    "the",
    "during",
    "at",
    "as",
    "by",
    "that",
    "which",
    "while",
    "have",
    "has",
    "had",
    "were",
    "was",
    "is",
    "are",
    "a",
    "an",
    "for",
    "into",
    "across",
    "per",
    "this",
    "its",
    "their",
    "been",
    "be",
    "but",
    "or",
}

# 39,900 · 39 900 · 39.900 · 1'164 · 12 · 1.5 — thousands groups of exactly three digits.
_DIGITS = (
    r"\d{1,3}(?:(?:,|\u202f|\u00a0|'|’| )\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?!\d)|\d+(?:\.\d+)?"
)
_ANY_NUMBER_WORD = "|".join(_NUMBER_WORDS)
_WORDS = rf"(?:{_ANY_NUMBER_WORD})(?:[\s-]+(?:{_ANY_NUMBER_WORD}|and))*"
_NUMBER = re.compile(
    rf"(?<![\w.,:/-])(?P<num>{_DIGITS}|(?i:{_WORDS}))(?![\w:]|[.,]\d)"
    rf"(?:\s*(?P<scale>(?i:thousand|million|billion)))?"
    rf"(?:\s*(?:-|–|to|and)\s*(?P<high>{_DIGITS})(?![\w:]|[.,]\d))?"
    rf"(?P<percent>\s*(?:%|percent\b|per cent\b))?",
)
_QUALIFIER = re.compile(
    r"(?:^|\W)(?P<q>" + "|".join(re.escape(q) for q in QUALIFIERS) + r")\s+(?:between\s+)?$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"(?:^|\W)between\s+$", re.IGNORECASE)
_DATE_BEFORE = re.compile(rf"(?:^|\W){_MONTHS}\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(rf"^\s*(?:,\s*)?{_MONTHS}(?:\W|$)", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w’'-]+|[^\w\s]")
# "7 p.m.", "6 am", "10.30pm", "9 o'clock", "14h GMT": a time of day, not a count.
_CLOCK_AFTER = re.compile(
    r"^\s*(?:[ap]\.?m\b\.?|o[’']clock\b|h\b|hrs\b|(?:gmt|utc|cet|bst|edt|est)\b)", re.IGNORECASE
)
# "the 2024 elections", "in 2000": a four-digit figure after these words names a year.
_YEAR_BEFORE = re.compile(
    r"(?:^|\W)(?:the|in|since|of|by|until|fiscal|from|during|before|after|mid|early|late)\s+$",
    re.IGNORECASE,
)
_FRACTIONS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_SMALL = "a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_SCALE_WORD = "hundred|thousand|million|billion|dozen"
# Numbers whose words text2num cannot read whole; each gives its value in _special_value.
# A lone "a" before "hundred"/"dozen" is part of the number, which text2num rejects.
_SPECIAL = re.compile(
    rf"(?<![\w.,:/-])(?i:(?P<whole>{_ANY_NUMBER_WORD}|\d+(?:\.\d+)?)\s+and\s+a\s+"
    rf"(?P<and_frac>half|quarter)\s+(?P<and_scale>{_SCALE_WORD})"
    rf"|(?:a\s+|one\s+)?(?P<frac>half|quarter)\s+(?:of\s+)?an?\s+(?P<frac_scale>{_SCALE_WORD})"
    rf"|(?P<count>{_SMALL}|\d+)\s+dozen"
    rf"|(?P<lone>an?)\s+(?P<lone_scale>{_SCALE_WORD})(?![\s-]+(?:and\s+)?(?:{_ANY_NUMBER_WORD})\b)"
    rf"|(?P<part>{_SMALL})[\s-]+(?P<parts>half|halves|thirds?|quarters?|fifths?|tenths?)\s+of\b"
    rf"|(?P<half>half)\s+of\b)(?!\w)"
    rf"(?P<percent>)",
)
_SCALE_VALUES = {"hundred": 100, "dozen": 12, **_SCALES}


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    high: float | None  # a range's upper end ("10-12": value 10, high 12)
    qualifier: str
    counted: str
    percent: bool = False


def _to_number(token: str) -> float | None:
    token = token.strip()
    if token[0].isdigit():
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
            return float(token.replace(".", ""))  # "39.900": European thousands
        return float(re.sub(r"[,\u202f\u00a0'’ ]", "", token))
    try:
        return float(text2num(" ".join(token.lower().replace("-", " ").split()), "en"))
    except ValueError:
        return None


def _special_value(match: re.Match[str]) -> tuple[float, bool] | None:
    """(value, percent) of a _SPECIAL match: "half a million" → 500,000; "a third of" →
    33.3 %, since a share of something is a percentage written in words."""
    group = match.group
    if group("and_scale"):
        whole = _to_number(group("whole"))
        if whole is None:
            return None
        fraction = 1 / _FRACTIONS[group("and_frac").lower()]
        return (whole + fraction) * _SCALE_VALUES[group("and_scale").lower()], False
    if group("frac_scale"):
        fraction = 1 / _FRACTIONS[group("frac").lower()]
        return fraction * _SCALE_VALUES[group("frac_scale").lower()], False
    if group("count") is not None:
        count = 1.0 if group("count").lower() in {"a", "an"} else _to_number(group("count"))
        return (count * 12, False) if count else None
    if group("lone_scale"):
        return float(_SCALE_VALUES[group("lone_scale").lower()]), False
    if group("parts"):
        part = 1.0 if group("part").lower() in {"a", "an"} else _to_number(group("part"))
        denominator = _FRACTIONS[group("parts").lower().rstrip("s").replace("halve", "half")]
        return (round(100 * part / denominator, 2), True) if part else None
    if group("half"):
        return 50.0, True
    return None


def _counted(after: str) -> str:
    words = []
    for word in _WORD.findall(after)[:8]:
        if not word[0].isalnum() and word not in "-’'":
            break
        lower = word.lower()
        if lower == "of" and not words:
            continue  # "12,000 of its soldiers"
        if lower in _STOP:
            if words:
                break
            continue
        words.append(lower)
        if len(words) == 4:
            break
    return " ".join(words)


def _is_year(value: float, token: str, after: str, before: str) -> bool:
    return (
        token.isdigit()
        and len(token) == 4
        and 1800 <= value <= 2100
        # "2000 troops" is a count, "the 2024 elections" a year
        and (
            not re.match(r"^\s+(?!(?:was|is|has|does)\b)[a-z]+s\b", after)
            or bool(_YEAR_BEFORE.search(before))
        )
    )


def extract_quantities(text: str) -> list[Quantity]:
    found = []
    specials = [m for m in _SPECIAL.finditer(text) if _special_value(m)]
    for match in sorted([*specials, *_NUMBER.finditer(text)], key=lambda m: m.start()):
        before, after = text[: match.start()], text[match.end() :]
        if _CLOCK_AFTER.match(after):
            continue  # "7 p.m."
        if match.re is _SPECIAL:
            value, percent = _special_value(match)
            if not math.isfinite(value):
                continue  # "999…9 dozen": no figure a page or an export can show
            found.append(_quantity(match, before, after, value, None, percent))
            continue
        if any(s.start() <= match.start() < s.end() for s in specials):
            continue  # "a dozen" was read whole above; "twelve" of "twelve dozen" too
        token = match.group("num")
        if _DATE_BEFORE.search(before) or _DATE_AFTER.match(after):
            continue  # "August 6", "6 November"
        if _ORDINAL_AFTER.match(after):
            continue  # "1st"
        if re.search(r"\b(?:other|remaining)\s+$", before, re.IGNORECASE):
            continue  # "the other two": a part of a whole counted elsewhere
        if token.lower() in _SCALES or token.lower() == "hundred":
            continue  # "several hundred people", "thousands": no figure given
        value = _to_number(token)
        if match.group("scale") and value is not None:
            value *= _SCALES[match.group("scale").lower()]
        if value is None or not math.isfinite(value):
            continue
        if not match.group("scale") and _is_year(value, token, after, before):
            continue
        counted = _counted(after)
        first_word = counted.split(" ", 1)[0] if counted else ""
        if first_word in _DURATION_UNITS and not match.group("percent"):
            continue  # "11 years of war", "six months"
        if token.lower() == "one" and (counted in {"", "another"} or re.match(r"^\s+of\b", after)):
            continue  # "one of three brigades" counts brigades, not "one"
        high = _to_number(match.group("high")) if match.group("high") else None
        if high is not None and high < value:
            high = None  # "1-0" or a dash that is not a range
        found.append(_quantity(match, before, after, value, high, bool(match.group("percent"))))
    return found


def _quantity(
    match: re.Match[str], before: str, after: str, value: float, high: float | None, percent: bool
) -> Quantity:
    qualifier = _QUALIFIER.search(before[-40:])
    return Quantity(
        start=match.start(),
        end=match.end(),
        text=match.group(0),
        value=value,
        high=high,
        qualifier=qualifier.group("q").lower() if qualifier else "",
        counted=_counted(after),
        percent=percent,
    )
