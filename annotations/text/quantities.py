"""Find the quantities a sentence states: value (or range), qualifier, what is counted.

"approximately 39,900 casualties" → 39900, "approximately", "casualties". Written-out
numbers ("three helicopters") are read by text2num. Years, dates, clock times, durations
("11 years of war") and ordinals are not quantities and are skipped.

Pure functions over text; offsets are code points of the text given.
"""

from __future__ import annotations

import enum
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


def _is_year(value: float, token: str, after: str) -> bool:
    return (
        token.isdigit()
        and len(token) == 4
        and 1800 <= value <= 2100
        and not re.match(r"^\s+[a-z]+s\b", after)  # "2000 troops" is a count
    )


def extract_quantities(text: str) -> list[Quantity]:
    found = []
    for match in _NUMBER.finditer(text):
        token = match.group("num")
        before, after = text[: match.start()], text[match.end() :]
        if _DATE_BEFORE.search(before) or _DATE_AFTER.match(after):
            continue  # "August 6", "6 November"
        if _ORDINAL_AFTER.match(after):
            continue  # "1st"
        if re.search(r"\b(?:other|remaining)\s+$", before, re.IGNORECASE):
            continue  # "the other two": a part of a whole counted elsewhere
        if token.lower() in _SCALES or token.lower() == "hundred":
            continue  # "several hundred people", "thousands": no figure given
        value = _to_number(token)
        if value is None:
            continue
        if match.group("scale"):
            value *= _SCALES[match.group("scale").lower()]
        if not match.group("scale") and _is_year(value, token, after):
            continue
        counted = _counted(after)
        first_word = counted.split(" ", 1)[0] if counted else ""
        if first_word in _DURATION_UNITS and not match.group("percent"):
            continue  # "11 years of war", "six months"
        if token.lower() == "one" and (counted in {"", "another"} or re.match(r"^\s+of\b", after)):
            continue  # "one of three brigades" counts brigades, not "one"
        qualifier = _QUALIFIER.search(before[-40:])
        high = _to_number(match.group("high")) if match.group("high") else None
        if high is not None and high < value:
            high = None  # "1-0" or a dash that is not a range
        found.append(
            Quantity(
                start=match.start(),
                end=match.end(),
                text=match.group(0),
                value=value,
                high=high,
                qualifier=qualifier.group("q").lower() if qualifier else "",
                counted=counted,
                percent=bool(match.group("percent")),
            )
        )
    return found
