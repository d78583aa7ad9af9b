"""Which names of an origin are one origin (pure).

Reviewers type "attributed to" as the article words it, so one body arrives under many
names: "General Staff of the Armed Forces of Ukraine", "Ukraine's General Staff", "the
General Staff of the Ukrainian Armed Forces", "the General Staff". Counted as typed, one
statement relayed by five outlets would look like five origins (DESIGN.md: "one origin,
not five confirmations").

The automatic rule reads a name as (countries, core words):

- countries: "Ukraine", "Ukrainian", "Ukraine's", "AFU" all say Ukraine; two names that
  name different countries are never one origin (the Russian and the Ukrainian ministry
  of defence stay two, whatever else they share);
- core words: the rest, lower-cased, without "the", "of", possessives, and with known
  spellings made one ("defense"/"defence", "Zelenskyy"/"Zelensky"); "the armed forces"
  after "General Staff" adds nothing (the General Staff *of the Armed Forces of Ukraine* is
  Ukraine's General Staff). Transliterations one letter apart ("Syrskyi"/"Syrsky") match.

Names with the same countries and core words are one origin. A name that says less
("the General Staff", "Defence Ministry") joins a fuller one whose words include its own,
but only when exactly one origin among those present fits: with both a Russian and a
Ukrainian ministry of defence around, "the Defence Ministry" is left on its own rather than
guessed. Words that name no body by themselves ("the command", "the ministry", "the
president") join nothing by inclusion, only by identity.

A moderator's decision wins over all of it (`decisions`: a spelling's key → the name that
stands for it; annotations.models.OriginName stores them with who and when): names a
moderator put together are one origin under the name they chose, names a moderator split
apart stay apart, and only names nobody decided on are grouped by the rule (joining a
decided origin when the rule says they are the same).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

# Phrases first (longest first), then single words; each maps to a country code.
_COUNTRY_PHRASES = {
    "armed forces of ukraine": "UA",
    "russian federation": "RU",
    "north korea": "KP",
    "north korean": "KP",
    "united states": "US",
    "united kingdom": "GB",
}
_COUNTRY_WORDS = {
    "ukraine": "UA",
    "ukrainian": "UA",
    "ukraines": "UA",
    "afu": "UA",
    "zsu": "UA",
    "russia": "RU",
    "russian": "RU",
    "russias": "RU",
    "dprk": "KP",
    "pyongyang": "KP",
    "belarus": "BY",
    "belarusian": "BY",
    "american": "US",
    "usa": "US",
    "british": "GB",
    "britain": "GB",
    "china": "CN",
    "chinese": "CN",
}
# One spelling for words written several ways.
_SPELLINGS = {
    "defense": "defence",
    "mod": "ministry defence",
    "zelenskyy": "zelensky",
    "zelenskiy": "zelensky",
    "zelenskyi": "zelensky",
    "zelenskii": "zelensky",
    "syrskyi": "syrsky",
    "syrskiy": "syrsky",
    "syrskii": "syrsky",
    "commander-in-chief": "commander chief",
}
# Phrases that name one thing: "General Staff" is a body, though "general" and "staff"
# alone are not.
_PHRASES = {"general staff": "generalstaff"}
_STOP = {"the", "of", "on", "via", "a", "an", "and", "for", "s", "in", "at", "to"}
# Words that name no body by themselves: a name made only of them joins another only when
# it is the same name, never because another includes it.
_GENERIC = {
    "ministry",
    "command",
    "commander",
    "chief",
    "forces",
    "armed",
    "army",
    "military",
    "government",
    "office",
    "president",
    "minister",
    "prime",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "official",
    "officials",
    "authorities",
    "staff",
    "general",
    "service",
    "press",
    "department",
    "agency",
    "head",
}
# Two words are one spelling at this rapidfuzz ratio (and five letters or more).
_SAME_WORD = 88
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def spelling_key(name: str) -> str:
    """A spelling as it is stored and looked up: spacing, case and the kind of apostrophe
    are not a different spelling."""
    name = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class OriginKey:
    countries: frozenset[str]
    words: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.countries) + len(self.words)


def origin_key(name: str) -> OriginKey:
    """The countries and core words a name is compared by (see the module's docstring)."""
    text = spelling_key(name)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s-]", " ", text)
    text = " ".join(text.split())
    for phrase, word in _PHRASES.items():
        text = re.sub(rf"\b{phrase}\b", word, text)
    countries = set()
    for phrase, country in sorted(_COUNTRY_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{phrase}\b", text):
            countries.add(country)
            text = re.sub(rf"\b{phrase}\b", " ", text)
    words: list[str] = []
    for raw in text.split():
        for word in _SPELLINGS.get(raw, raw).replace("-", " ").split():
            word = _SPELLINGS.get(word, word)
            if word in _COUNTRY_WORDS:
                countries.add(_COUNTRY_WORDS[word])
            elif word not in _STOP:
                words.extend(word.split())
    core = set(words)
    if "generalstaff" in core:
        core -= {"armed", "forces"}
    return OriginKey(countries=frozenset(countries), words=frozenset(core))


def _word_in(word: str, words: frozenset[str]) -> bool:
    if word in words:
        return True
    return len(word) >= 5 and any(
        len(other) >= 5 and fuzz.ratio(word, other) >= _SAME_WORD for other in words
    )


def _words_within(small: frozenset[str], big: frozenset[str]) -> bool:
    return all(_word_in(word, big) for word in small)


def same_origin(a: OriginKey, b: OriginKey) -> bool:
    """The same countries and the same core words (spelling aside)."""
    return (
        a.countries == b.countries
        and _words_within(a.words, b.words)
        and _words_within(b.words, a.words)
    )


def says_less(small: OriginKey, big: OriginKey) -> bool:
    """`small` names what `big` names, with less: no other country, none of its own words,
    and at least one word that names a body by itself."""
    if not small.countries <= big.countries or small.words - _GENERIC == frozenset():
        return False
    if not _words_within(small.words, big.words):
        return False
    return not same_origin(small, big)


@dataclass
class OriginGroup:
    """One origin: the name that stands for it and every spelling counted as it."""

    name: str
    spellings: list[str] = field(default_factory=list)
    # Set by a moderator (the name stands because they chose it), not by the rule.
    decided: bool = False
    keys: list[OriginKey] = field(default_factory=list)


def _fullest(name: str) -> tuple:
    """Which spelling stands for a group the rule made: the one that names the most
    (countries and words), then one without a parenthesis, the longest (a leading "the"
    aside), one without "the", then the properly capitalised one."""
    key = origin_key(name)
    bare = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return (
        -key.size,
        "(" in name,
        -len(bare),
        name.lower().startswith("the "),
        -sum(ch.isupper() for ch in name),
        name,
    )


def origin_groups(
    names: Iterable[str], decisions: Mapping[str, str] | None = None
) -> list[OriginGroup]:
    """Group names into origins: moderators' decisions first (keyed by spelling_key), then
    the rule for every name nobody decided on. Groups keep the order of their standing
    names' first appearance in `names`."""
    decisions = decisions or {}
    distinct: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name:
            distinct.setdefault(spelling_key(name), name)

    groups: list[OriginGroup] = []
    by_stand: dict[str, OriginGroup] = {}
    undecided: list[str] = []
    for key, name in distinct.items():
        stands = decisions.get(key, "")
        if not stands:
            undecided.append(name)
            continue
        group = by_stand.get(spelling_key(stands))
        if group is None:
            group = by_stand[spelling_key(stands)] = OriginGroup(name=stands, decided=True)
            groups.append(group)
        group.spellings.append(name)
        group.keys.append(origin_key(name))
    # A decided origin is known by its standing name too, even when no spelling here is it.
    for group in groups:
        group.keys.append(origin_key(group.name))

    # Fuller names first, so that a shorter one finds the origin it says less about.
    for name in sorted(undecided, key=_fullest):
        key = origin_key(name)
        fits = [g for g in groups if any(same_origin(key, k) for k in g.keys)]
        if not fits:
            fits = [g for g in groups if any(says_less(key, k) for k in g.keys)]
        if len(fits) == 1:
            fits[0].spellings.append(name)
            fits[0].keys.append(key)
        else:
            # Nothing fits, or more than one origin does: on its own rather than guessed.
            groups.append(OriginGroup(name=name, spellings=[name], keys=[key]))

    for group in groups:
        if not group.decided:
            # A spelling copied from mid-sentence ("according to the General Staff") stands
            # without its article; "The Kyiv Independent", capitalised, is a name.
            group.name = re.sub(r"^the\s+", "", group.name)
    order = {key: i for i, key in enumerate(distinct)}
    for group in groups:
        group.spellings.sort(key=lambda n: order[spelling_key(n)])
    return sorted(groups, key=lambda g: min(order[spelling_key(n)] for n in g.spellings))


def origins_grouped(names: Iterable[str], decisions: Mapping[str, str] | None = None) -> list[str]:
    """The origins `names` count as, one standing name each (see origin_groups)."""
    return [group.name for group in origin_groups(names, decisions)]
