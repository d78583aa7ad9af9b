from __future__ import annotations

import pytest
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


@pytest.mark.parametrize("count", [1, 50])
def test_the_article_list_runs_a_fixed_number_of_queries(
    client, alice, django_assert_num_queries, count
):
    from annotations.services import article_import

    for n in range(count):
        article_import(title=f"Article {n}", text=f"Article {n}\n\nIt said {n} things.")
    client.force_login(alice)
    # session, user, count, page of articles
    with django_assert_num_queries(4):
        client.get(reverse("article_list"))
