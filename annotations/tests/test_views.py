from __future__ import annotations

from django.urls import reverse


def test_the_article_list_needs_a_login(client, db):
    response = client.get(reverse("article_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_lists_the_seed_articles(client, alice, seeds):
    client.force_login(alice)
    response = client.get(reverse("article_list"))
    assert response.status_code == 200
    assert b"Ukrainian Forces capture 909 Russian troops" in response.content
