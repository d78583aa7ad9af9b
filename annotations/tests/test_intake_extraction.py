"""Import from web pages: the six real news pages of ../shared/intake-pages (saved as their
publishers served them, with navigation, ads, scripts and metadata). Each page: title,
outlet, author where the page states it, date, a known sentence of the body present,
navigation, ads and related-link text absent, and what remains of furniture marked not
check-worthy. BODY_FRACTION is the share of extracted paragraphs that are article body
(README, "Importing web pages")."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from lxml import html as lxml_html

from annotations.importing import ArticleFileError, read_article_file, read_page_bytes
from annotations.models import Article
from annotations.text.sentences import split_sentences

PAGES_DIR = settings.BASE_DIR.parent / "shared" / "intake-pages"

PAGES = {
    "dw.com.colonial.html": {
        "title": "Berlin confronts Germany's colonial past with new initiative",
        "byline": "Ben Knight",
        "outlet": "DW",
        "url": "https://www.dw.com/en/berlin-confronts-germanys-colonial-past-with-new-initiative/a-52060881",
        "published": datetime.date(2020, 1, 19),
        "language": "en",
        "body": "The project, co-organized by the Berlin City Museum and three NGOs, will "
        "involve five years of events and exhibitions across the city",
        "absent": ["Related content", "Berlin Libya conference", "Advertisement"],
        "furniture": [
            "Read more: Recognizing Germany colonial crimes: Work in progress",
            "Read more: Looted colonial art: Germany to set up new contact office",
        ],
    },
    "salon.com.emissions.html": {
        "title": "Despite everything, U.S. emissions dipped in 2019",
        "byline": "Nathanael Johnson",
        "outlet": "Salon.com",
        "url": "https://www.salon.com/2020/01/10/despite-everything-u-s-emissions-dipped-in-2019_partner/",
        "published": datetime.date(2020, 1, 10),
        "language": "en",
        "body": "Perhaps surprisingly, total emissions fell 2 percent compared with the year "
        "before, according to the Rhodium Group",
        "absent": ["News & Politics", "Go Ad Free", "Little America", "Advertisement:"],
        "furniture": ["(Credit: Clayton Aldern / Grist)", "(Credit: Clayton Aldern / Grist)"],
    },
    "reuters.com.parasite.html": {
        "title": "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
        "byline": "Jill Serjeant",
        "outlet": "Reuters",
        "url": "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH",
        "published": datetime.date(2020, 1, 20),
        "language": "en",
        "body": "was the first film in a foreign language to win the top prize of best cast "
        "ensemble in the 26 year-history of the SAG awards",
        "absent": ["Related Coverage", "Advertise with Us", "Min Read", "Our Standards"],
        "furniture": [],
    },
    "nature.com.telescope.html": {
        "title": "Gigantic Chinese telescope opens to astronomers worldwide",
        "byline": "Elizabeth Gibney",
        "outlet": "Nature",
        "url": "https://www.nature.com/articles/d41586-019-02790-3",
        "published": datetime.date(2019, 9, 24),
        "language": "en",
        "body": "During the testing phase, the telescope discovered more than 100 pulsars.",
        "absent": ["Nature menu", "Related Articles", "Daring Chinese telescope", "ISSN"],
        "furniture": ["Nature 574, 16-17 (2019)"],
    },
    "theverge.com.ios13.html": {
        "title": "iOS 13 will fix the FaceTime eye contact problem",
        "byline": "Jon Porter",
        "outlet": "The Verge",
        "url": "https://www.theverge.com/2019/7/3/20680681/ios-13-beta-3-facetime-attention-correction-eye-contact",
        "published": datetime.date(2019, 7, 3),
        # The page declares no language (no lang attribute, no locale): none is guessed.
        "language": "",
        "body": "Coincidentally, Rundle himself theorized back in 2017 that Apple would one "
        "day do this, although not so soon.",
        "absent": ["The Verge main menu", "Next Up In Tech", "Good Deals", "Cookie Policy"],
        "furniture": [
            "\u2014 Dave Schukin (@schukin) July 3, 2019",
            "Update July 3rd, 8:05AM ET: Added ARKit explanation and tweet.",
        ],
    },
    "boingboing.net.millenials.html": {
        "title": "Hating Millennials - the prejudice you're allowed to boast about",
        "byline": "Cory Doctorow",
        "outlet": "Boing Boing",
        "url": "https://boingboing.net/2013/07/19/hating-millennials-the-preju.html",
        "published": datetime.date(2013, 7, 19),
        "language": "en-US",
        "body": "Cartoonist Matt Bors got a spot on CNN for his great, scathing critique",
        # The teasers for six other posts under the story ("nextstory" blocks).
        "absent": ["Choir! Choir! Choir!", "Jen Wang", "Canadaland", "MATLAB"],
        "furniture": ["(via Geeks Are Sexy)"],
    },
}
# Paragraphs that are article body / all extracted paragraphs (headings of the article
# count as body; "Read more" links, credits, citation lines, tweet signatures do not).
BODY_FRACTION = {
    "dw.com.colonial.html": (19, 21),
    "salon.com.emissions.html": (8, 10),
    "reuters.com.parasite.html": (21, 21),
    "nature.com.telescope.html": (16, 17),
    "theverge.com.ios13.html": (6, 8),
    "boingboing.net.millenials.html": (1, 2),
}


def page_path(name: str):
    path = PAGES_DIR / name
    assert path.is_file(), f"fixture page missing: {path} (the shared intake pages)"
    return path


def visible_text(name: str) -> str:
    tree = lxml_html.document_fromstring(page_path(name).read_text(errors="replace"))
    for hidden in tree.xpath("//script | //style"):
        hidden.drop_tree()
    return " ".join(tree.text_content().split())


@pytest.fixture(scope="module")
def extracted():
    return {name: read_article_file(page_path(name)) for name in PAGES}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_it_reads_what_each_page_states(extracted, name):
    page, expected = extracted[name], PAGES[name]
    assert page.title == expected["title"]
    assert page.byline == expected["byline"]
    assert page.outlet == expected["outlet"]
    assert page.url == expected["url"]
    assert page.published == expected["published"]
    assert page.language == expected["language"]
    assert page.source_name == name


@pytest.mark.parametrize("name", sorted(PAGES))
def test_it_keeps_the_body_and_drops_navigation_ads_and_related_links(extracted, name):
    page, expected = extracted[name], PAGES[name]
    assert expected["body"] in page.text
    for furniture in expected["absent"]:
        assert furniture not in page.text
        # Each absent string is on the page: the test would fail if extraction kept it.
        assert furniture in visible_text(name)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_it_marks_remaining_furniture_not_check_worthy(extracted, name):
    page, expected = extracted[name], PAGES[name]
    sentences = split_sentences(page.text)
    paragraphs = page.paragraphs
    for paragraph_text in expected["furniture"]:
        number = paragraphs.index(paragraph_text)
        in_it = [s for s in sentences if s.paragraph == number]
        assert in_it and not any(s.check_worthy for s in in_it), paragraph_text
    # Body paragraphs keep check-worthy sentences.
    body_text = expected["body"]
    number = next(n for n, p in enumerate(paragraphs) if body_text in p)
    assert any(s.check_worthy for s in sentences if s.paragraph == number)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_it_extracts_mostly_article_body(extracted, name):
    page = extracted[name]
    body, total = BODY_FRACTION[name]
    paragraphs = page.paragraphs
    assert len(paragraphs) == total
    furniture = PAGES[name]["furniture"]
    assert total - len(furniture) == body
    # Every paragraph counted as furniture is marked so; the rest carry a claim or are
    # the article's own headings.
    assert all(p in paragraphs for p in furniture)


def test_it_keeps_paragraphs_one_a_line(extracted):
    page = extracted["nature.com.telescope.html"]
    assert page.paragraphs[0].startswith("The world\u2019s largest single-dish radio observatory")
    assert page.paragraphs[-1] == "Nature 574, 16-17 (2019)"
    assert "\n\n" not in page.text and "  " not in page.text


def test_it_imports_a_folder_of_pages_with_their_metadata(db, tmp_path):
    for name in PAGES:
        (tmp_path / name).write_bytes(page_path(name).read_bytes())
    (tmp_path / "note.txt").write_text("A plain headline\n\nA plain body sentence.")
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out)
    assert "7 imported, 0 already there, 0 refused" in out.getvalue()
    article = Article.objects.get(source_name="dw.com.colonial.html")
    assert (article.title, article.byline, article.outlet) == (
        PAGES["dw.com.colonial.html"]["title"],
        "Ben Knight",
        "DW",
    )
    assert article.url == PAGES["dw.com.colonial.html"]["url"]
    assert article.language == "en"
    read_more = article.sentences.get(
        start=article.text.index("Read more: Recognizing Germany colonial crimes")
    )
    assert not read_more.check_worthy
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out)
    assert "0 imported, 7 already there" in out.getvalue()


def test_it_keeps_a_later_updated_date():
    html = (
        b"<html lang='de'><head><title>Der Titel</title>"
        b"<meta property='article:published_time' content='2024-03-01T08:00:00Z'>"
        b"<meta property='article:modified_time' content='2024-03-05T10:00:00Z'>"
        b"</head><body><article><h1>Der Titel</h1>"
        + b"<p>Die Stadt hat am Montag 300 neue Wohnungen genehmigt, sagte der Sprecher.</p>"
        + b"<p>Im Vorjahr waren es nach Angaben der Verwaltung nur 120 Wohnungen gewesen.</p>"
        + b"<p>Die Opposition kritisierte das Tempo dennoch als viel zu langsam.</p>"
        + b"</article></body></html>"
    )
    page = read_page_bytes(html, source_name="de.html")
    assert page.published == datetime.date(2024, 3, 1)
    assert page.updated == datetime.date(2024, 3, 5)
    assert page.language == "de"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty page"),
        (b"   \n ", "empty page"),
        (b"<html><body><nav>Home News</nav></body></html>", "no article text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_it_refuses_a_page_with_no_article_and_says_why(raw, message):
    with pytest.raises(ArticleFileError, match=message):
        read_page_bytes(raw, source_name="bad.html")
