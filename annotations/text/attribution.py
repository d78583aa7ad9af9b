"""Guess who a sentence attributes its claim to ("according to X", "X said"), to prefill
the attributed-to field. A suggestion only: the reviewer always confirms or edits it."""

from __future__ import annotations

import re

_VERBS = r"(?:said|says|stated|states|reported|reports|added|outlined|announced|claimed|noted)"
_ACCORDING_TO = re.compile(r"\baccording to (?P<who>[^,;:.“”\"()]{3,120})", re.IGNORECASE)
_WHO_SAID = re.compile(
    rf"(?:^|[,“”\"]\s*)(?P<who>(?:the |The )?[A-Z][\w’'\-]*(?: [\w’'\-()]+){{0,12}}?) {_VERBS}\b"
)
_SAID_WHO = re.compile(rf"\b{_VERBS} (?P<who>(?:the )?[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*){{0,6}})")
# Where the statement was published is not who made it.
_CHANNEL = re.compile(r"\s+(?:on|via|in a post on) (?:Facebook|Telegram|X|Twitter)\b.*$")


def attribution_guess(sentence: str) -> str:
    for pattern in (_ACCORDING_TO, _WHO_SAID, _SAID_WHO):
        match = pattern.search(sentence)
        if match:
            who = _CHANNEL.sub("", match.group("who")).strip()
            if who.lower() in {"it", "he", "she", "they", "this", "that", "the report"}:
                continue
            return who[:1].upper() + who[1:]
    return ""
