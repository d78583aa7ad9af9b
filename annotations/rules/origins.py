"""Which names of an origin are one origin: spelling variants counted once (pure)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz


def _origin_key(name: str) -> str:
    name = re.sub(r"[^\w\s]", " ", name.lower())
    name = re.sub(r"\b(the|of|on|via|ukraine s|s)\b", " ", name)
    return " ".join(name.split())


def origins_grouped(names: list[str]) -> list[str]:
    """Spelling variants of one origin counted once: names whose words are one a subset of
    the other ("the General Staff" / "General Staff of the Armed Forces of Ukraine") or
    nearly the same ("Gen. Staff AFU") are grouped, and the fullest name stands for them."""
    groups: list[list[str]] = []

    # Fullest first; between equally long spellings, the properly capitalised one.
    def fullest(name: str) -> tuple:
        return (-len(name), -sum(ch.isupper() for ch in name), name)

    for name in sorted({" ".join(n.split()) for n in names if n.strip()}, key=fullest):
        key = _origin_key(name)
        for group in groups:
            if fuzz.token_set_ratio(key, _origin_key(group[0])) >= 90:
                group.append(name)
                break
        else:
            groups.append([name])
    return [group[0] for group in groups]
