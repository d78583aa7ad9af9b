"""What an article states about itself (outlet, byline, original URL, published and updated
dates, language) in the product: the article list, the article page, the claim page's
appearances, the public ruling page, and each ClaimReview appearance. Nothing unknown is
shown as "unknown", and nothing of it is escaped less than any other text."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from annotations import exports, services
from annotations.models import Article
from annotations.tests.test_intake_extraction import PAGES, page_path

DW, REUTERS = "dw.com.colonial.html", "reuters.com.parasite.html"
CLAIM_TEXT = "A claim quoted in two imported pages and a bare text"
HOSTILE = '<img src=x onerror="alert(1)">'


def _import(tmp_path, *names: str) -> None:
    for name in names:
        (tmp_path / name).write_bytes(page_path(name).read_bytes())
    paths = [str(tmp_path / name) for name in names]
    call_command("import_articles", *paths, stdout=io.StringIO())


def _first_sentence(article: Article) -> tuple[int, int, str]:
    sentence = article.sentences.filter(check_worthy=True).order_by("start").first()
    return sentence.start, sentence.end, article.text[sentence.start : sentence.end]


@pytest.fixture
def appearances(db, tmp_path, alice, bob, charlie, maria):
    """One claim quoted in the DW page (19 January 2020), the Reuters page (20 January 2020)
    and a plain text that states nothing about itself; ruled "disputed"."""
    _import(tmp_path, REUTERS, DW)
    bare = "A bare headline\n\nThe bare body says something checkable."
    (tmp_path / "bare.txt").write_text(bare)
    call_command("import_articles", str(tmp_path / "bare.txt"), stdout=io.StringIO())
    claim = None
    for source_name in (REUTERS, "bare.txt", DW):
        article = Article.objects.get(source_name=source_name)
        start, end, exact = _first_sentence(article)
        for reviewer in (alice, bob, charlie):
            verdict = services.verdict_record(
                article=article,
                start=start,
                end=end,
                exact=exact,
                reviewer=reviewer,
                label="disputed",
                attributed_to="",
                evidence_url="https://example.org/evidence",
                claim=claim,
                new_claim_text=CLAIM_TEXT,
            )
            claim = verdict.span.claim
    return services.ruling_publish(
        claim=claim, moderator=maria, label="disputed", rationale="Nothing supports it."
    )


def _review(claim) -> dict:
    response = Client().get(reverse("claim_review", args=[claim.pk]))
    assert response.status_code == 200
    return response.json()


def test_it_describes_each_appearance_with_what_the_page_states(appearances):
    item = _review(appearances)["itemReviewed"]
    by_headline = {work["headline"]: work for work in item["appearance"]}
    dw = by_headline[PAGES[DW]["title"]]
    assert dw == {
        "@type": "NewsArticle",
        "url": PAGES[DW]["url"],
        "headline": PAGES[DW]["title"],
        "author": {"@type": "Person", "name": "Ben Knight"},
        "publisher": {"@type": "Organization", "name": "DW"},
        "datePublished": "2020-01-19",
        "inLanguage": "en",
    }
    reuters = by_headline[PAGES[REUTERS]["title"]]
    assert reuters["url"] == PAGES[REUTERS]["url"]
    assert reuters["author"] == {"@type": "Person", "name": "Jill Serjeant"}
    assert reuters["publisher"] == {"@type": "Organization", "name": "Reuters"}
    assert reuters["datePublished"] == "2020-01-20"


def test_it_names_the_earliest_dated_appearance_first(appearances):
    item = _review(appearances)["itemReviewed"]
    # Imported Reuters first, the DW page last: the earliest date decides, not import order.
    assert item["firstAppearance"]["url"] == PAGES[DW]["url"]
    assert item["firstAppearance"]["datePublished"] == "2020-01-19"
    Article.objects.filter(source_name=REUTERS).update(published=datetime.date(2019, 12, 31))
    assert _review(appearances)["itemReviewed"]["firstAppearance"]["url"] == PAGES[REUTERS]["url"]


def test_it_omits_what_an_article_does_not_state(appearances):
    review = _review(appearances)
    works = review["itemReviewed"]["appearance"]
    [bare] = [w for w in works if w["headline"] == "A bare headline"]
    # No original: the public ruling page names it (never a login page); nothing else.
    assert bare == {"@type": "NewsArticle", "url": review["url"], "headline": "A bare headline"}
    assert "unknown" not in str(review).lower()


def test_it_adds_date_modified_only_when_updated(appearances):
    Article.objects.filter(source_name=DW).update(updated=datetime.date(2020, 1, 21))
    by_url = {w["url"]: w for w in _review(appearances)["itemReviewed"]["appearance"]}
    assert by_url[PAGES[DW]["url"]]["dateModified"] == "2020-01-21"
    assert "dateModified" not in by_url[PAGES[REUTERS]["url"]]


@pytest.mark.parametrize(
    ("byline", "outlet", "author"),
    [
        ("Ben Knight", "DW", {"@type": "Person", "name": "Ben Knight"}),
        ("By Ben Knight", "DW", {"@type": "Person", "name": "Ben Knight"}),
        (
            "Ann Lee and Bo Chan",
            "",
            [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chan"}],
        ),
        ("Reuters", "Reuters", {"@type": "Organization", "name": "Reuters"}),
        ("Reuters Staff", "Reuters", {"@type": "Organization", "name": "Reuters Staff"}),
        ("The Editorial Board", "", {"@type": "Organization", "name": "The Editorial Board"}),
    ],
)
def test_it_tells_a_person_from_an_organisation_in_a_byline(byline, outlet, author):
    article = Article(title="t", byline=byline, outlet=outlet)
    assert exports.appearance(article, "https://x.example/r/1/")["author"] == author


def test_the_public_ruling_page_shows_the_same_metadata(appearances):
    page = Client().get(reverse("ruling_public", args=[appearances.pk])).content.decode()
    section = page[page.index("public-appearances") :]
    assert "By Ben Knight" in section and "DW" in section
    assert '<time datetime="2020-01-19">19 January 2020</time>' in section
    assert "unknown" not in section
    assert "/articles/" not in section and "/login/" not in section


def test_the_pages_show_the_metadata_of_an_article(appearances, alice):
    client = Client()
    client.force_login(alice)
    dw = Article.objects.get(source_name=DW)
    original = f'href="{PAGES[DW]["url"]}" rel="noopener noreferrer"'
    for url in (
        reverse("article_list"),
        reverse("article_detail", args=[dw.pk]),
        reverse("claim_detail", args=[appearances.pk]),
    ):
        page = client.get(url).content.decode()
        main = page.split('<main id="main"', 1)[1]
        assert original in main, url
        assert "Ben Knight" in main and ">DW<" in main and "2020-01-19" in main, url
        assert "unknown" not in main, url
    claim_page = client.get(reverse("claim_detail", args=[appearances.pk])).content.decode()
    # The app's own article page stays linked beside the original.
    assert f"/articles/{dw.pk}/" in claim_page


def test_it_escapes_a_hostile_byline_outlet_and_language(appearances, alice):
    dw = Article.objects.get(source_name=DW)
    Article.objects.filter(pk=dw.pk).update(byline=HOSTILE, outlet=HOSTILE, language='en"><b')
    client = Client()
    client.force_login(alice)
    for url in (
        reverse("article_list"),
        reverse("article_detail", args=[dw.pk]),
        reverse("claim_detail", args=[appearances.pk]),
        reverse("ruling_public", args=[appearances.pk]),
    ):
        page = client.get(url).content.decode()
        assert HOSTILE not in page and 'en"><b' not in page, url
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page, url
    public = Client().get(reverse("ruling_public", args=[appearances.pk])).content.decode()
    [embedded] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', public, re.S)
    assert "<img" not in embedded and "\\u003Cimg" in embedded
