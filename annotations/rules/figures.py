"""Figures across articles: which measure a quantity belongs to, the date it holds for,
and whether two figures of one measure agree (DESIGN.md; issue "Figures and time").

Pure functions; services store what they decide at import.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass

from annotations.text.quantities import QUALIFIERS, Reading
from annotations.text.quantities import Quantity as Found

# Equipment, most specific wording first: "armored combat vehicles" before "vehicles".
EQUIPMENT = [
    ("armored vehicles", r"armou?red"),
    ("multiple launch rocket systems", r"multiple launch rocket|\bmlrs\b"),
    ("air defense systems", r"air defen[cs]e"),
    ("artillery systems", r"artillery"),
    ("tanks", r"\btanks?\b"),
    ("aircraft", r"\b(?:air ?planes?|warplanes?|aircraft)\b"),
    ("helicopters", r"helicopters?"),
    ("drones", r"\b(?:drones?|uavs?)\b"),
    ("special equipment units", r"special equipment"),
    ("vehicles", r"vehicles?"),
]
_SIDES = [
    ("north korean", re.compile(r"north korea|\bdprk\b|pyongyang", re.IGNORECASE)),
    ("ukrainian", re.compile(r"\bukrainian (?:troops|forces) (?:launched|with)\b", re.IGNORECASE)),
]
_PRISONERS = re.compile(r"prisoner|captur|captive", re.IGNORECASE)
_SIDE_WORDS = re.compile(r"\b(?:russian|north korean|conventional)\b\s*")
_CASUALTIES = re.compile(
    r"casualt|losses|\blost\b|killed(?:,| and| or) (?:wounded|captured)", re.IGNORECASE
)
_KILLED = re.compile(r"^killed\b|\bkilled\b", re.IGNORECASE)
_PEOPLE = re.compile(r"\b(?:soldiers|troops|personnel|servicemen|men)\b", re.IGNORECASE)
_AREA = re.compile(r"square (?:kilometers|kilometres|miles)", re.IGNORECASE)
_AS_OF = re.compile(
    r"\bas of (?P<month>[A-Z][a-z]+)\.? (?P<day>\d{1,2})(?:,? (?P<year>\d{4}))?", re.IGNORECASE
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


def measure_key(found: Found, sentence: str) -> tuple[str, str] | None:
    """(key, readable name) of the measure a figure counts, from its counted words and
    the sentence around it; None for a figure that counts nothing nameable ("the
    remaining two lost combat effectiveness")."""
    counted = found.counted
    after = sentence[found.end :][:60].lower()
    if "russian" in counted:
        side = "russian"
    elif "north korean" in counted:
        side = "north korean"
    else:
        side = next((name for name, pattern in _SIDES if pattern.search(sentence)), "russian")
    counted = _SIDE_WORDS.sub("", counted).strip()
    written = not found.text[:1].isdigit()
    if written and not any(re.search(pattern, counted) for _, pattern in EQUIPMENT):
        first = counted.split(" ", 1)[0]
        if not first.endswith("s") or first in {"others", "is", "was", "has"}:
            return None
    if found.percent:
        return f"{side}:percent:{counted}", f"{counted} (%)"
    area = _AREA.search(after)
    if area:
        unit = area.group(0).lower().replace("kilometres", "kilometers")
        return f"area:{unit}", f"territory ({unit})"
    for name, pattern in EQUIPMENT:
        if re.search(pattern, counted):
            return f"{side}:equipment:{name}", f"{side.capitalize()} {name} destroyed"
    if _CASUALTIES.search(after[:40]):
        return f"{side}:casualties", f"{side.capitalize()} casualties (killed and wounded)"
    if _PRISONERS.search(sentence) and (
        _PEOPLE.search(counted) or "prisoner" in counted or counted in {"", "soldiers"}
    ):
        return f"{side}:prisoners", f"{side.capitalize()} soldiers taken prisoner"
    if (
        not _KILLED.match(counted)
        and _CASUALTIES.search(sentence)
        and (
            not counted
            or _PEOPLE.search(counted)
            or "casualt" in counted
            or "loss" in counted
            or "lost" in counted
        )
    ):
        return f"{side}:casualties", f"{side.capitalize()} casualties (killed and wounded)"
    if _KILLED.search(counted) or (_PEOPLE.search(counted) and "killed" in after[:40]):
        return f"{side}:killed", f"{side.capitalize()} soldiers killed"
    if side == "north korean" and _PEOPLE.search(counted):
        return f"{side}:deployed", "North Korean troops deployed"
    words = counted or "unspecified"
    return f"{side}:{words}", f"{side.capitalize()} {words}"


def as_of_date(
    sentence: str, published: datetime.date | None
) -> tuple[datetime.date | None, bool]:
    """The date a figure holds for: one the sentence states ("as of Feb. 5", taking the
    year of the article, or the year before when that would lie after it), else the
    article's date. (date, stated)."""
    match = _AS_OF.search(sentence)
    if match:
        month = _MONTHS.get(match.group("month")[:3].lower())
        if month:
            year = int(match.group("year")) if match.group("year") else None
            if year is None and published is not None:
                year = published.year
                if (month, int(match.group("day"))) > (published.month, published.day):
                    year -= 1
            if year is not None:
                try:
                    return datetime.date(year, month, int(match.group("day"))), True
                except ValueError:
                    pass
    return published, False


# --- judging two figures of one measure ----------------------------------------------------

CONSISTENT, UPDATE, CONFLICT, UNDATED = "consistent", "update", "conflict", "undated"


@dataclass(frozen=True)
class Figure:
    value: float
    high: float | None
    qualifier: str
    as_of: datetime.date | None
    label: str = ""  # where it is from, for the one-line reason


@dataclass(frozen=True)
class Interval:
    """The values a figure's wording allows; an open end excludes its bound."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def meets(self, other: Interval) -> bool:
        """Whether one value lies in both: whether both wordings can be true at once."""
        # At equal bounds the open one is the stricter: (909, open) sorts after
        # (909, closed) for the low end, and `not open` sorts it first for the high end.
        low, low_open = max((self.low, self.low_open), (other.low, other.low_open))
        high, high_closed = min((self.high, not self.high_open), (other.high, not other.high_open))
        return low < high or (low == high and not low_open and high_closed)


def _rounding(value: float) -> float:
    """Half the step a round figure implies: 40,000 → 5,000; 16,000 → 500; 909 → 0."""
    if value <= 0 or value != int(value):
        return 0.0
    zeros = len(str(int(value))) - len(str(int(value)).rstrip("0"))
    return 0.0 if zeros == 0 else 10**zeros / 2


def allowed_values(figure: Figure) -> Interval:
    """The values a figure's wording allows (quantities.Reading says what each qualifier
    means; an unknown or missing qualifier reads as the figure itself)."""
    low, high = figure.value, figure.high if figure.high is not None else figure.value
    reading = QUALIFIERS.get(figure.qualifier, Reading.EXACT)
    if reading is Reading.EXACT:
        # A round figure stands for every value that rounds to it: 12,000 is 11,500 up to
        # but not including 12,500, so 11,000 and 12,000 never both hold.
        slack = _rounding(figure.value)
        return Interval(low - slack, high + slack, high_open=slack > 0)
    if reading is Reading.ABOUT:
        slack = max(0.05 * high, _rounding(figure.value))
        return Interval(low - slack, high + slack)
    if reading is Reading.JUST_UNDER:
        # "nearly 40,000" has not reached 40,000; a round figure elsewhere still may
        # have, through its own rounding.
        return Interval(0.9 * low, high, high_open=True)
    if reading is Reading.AT_LEAST:
        return Interval(low, math.inf, high_open=True)
    if reading is Reading.MORE_THAN:
        return Interval(low, math.inf, low_open=True, high_open=True)
    if reading is Reading.AT_MOST:
        return Interval(0.0, high)
    if reading is Reading.FEWER_THAN:
        return Interval(0.0, high, high_open=True)
    raise AssertionError(f"no interval for {reading}")  # a Reading added without one


def judge(a: Figure, b: Figure) -> tuple[str, str]:
    """(judgement, one-line reason) for two figures of one measure: consistent when one
    value satisfies both wordings, whatever the dates; otherwise a conflict on one date,
    an update across two, undated when a date is unknown."""
    if allowed_values(a).meets(allowed_values(b)):
        return CONSISTENT, f"{_say(a)} and {_say(b)} allow the same value"
    if a.as_of is None or b.as_of is None:
        return UNDATED, f"{_say(a)} vs {_say(b)}: a date is unknown, so not a conflict"
    if a.as_of != b.as_of:
        first, second = sorted([a, b], key=lambda f: f.as_of)
        return UPDATE, f"{_num(first)} on {first.as_of} → {_num(second)} on {second.as_of}"
    return CONFLICT, f"{_say(a)} and {_say(b)} cannot both hold on {a.as_of}"


def judge_measure(figures: list[Figure]) -> tuple[str, list[str]]:
    """The measure's judgement (conflict > update > undated > consistent) and the reasons
    for every pair that is not consistent."""
    order = [CONFLICT, UPDATE, UNDATED, CONSISTENT]
    verdicts = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            verdicts.append(judge(a, b))
    if not verdicts:
        return CONSISTENT, []
    worst = min((v for v, _ in verdicts), key=order.index)
    return worst, sorted({reason for v, reason in verdicts if v != CONSISTENT})


def _num(figure: Figure) -> str:
    value = f"{figure.value:,.0f}" if figure.value == int(figure.value) else f"{figure.value:,}"
    if figure.high is not None:
        value += f"–{figure.high:,.0f}"
    return value


def _say(figure: Figure) -> str:
    return f"“{(figure.qualifier + ' ') if figure.qualifier else ''}{_num(figure)}”"
