"""Turn article files into arguments for services.article_import.

A file is UTF-8 plain text: the headline on its first line (optionally after a
`date YYYY-MM-DD` marker), paragraphs below. A JSON sidecar with the same stem may
record metadata the text itself states (byline, a date it gives in words); nothing is
ever invented, so outlet and URL stay empty unless the sidecar has them.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

_DATE_MARKER = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+")
SIDECAR_FIELDS = {"title", "outlet", "url", "byline", "published", "notes"}


class ArticleFileError(ValueError):
    """The file cannot be imported; the message names the file and says why."""


@dataclass
class ParsedArticle:
    text: str
    title: str
    source_name: str
    published: datetime.date | None = None
    outlet: str = ""
    url: str = ""
    byline: str = ""
    notes: dict = field(default_factory=dict)

    def import_kwargs(self) -> dict:
        return {
            "text": self.text,
            "title": self.title,
            "source_name": self.source_name,
            "published": self.published,
            "outlet": self.outlet,
            "url": self.url,
            "byline": self.byline,
        }


def article_files(paths: list[Path]) -> list[Path]:
    """The .txt files named or contained in `paths`, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            raise ArticleFileError(f"{path}: no such file or folder")
    return files


def read_article_file(path: Path) -> ParsedArticle:
    size = path.stat().st_size
    if size > settings.ARTICLE_MAX_BYTES:
        raise ArticleFileError(
            f"{path.name}: {size:,} bytes is over the {settings.ARTICLE_MAX_BYTES:,}-byte limit"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ArticleFileError(f"{path.name}: binary file (contains NUL bytes), not text")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleFileError(
            f"{path.name}: not UTF-8 (invalid byte at position {exc.start})"
        ) from None
    return parse_article_text(decoded, source_name=path.name, sidecar=_read_sidecar(path))


def parse_article_text(
    decoded: str, *, source_name: str, sidecar: dict | None = None
) -> ParsedArticle:
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if _has_control_characters(text):
        raise ArticleFileError(f"{source_name}: contains control characters; not plain text")
    published = None
    marker = _DATE_MARKER.match(text)
    if marker:
        # The marker is import metadata, not article prose: it is not kept in the text.
        published = _parse_date(marker.group(1), source_name)
        text = text[marker.end() :]
    text = text.strip()
    if not text:
        raise ArticleFileError(f"{source_name}: empty file, nothing to import")
    article = ParsedArticle(
        text=text,
        title=" ".join(text.split("\n", 1)[0].split()),
        source_name=source_name,
        published=published,
    )
    for key, value in (sidecar or {}).items():
        if key == "published":
            article.published = _parse_date(value, source_name)
        elif key == "notes":
            article.notes = value
        else:
            setattr(article, key, " ".join(str(value).split()))
    return article


def _read_sidecar(path: Path) -> dict:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArticleFileError(f"{sidecar.name}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or set(data) - SIDECAR_FIELDS:
        unknown = sorted(set(data) - SIDECAR_FIELDS) if isinstance(data, dict) else data
        raise ArticleFileError(f"{sidecar.name}: unknown fields {unknown}")
    return data


def _parse_date(value: str, source_name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ArticleFileError(f"{source_name}: {value!r} is not a YYYY-MM-DD date") from None


def _has_control_characters(text: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\n\t" for ch in text)
