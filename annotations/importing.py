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

from annotations.models import Article
from annotations.text.sanitising import unreadable_character

_DATE_MARKER = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s+")
SIDECAR_FIELDS = {"title", "outlet", "url", "byline", "published", "notes"}
TITLE_MAX = Article._meta.get_field("title").max_length
ELLIPSIS = "\u2026"

# Control and bidirectional control characters are refused by the one rule of
# text/sanitising.py (what each does to the text on screen is said there).


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
    # What a web page states besides its publication date (annotations/intake/extraction.py).
    updated: datetime.date | None = None
    language: str = ""
    notes: dict = field(default_factory=dict)
    # What was changed on the way in, for the import to report next to the file's name.
    warnings: list[str] = field(default_factory=list)

    def import_kwargs(self) -> dict:
        return {
            "text": self.text,
            "title": self.title,
            "source_name": self.source_name,
            "published": self.published,
            "outlet": self.outlet,
            "url": self.url,
            "byline": self.byline,
            "updated": self.updated,
            "language": self.language,
        }

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.split("\n") if line.strip()]


PAGE_SUFFIXES = {".html", ".htm"}
ARTICLE_SUFFIXES = {".txt", *PAGE_SUFFIXES}


def article_files(paths: list[Path]) -> list[Path]:
    """The .txt and .html files named or contained in `paths`, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
            )
        elif path.exists():
            files.append(path)
        else:
            raise ArticleFileError(f"{path}: no such file or folder")
    return files


def read_article_file(path: Path) -> ParsedArticle:
    is_page = path.suffix.lower() in PAGE_SUFFIXES
    limit = settings.INTAKE_PAGE_MAX_BYTES if is_page else settings.ARTICLE_MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        raise ArticleFileError(f"{path.name}: {size:,} bytes is over the {limit:,}-byte limit")
    raw = path.read_bytes()
    if is_page:
        return read_page_bytes(raw, source_name=path.name)
    return parse_article_text(
        decode_text(raw, source_name=path.name), source_name=path.name, sidecar=_read_sidecar(path)
    )


def read_upload(raw: bytes, *, name: str) -> ParsedArticle:
    """An uploaded .txt or .html file, read as the same file on disk would be (no sidecar)."""
    if Path(name).suffix.lower() in PAGE_SUFFIXES:
        return read_page_bytes(raw, source_name=name)
    return parse_article_text(decode_text(raw, source_name=name), source_name=name)


def decode_text(raw: bytes, *, source_name: str) -> str:
    if b"\x00" in raw:
        raise ArticleFileError(f"{source_name}: binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleFileError(
            f"{source_name}: not UTF-8 (invalid byte at position {exc.start})"
        ) from None


def read_page_bytes(
    raw: bytes, *, source_name: str, url: str = "", charset: str | None = None
) -> ParsedArticle:
    """An HTML page's article (main text and what the page states about itself)."""
    # Imported here: the extraction module builds on this one's refusals.
    from annotations.intake.extraction import decode_html, extract_page

    if b"\x00" in raw[:4096]:
        raise ArticleFileError(f"{source_name}: binary file (contains NUL bytes), not HTML")
    return extract_page(decode_html(raw, charset=charset), source_name=source_name, url=url)


def parse_article_text(
    decoded: str, *, source_name: str, sidecar: dict | None = None
) -> ParsedArticle:
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_unreadable_characters(text, source_name)
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
            sidecar_name = Path(source_name).with_suffix(".json").name
            _refuse_unreadable_characters(str(value), f"{sidecar_name} ({key})")
            setattr(article, key, " ".join(str(value).split()))
    if len(article.title) > TITLE_MAX:
        article.title = _shorten(article.title, TITLE_MAX)
        article.warnings.append(f"title shortened to {TITLE_MAX} characters")
    return article


def _shorten(title: str, limit: int) -> str:
    """The title cut to `limit` characters at a word boundary, an ellipsis showing the cut;
    inside a word only when the last space is in the first half (a run-on word or URL),
    rather than lose most of the title."""
    cut = title[: limit - len(ELLIPSIS)]
    if not title[len(cut)].isspace():
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + ELLIPSIS


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


def _refuse_unreadable_characters(text: str, source_name: str) -> None:
    """Refuse the text at its first control or bidirectional control character, naming
    the character's code point and where it is (line and column count from 1)."""
    found = unreadable_character(text)
    if found:
        at, kind = found
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise ArticleFileError(
            f"{source_name}: {kind} U+{ord(text[at]):04X} at line {line}, column {column}; "
            "not plain text"
        )
