"""Read a saved or fetched web page into an article: its main text, one paragraph a line,
and what the page states about itself (title, author, outlet, canonical URL, published
and updated dates, language). Pure: no database, no network.

trafilatura finds the main text and drops the boilerplate (navigation, footers, most ads
and teasers); its metadata reads JSON-LD, Open Graph and the usual meta tags, and its
dates come from htmldate. What this module adds is what newsroom pages showed it needs:
teaser blocks under names trafilatura does not know ("nextstory"), a byline given as a
labelled field when the meta tag names the publisher, a title carrying the site's suffix,
and the updated date. What remains of furniture in the text ("Read more: …", photo
credits, tweet signatures) is left to text.sentences.is_check_worthy, the one rule for
what can carry a claim, so a .txt import and a page import mark it alike.
"""

from __future__ import annotations

import datetime
import re

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html

from annotations.importing import TITLE_MAX, ArticleFileError, ParsedArticle, parse_article_text
from annotations.importing import _shorten as shorten_title

# Containers of teasers for other stories, newsletters and recommendation widgets: pruned
# before extraction. Matched as substrings of class or id, lowercased; never a container
# of the headline or of an <article> or <main> (a site calling its story "related-…").
_TEASER_MARKERS = [
    "related",
    "recommend",
    "nextstory",
    "next-post",
    "more-stories",
    "morestories",
    "read-next",
    "readnext",
    "outbrain",
    "taboola",
    "rcjsload",
    "newsletter",
    "trending",
    "most-popular",
    "mostpopular",
]
_LOWER = "translate({attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_TEASER_XPATH = (
    "//*[not(self::html or self::body or self::article or self::main)]"
    "[not(.//h1 or .//article or .//main)]["
    + " or ".join(
        f"contains({_LOWER.format(attr=attr)}, '{marker}')"
        for marker in _TEASER_MARKERS
        for attr in ("@class", "@id")
    )
    + "]"
)

# Fewer words than this is not an article: a page of navigation, a login wall, a stub.
MIN_ARTICLE_WORDS = 20
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014:-]\s+")
_DOMAIN = re.compile(r"^[\w-]+(\.[a-z]{2,})+$", re.IGNORECASE)
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}([-_][a-z0-9]{2,8})*$", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"^\s*(author|authors|by|written by)\s*:?\s*$", re.IGNORECASE)
_ORGANISATION_AUTHOR = re.compile(r"\(?(www\.|https?://)|\.(com|org|net)\b", re.IGNORECASE)


def decode_html(raw: bytes, *, charset: str | None = None) -> str:
    """The page as text: the charset the server declared, else what the page declares or
    its bytes suggest (trafilatura's detection)."""
    if charset:
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return trafilatura.utils.decode_file(raw)


def extract_page(html: str, *, source_name: str, url: str = "") -> ParsedArticle:
    """The article of an HTML page. `url` is where it was fetched from (after redirects),
    used when the page names no canonical address. Raises ArticleFileError with a message
    naming `source_name` when the page holds no article text."""
    if not html.strip():
        raise ArticleFileError(f"{source_name}: empty page, nothing to import")
    tree = _parse(html)
    if tree is None:
        raise ArticleFileError(f"{source_name}: not an HTML page")
    document = _extract(html, url=url)
    words = len((document.text or "").split()) if document is not None else 0
    if words < MIN_ARTICLE_WORDS:
        # A page of navigation only ("Home News"), a login wall or a redirect stub.
        raise ArticleFileError(
            f"{source_name}: no article text found on the page ({words} words of text)"
        )
    paragraphs = [" ".join(line.split()) for line in document.text.split("\n")]
    text = "\n".join(p for p in paragraphs if p)
    # The same refusals as a .txt file (control and bidirectional-override characters),
    # and the same title shortening; the first line is not the title here.
    parsed = parse_article_text(text, source_name=source_name)
    headline = _headline(tree)
    title = _title(document.title or "", headline) or headline or parsed.title
    warnings = []
    if len(title) > TITLE_MAX:
        title = shorten_title(title, TITLE_MAX)
        warnings.append(f"title shortened to {TITLE_MAX} characters")
    published = _date(document.date)
    updated = _date(find_date(html, original_date=False, extensive_search=False))
    return ParsedArticle(
        text=parsed.text,
        title=title,
        source_name=source_name,
        byline=_byline(document.author or "", tree),
        outlet=_outlet(document.sitename or "", document.title or "")[:200],
        url=_canonical(document.url or "", fallback=url),
        published=published,
        # Only a later date is an update; most pages repeat the published date.
        updated=updated if updated and published and updated > published else None,
        language=_language(tree),
        warnings=warnings,
    )


def _extract(html: str, *, url: str):
    return trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        prune_xpath=_TEASER_XPATH,
    )


def _parse(html: str):
    try:
        return lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _headline(tree) -> str:
    h1 = tree.find(".//h1")
    return " ".join(h1.text_content().split()) if h1 is not None else ""


def _title(title: str, headline: str) -> str:
    """The page title without the site's suffix ("… | DW | 19.01.2020"): the headline
    when the title is the headline followed by a separator, else the title as given."""
    title = " ".join(title.split())
    if headline and title.startswith(headline) and title != headline:
        rest = title[len(headline) :]
        if _TITLE_SEPARATORS.match(rest):
            return headline
    return title


def _outlet(sitename: str, page_title: str) -> str:
    """The site name; when it is only the site's domain ("DW.COM") and the title's suffix
    names the outlet as the domain's first label ("… | DW | …"), that name."""
    sitename = " ".join(sitename.split())
    if _DOMAIN.match(sitename):
        label = sitename.split(".")[0].lower()
        for segment in _TITLE_SEPARATORS.split(page_title)[1:]:
            if segment.strip().lower() == label:
                return segment.strip()
    return sitename


def _byline(author: str, tree) -> str:
    """A person's name: a field labelled "Author" on the page, else the metadata's author
    unless it names the publisher ("Deutsche Welle (www.dw.com)")."""
    for label in tree.iter("strong", "b", "dt", "span", "th", "label"):
        if label.text and _AUTHOR_LABEL.match(label.text) and not len(label):
            name = " ".join((label.tail or "").split())
            if not name and label.getnext() is not None:
                name = " ".join(label.getnext().text_content().split())
            if 2 <= len(name) <= 300:
                return name
    author = " ".join(author.split())
    if _ORGANISATION_AUTHOR.search(author):
        return ""
    return author[:300]


def _canonical(found: str, *, fallback: str) -> str:
    for candidate in (found, fallback):
        if candidate.startswith(("http://", "https://")) and len(candidate) <= 2000:
            return candidate
    return ""


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _language(tree) -> str:
    """The language the page declares: <html lang>, a content-language or og:locale meta
    tag. Never guessed from the words."""
    candidates = [tree.get("lang") or tree.get("xml:lang") or ""]
    for meta in tree.iter("meta"):
        name = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if name in {"content-language", "og:locale", "language", "dc.language"}:
            candidates.append(meta.get("content") or "")
    for candidate in candidates:
        candidate = candidate.strip()
        if _LANGUAGE_TAG.match(candidate):
            parts = candidate.replace("_", "-").split("-")
            regions = (p.upper() if len(p) == 2 else p for p in parts[1:])
            return "-".join([parts[0].lower(), *regions])[:35]
    return ""
