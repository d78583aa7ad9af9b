"""The one place that decides whether user text carries markup.

Notes and every other free-text field are stored as plain text and rendered escaped;
text that contains HTML is refused rather than silently altered, so a reviewer never
loses words they typed. bleach is used only here, so it can be swapped in one file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import bleach
from django.core.exceptions import ValidationError


def strip_markup(value: str) -> str:
    """The text a browser would show for `value`, with every tag and comment removed."""
    cleaned = bleach.clean(value, tags=set(), attributes={}, strip=True, strip_comments=True)
    return html.unescape(cleaned)


def contains_markup(value: str) -> bool:
    # bleach escapes bare "<" and "&", so unescaping again gives back plain text unchanged
    # ("AT&T", "a < b") and only real tags or comments make a difference.
    return strip_markup(value) != value


# Control characters other than tab, line feed and carriage return: nothing a reviewer
# types, and a NUL is refused by PostgreSQL outright.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI)
# are refused, not stripped: an RLO shows "captured 1,500" as "captured 005,1", so the
# text on screen is not the text stored; and stripping would store a text other than the
# one typed or published. Right-to-left script itself (Arabic, Hebrew) is welcome.
BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def unreadable_character(value: str) -> tuple[int, str] | None:
    """Where the first control or bidirectional control character of `value` is, and
    what kind it is; None when there is none."""
    found = [
        (match.start(), kind)
        for pattern, kind in [
            (CONTROL_CHARACTER, "control character"),
            (BIDI_CONTROL, "bidirectional control character"),
        ]
        if (match := pattern.search(value))
    ]
    return min(found) if found else None


def reject_unreadable_characters(value: str) -> None:
    """Validator: no control or bidirectional control character, named by code point."""
    found = unreadable_character(value) if value else None
    if found:
        at, kind = found
        raise ValidationError(
            f"The {kind} U+{ord(value[at]):04X} is not allowed here; write plain text.",
            code="unreadable",
        )


def reject_markup(value: str) -> None:
    """Model/form validator for every free-text field: plain text only, without the
    characters that make the text on screen differ from the text stored."""
    reject_unreadable_characters(value)
    if value and contains_markup(value):
        raise ValidationError("HTML is not allowed here; write plain text.", code="markup")


# What can look like markup: a tag, comment or doctype ("<...>", unclosed at the end too)
# and a character reference ("&amp;", "&#60;"). Deliberately wide: a piece it names is
# only let through when the article has it verbatim; everything else is judged by
# contains_markup, as typed text always is.
_MARKUP_PIECE = re.compile(r"<[^<>]*>?|&#?\w+;?")


def _collapse(value: str) -> str:
    return " ".join(value.split())


def reject_markup_not_in(source_text: str) -> Callable[[str], None]:
    """Validator for text quoted from an article (a claim made from a sentence): markup
    is allowed only where the same characters appear verbatim in `source_text`.

    An article about web security may quote "<script>" in its text; that is data, stored
    as it is and rendered escaped. What the reviewer typed around it is still held to
    plain text: every piece that looks like markup and is not in the article (compared
    with runs of whitespace collapsed, as the claim text is) keeps the value refused."""
    # Whole pieces, not substrings: "<scr" is in "<script>" but is not what it quotes.
    quoted = {_collapse(piece) for piece in _MARKUP_PIECE.findall(source_text)}

    def validate(value: str) -> None:
        reject_unreadable_characters(value)
        if not value or not contains_markup(value):
            return
        # Blank out the pieces the article has verbatim; judge what is left. A space,
        # not nothing, so that two remaining halves cannot join into a new tag.
        rest = _MARKUP_PIECE.sub(
            lambda piece: " " if _collapse(piece[0]) in quoted else piece[0], value
        )
        reject_markup(rest)

    return validate


# Scheme and host are case-insensitive (RFC 3986, 3.1 and 3.2.2); the rest is not.
_URL_SCHEME_AND_HOST = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<userinfo>[^/?#@]*@)?(?P<host>[^/?#]*)"
)


def normalise_url(value: str) -> str:
    """The URL as stored: trimmed, with scheme and host in lower case ("HTTPS://Example.org/A"
    becomes "https://example.org/A"), so that the database's check on "http://" and
    "https://" agrees with the form's validator, which ignores case. Path, query and the
    user part keep their case. Anything that is not scheme://... is returned trimmed, for
    the validator to refuse."""
    value = value.strip()
    match = _URL_SCHEME_AND_HOST.match(value)
    if match is None:
        return value
    return (
        match["scheme"].lower()
        + "://"
        + (match["userinfo"] or "")
        + match["host"].lower()
        + value[match.end() :]
    )


# Characters that no link a reviewer copies from a browser's address bar contains raw
# (browsers percent-encode them), but that break out of an attribute or a tag.
_URL_FORBIDDEN = re.compile(r"[<>\"'`\s\\]")


def reject_unsafe_url(value: str) -> None:
    """Validator for evidence links, beside the http(s) check: no user name or password
    in the link (it would publish a credential, or disguise the real host as in
    https://trusted.org@evil.example/), and no quote, angle bracket, backslash or space."""
    if not value:
        return
    if _URL_FORBIDDEN.search(value):
        raise ValidationError(
            "A link cannot contain spaces, quotes, angle brackets or backslashes.",
            code="unsafe_url",
        )
    match = _URL_SCHEME_AND_HOST.match(value)
    if match is not None and match["userinfo"]:
        raise ValidationError(
            "A link cannot carry a user name or password (the part before “@”).",
            code="unsafe_url",
        )
