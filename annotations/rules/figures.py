"""Figures across articles: which measure a quantity belongs to, the date it holds for,
and whether two figures of one measure agree (DESIGN.md; issue "Figures and time").

Pure functions; services store what they decide at import.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
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
# Plurals without an s: "twelve thousand people" counts, "the remaining two lost" does not.
_PLURALS = {"people", "children", "men", "women", "police", "staff", "livestock", "cattle"}
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
    if found.percent:
        # "forty per cent" names its measure by the words around it, not after it.
        return f"{side}:percent:{counted}", f"{counted} (%)"
    written = not found.text[:1].isdigit()
    if written and not any(re.search(pattern, counted) for _, pattern in EQUIPMENT):
        first = counted.split(" ", 1)[0]
        if first not in _PLURALS and (
            not first.endswith("s") or first in {"others", "is", "was", "has"}
        ):
            return None
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
    percent: bool = False


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
    """Half the step a round figure implies: 16,000 → 500; 909 → 0; but at most a tenth of
    it, so a one-digit figure is not a guess to ±50 %: 40,000 → 4,000, and "a million
    pounds" then "1.4 million" is an update, not a rounding."""
    if value <= 0 or value != int(value):
        return 0.0
    zeros = len(str(int(value))) - len(str(int(value)).rstrip("0"))
    return 0.0 if zeros == 0 else min(10**zeros / 2, value / 10)


def _percent_rounding(value: float) -> float:
    """Half the last stated digit of a share: 33 % is 32.5 up to 33.5, 2.4 % is 2.35 up
    to 2.45, and "a third" (33.33) lies inside "33 %". Shares are not rounded to tens."""
    decimals = len(f"{value:g}".partition(".")[2])
    return 0.5 * 10**-decimals


def allowed_values(figure: Figure) -> Interval:
    """The values a figure's wording allows (quantities.Reading says what each qualifier
    means; an unknown or missing qualifier reads as the figure itself)."""
    low, high = figure.value, figure.high if figure.high is not None else figure.value
    reading = QUALIFIERS.get(figure.qualifier, Reading.EXACT)
    if reading is Reading.EXACT:
        # A round figure stands for every value that rounds to it: 12,000 is 11,500 up to
        # but not including 12,500, so 11,000 and 12,000 never both hold.
        slack = _percent_rounding(figure.value) if figure.percent else _rounding(figure.value)
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


# --- one measure or two: by what is counted and what happened to it -------------------------

# The keys measure_key gives from the seeds' vocabulary; any other key is just the counted
# words, which differ with the wording ("people" vs "people evacuated").
_NAMED_KEY = re.compile(r":(?:equipment|casualties|prisoners|killed|deployed)\b|^area:")


def _words(sentence: str) -> frozenset[str]:
    return frozenset(sentence.split())


# Words that say how a figure moved or who said it, not what it counts.
_NOT_EVENTS = _words(
    "said told according confirmed added announced stated estimated reported including rose "
    "risen rising climbed reached increased fell fallen dropped stood went jumped stayed "
    "remained now still being having morning evening during following"
)
# An event said in other words: "killed" and "died" count the same dead (word stems).
_SAME_EVENT = {
    stem: event
    for event, stems in {
        "death": "kill die died dead death dy",
        "injury": "injur wound hurt",
        "arrest": "arrest detain",
        "flee": "flee fled displac evacuat",
        "rescue": "rescu pull sav",
        "lose": "lost lose los",
        "cut": "cut shed slash",
        "spend": "spent spend cost",
    }.items()
    for stem in _words(stems)
}
_IRREGULAR_VERBS = _words(
    "killed died dead fled lost cut hit shot hurt spent won left sold built held kept sent "
    "paid caught missing given taken seen flown drew raised costs cost carried"
)
_NOT_THINGS = _words(
    "new more other additional total some last this next week weeks month months year years "
    "day days today yesterday so far monday tuesday wednesday thursday friday saturday sunday "
    "morning night evening officials said police of the a an were was is are have has had "
    "been be now still up"
)
_NEAR = 5
# Alternatives that exclude each other (stems, events as _SAME_EVENT names them): two
# figures that say different ones of a set count two things, however alike the sentences.
_CONTRARY = [
    _words(group)
    for group in (
        "destroy damag",
        "death injury captur miss",
        "import export",
        "won win lose",
        "cancel cancell delay",
        "arrest releas",
        "approv reject",
        "buy bought sell sold",
        "open clos",
        "birth death",
    )
]
_UP = _words("rose risen rise rises climbed increased jumped grew gained")
# A figure that is a change, not a level: "exports fell 8%", "rose by 3 percent".
_CHANGE_BEFORE = re.compile(
    r"\b(rose|risen|rises?|climbed|increased|jumped|grew|gained|fell|fallen|falls?|dropped"
    r"|declined|decreased|shrank|slipped)\s+(?:by\s+)?(?:(?:about|around|nearly|some|almost)"
    r"\s+)?$",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
_CONTENT = re.compile(r"[a-z][a-z’'-]+")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:and|but|while|including|after|as)\b")


@dataclass(frozen=True)
class Described:
    """What a figure counts ("thing": households, euros) and what happened to it ("events":
    arrested, damaged), as word stems; phrase says both in the sentence's own words
    ("homes destroyed"), for a sentence model; change is "up" or "down" when the figure is
    a rise or a fall ("exports fell 8%"), not a level ("fell to 8%"); text is the sentence
    without its numbers."""

    key: str
    percent: bool
    thing: frozenset[str]
    events: frozenset[str]
    text: str
    phrase: str = ""
    change: str = ""


def _stem(word: str) -> str:
    word = word.lower().strip("’'-")
    for ending in ("ies", "ied", "ing", "ed", "es", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)] + ("y" if ending in {"ies", "ied"} else "")
            break
    return word


def describe(found: Found, sentence: str, key: str) -> Described:
    """The counted thing and event of one figure of a sentence."""
    before = _CLAUSE_BREAK.split(sentence[: found.start].lower())[-1]
    after_clause = _CLAUSE_BREAK.split(sentence[found.end :].lower())[0]
    # Whose figure it is (side) is not what it counts: "North Korean troops killed" and
    # "North Korean brigades" share a side, not a thing.
    counted = [w for w in _SIDE_WORDS.sub("", found.counted).split() if w not in _NOT_THINGS]
    symbol = sentence[: found.start].rstrip()[-1:]
    if symbol in _CURRENCY_BEFORE:
        thing_words = [_CURRENCY_BEFORE[symbol]]
    elif counted and not re.match(r"^\W*(?:in|at|on|by|for|to|from)\b", after_clause):
        # The words right after the figure name what it counts: "1,250 new cases".
        thing_words = [w for w in counted if not _is_verb(w)] or counted[:1]
    else:
        # "Turnout reached 40 percent", "the death toll rose to 2,300": the subject before.
        verbs = {_stem(w) for w in _CONTENT.findall(before) if _is_verb(w)}
        thing_words = [
            w
            for w in _CONTENT.findall(_SIDE_WORDS.sub("", before))
            if w not in _NOT_THINGS | _NOT_EVENTS and _stem(w) not in verbs
        ]
    thing = {_stem(w) for w in thing_words}
    # What happened to the counted thing is said next to it: five words either side, not
    # the whole sentence ("losses totaled 4,000, eliminating one of three brigades").
    words = [
        *_CONTENT.findall(sentence[: found.start].lower())[-_NEAR:],
        *_CONTENT.findall(sentence[found.end :].lower())[:_NEAR],
    ]
    event_words = [w for w in words if _is_verb(w)]
    events = {_SAME_EVENT.get(_stem(w), _stem(w)) for w in event_words}
    thing = {_SAME_EVENT.get(w, w) for w in thing} - events
    # The sentence with this figure's number, and any other, left out.
    text = re.sub(r"\d[\d:.,]*", "", sentence[: found.start] + sentence[found.end :])
    change = _CHANGE_BEFORE.search(sentence[: found.start])
    return Described(
        key,
        found.percent,
        frozenset(thing),
        frozenset(events),
        " ".join(text.split()),
        # For a sentence model: what is counted and what happened to it, in the sentence's
        # words, so two wordings compare by those alone ("people evacuated" / "people moved").
        phrase=" ".join(dict.fromkeys([*thing_words, *event_words])),
        change=("up" if change.group(1).lower() in _UP else "down") if change else "",
    )


def _is_verb(word: str) -> bool:
    if word in _NOT_EVENTS:
        return False
    return word in _IRREGULAR_VERBS or (
        len(word) > 4 and word.endswith(("ed", "ing")) and word not in {"hundred", "during"}
    )


def contrary(a: Described, b: Described) -> bool:
    """Whether the two say opposite or exclusive things of what they count: a rise and a
    fall, or two alternatives of one of _CONTRARY's sets (destroyed / damaged, killed /
    wounded, imports / exports, won / lost). A sentence model puts such pairs close
    together, so no similarity of meaning may join them."""
    if a.change and b.change and a.change != b.change:
        return True
    said_a, said_b = a.thing | a.events, b.thing | b.events
    for alternatives in _CONTRARY:
        mine, theirs = said_a & alternatives, said_b & alternatives
        if mine and theirs and not mine & theirs:
            return True
    return False


def same_by_words(a: Described, b: Described) -> bool:
    """The same counted thing (after stemming) and no event of one missing from the other
    when both say one ("killed" and "died" are one event, _SAME_EVENT)."""
    if not a.thing & b.thing:
        return False
    return not (a.events and b.events) or bool(a.events & b.events)


# The least similarity of meaning of two phrases (counted thing and event) for two figures
# the word rules keep apart to count the same thing; tuned on the labelled pairs
# (manage.py eval_figures prints the range that scores best, README "Figures evaluation").
MEANING_THRESHOLD = 0.62


def same_measure(
    a: Described,
    b: Described,
    similarity: Callable[[str, str], float] | None = None,
    threshold: float = MEANING_THRESHOLD,
    *,
    by_words: bool = True,
) -> bool:
    """Whether two figures count the same thing: the seeds' named measures by key; a share
    and a count never; contrary ones never; otherwise by the word rules (same_by_words),
    and where they see two measures, by meaning when a sentence model's `similarity` is
    given: the counted thing and event said in other words ("8,000 people evacuated" /
    "8,000 people were moved out") at least `threshold` alike. by_words=False leaves the
    word rules and the guard out, to evaluate the model alone."""
    if a.percent != b.percent:
        return False
    if _NAMED_KEY.search(a.key) and _NAMED_KEY.search(b.key):
        return a.key == b.key
    if not by_words:
        if similarity is None:
            raise ValueError("without the word rules a similarity of meaning is needed")
        return similarity(a.phrase, b.phrase) >= threshold
    if contrary(a, b):
        return False
    if same_by_words(a, b):
        return True
    return similarity is not None and similarity(a.phrase, b.phrase) >= threshold


def measure_by_meaning(
    described: Described,
    known: list[Described],
    similarity: Callable[[str, str], float] | None = None,
    threshold: float = MEANING_THRESHOLD,
    *,
    by_words: bool = True,
) -> str:
    """The key of the measure a figure joins, given figures already grouped: one of the
    seeds' named measures by its key; else a known measure that counts the same thing,
    though worded otherwise ("8,000 people evacuated" joins "8,000 people were evacuated
    on Sunday"); else its own key — with what happened added when figures of something
    else hold that key ("destroyed 300 homes" and "damaged 300 homes" are both "homes")."""
    if _NAMED_KEY.search(described.key):
        return described.key
    side = described.key.split(":", 1)[0]
    for other in known:
        if (
            other.key.split(":", 1)[0] == side
            and not _NAMED_KEY.search(other.key)  # those are matched by their words only
            and same_measure(described, other, similarity, threshold, by_words=by_words)
        ):
            return other.key
    if any(other.key == described.key for other in known):
        return f"{described.key}:{' '.join(sorted(described.thing | described.events))}"
    return described.key
