"""The site around the pages: each page's own title, /favicon.ico, and where the header's
brand leads. Titles are checked by walking every page a role can reach by its links."""

from __future__ import annotations

import re
from collections import defaultdict
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from annotations.tests.snapshots import client_for

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)', re.IGNORECASE)
# Not pages: leaving, and what the admin refuses (delete) or offers only to undo history.
SKIP = re.compile(r"/logout/|/delete/|/password|/r/\d+/")
LIMIT = 400


def _walk(client: Client, start: list[str]) -> dict[str, str]:
    """Every HTML page reachable from `start` by links, one per path (a query string is a
    view of the same page: a filter, a sort or another page of a list): path → title."""
    titles: dict[str, str] = {}
    queue = list(start)
    while queue and len(titles) < LIMIT:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in titles or SKIP.search(path):
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            titles.setdefault(path, "")
            continue
        html = response.content.decode()
        found = TITLE.search(html)
        titles[path] = " ".join(unescape(found.group(1)).split()) if found else ""
        for href in HREF.findall(html):
            target = urljoin(url, unescape(href))
            if urlsplit(target).netloc in ("", "testserver"):
                queue.append(
                    urlsplit(target).path + (f"?{q}" if (q := urlsplit(target).query) else "")
                )
    return {path: title for path, title in titles.items() if title}


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("anonymous", ["/rulings/", "/login/", "/admin/login/"]),
        ("alice", ["/", "/claims/", "/rulings/"]),
        ("maria", ["/", "/claims/", "/rulings/", "/admin/"]),
    ],
)
def test_it_gives_every_page_its_own_title(world, role, start):
    client = client_for(None if role == "anonymous" else getattr(world, role))
    titles = _walk(client, start)
    by_title = defaultdict(list)
    for path, title in titles.items():
        by_title[title].append(path)
    shared = {title: paths for title, paths in by_title.items() if len(paths) > 1}
    assert shared == {}
    # The walk reached the pages that matter, one title each.
    assert len(titles) >= {"anonymous": 4, "alice": 8, "maria": 40}[role], sorted(titles)
    assert all(title.endswith(("Factcheck", "Factcheck moderation")) for title in titles.values())


def test_it_names_claims_and_articles_in_their_titles(world):
    client = client_for(world.alice)
    page = client.get(f"/claims/{world.claim.pk}/").content.decode()
    assert "<title>12 tanks were destroyed on Monday · Claim · Factcheck</title>" in page
    page = client.get(f"/articles/{world.article.pk}/").content.decode()
    assert "<title>Tanks near Kursk · Factcheck</title>" in page


def test_it_serves_a_real_favicon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    # An ICO directory (reserved 0, type 1) of PNG images, 16 × 16 first.
    assert body[:4] == b"\x00\x00\x01\x00" and body[6] == 16 and b"\x89PNG" in body
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    page = Client().get("/rulings/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page


def test_it_links_the_brand_to_the_public_rulings_when_signed_out(world):
    anonymous = Client().get("/rulings/").content.decode()
    assert '<a class="brand" href="/rulings/">' in anonymous
    assert '<a href="/login/">Sign in</a>' in anonymous
    signed_in = client_for(world.alice).get("/rulings/").content.decode()
    assert '<a class="brand" href="/">' in signed_in
