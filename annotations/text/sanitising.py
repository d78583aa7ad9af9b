"""The one place that decides whether user text carries markup.

Notes and every other free-text field are stored as plain text and rendered escaped;
text that contains HTML is refused rather than silently altered, so a reviewer never
loses words they typed. bleach is used only here, so it can be swapped in one file.
"""

from __future__ import annotations

import html

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


def reject_markup(value: str) -> None:
    """Model/form validator: plain text only."""
    if value and contains_markup(value):
        raise ValidationError("HTML is not allowed here; write plain text.", code="markup")
