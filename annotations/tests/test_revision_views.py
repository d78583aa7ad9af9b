"""The revision surfaces: the article list's count, the article page's markers and list
of changes and orphans, the panel's diff and its one-key answers, the revisions page.
Each reviewer sees only their own flags."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Article, RevisionFlag, Span
from annotations.tests.snapshots import client_for, db_snapshot, snapshot_diff
from annotations.tests.test_revisions import (
    DENIED,
    FIXED,
    INSERTED,
    TROOPS,
    TYPO,
    _import,
    _tag,
    _text,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
CHANGED = "⟳ changed since you reviewed"


@pytest.fixture
def revised(db, alice, bob, charlie):
    """Alice and bob judged the sentence with a typo, charlie the troops sentence; the
    typo is fixed and the troops sentence removed in revision 2."""
    article = _import(_text(TYPO, DENIED, TROOPS))
    _tag(article, TYPO, alice)
    _tag(article, TYPO, bob, "verified")
    _tag(article, TROOPS, charlie, "disputed")
    return _import(_text(INSERTED, FIXED, DENIED))


def _span_url(article: Article, span: Span) -> str:
    return f"{reverse('span_panel', args=[article.pk])}?start={span.start}&end={span.end}"


def _post(client, path, data, **headers):
    return client.post(path, data, HTTP_X_CSRFTOKEN=client.csrf, **headers)


def test_it_counts_my_changed_sentences_on_the_article_list(revised, alice, charlie, maria):
    for user, badge in ((alice, "⟳ 1"), (charlie, "⟳ 1")):
        html = client_for(user).get(reverse("article_list")).content.decode()
        assert badge in html
    html = client_for(maria).get(reverse("article_list")).content.decode()
    assert "⟳" not in html
    assert html.count("Kursk update</a>") == 1  # one article, its current revision


def test_it_marks_the_changed_sentence_for_its_reviewers_only(revised, alice, bob, maria):
    for user in (alice, bob):
        html = client_for(user).get(reverse("article_detail", args=[revised.pk])).content
        assert CHANGED in html.decode()
        assert b"hl-fuzzy" in html and b" changed" in html
    html = client_for(maria).get(reverse("article_detail", args=[revised.pk])).content.decode()
    assert CHANGED not in html and "Revision 2" in html


def test_it_lists_my_removed_sentence_and_the_orphans_i_may_see(revised, charlie, alice):
    html = client_for(charlie).get(reverse("article_detail", args=[revised.pk])).content.decode()
    assert "Highlights whose text a revision removed" in html
    assert TROOPS in html and "your verdict: disputed" in html
    assert "(removed in revision 2)" in html and "Noted" in html
    # Alice never judged it and charlie's claim is not one she voted on: blind review.
    html = client_for(alice).get(reverse("article_detail", args=[revised.pk])).content.decode()
    assert TROOPS not in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_it_shows_the_word_diff_in_the_panel(revised, alice, headers):
    span = Span.objects.get(exact=FIXED)
    html = client_for(alice).get(_span_url(revised, span), **headers).content.decode()
    assert "Changed since you reviewed" in html
    assert "<del>acording</del><ins>according</ins>" in html
    assert 'data-flag-key="h"' in html and 'data-flag-key="r"' in html
    assert "Re-anchored approximately on a revision" in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_it_records_still_holds_from_the_panel(revised, alice, bob, headers):
    flag = RevisionFlag.objects.get(reviewer=alice)
    client = client_for(alice)
    path = reverse("revision_flag_answer", args=[revised.pk, flag.pk])
    response = _post(client, path, {"status": "holds"}, **headers)
    flag.refresh_from_db()
    assert flag.status == RevisionFlag.Status.HOLDS
    if headers:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Changed since you reviewed" not in html
        assert 'hx-swap-oob="true"' in html and CHANGED not in html
    else:
        assert response.status_code == 302 and response["Location"].endswith("#changes")
    # Bob's flag on the same sentence is his own, untouched.
    assert RevisionFlag.objects.get(reviewer=bob).status == RevisionFlag.Status.OPEN
    page = client.get(reverse("article_detail", args=[revised.pk])).content.decode()
    assert CHANGED not in page


def test_it_keeps_a_recheck_pending_until_the_verdict_is_saved(revised, bob):
    flag = RevisionFlag.objects.get(reviewer=bob)
    client = client_for(bob)
    path = reverse("revision_flag_answer", args=[revised.pk, flag.pk])
    assert _post(client, path, {"status": "recheck"}, **HTMX).status_code == 200
    html = client.get(reverse("article_detail", args=[revised.pk])).content.decode()
    assert "to re-check: save your verdict again" in html
    _tag(revised, FIXED, bob, "disputed")
    flag.refresh_from_db()
    assert flag.status == RevisionFlag.Status.RECHECKED


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [("bob", "holds", 404), ("alice", "maybe", 422), ("alice", "", 422)],
)
def test_it_refuses_an_answer_and_changes_nothing(revised, alice, bob, who, status, expected):
    flag = RevisionFlag.objects.get(reviewer=alice)
    client = client_for(alice if who == "alice" else bob)
    before = db_snapshot()
    path = reverse("revision_flag_answer", args=[revised.pk, flag.pk])
    for headers in ({}, HTMX):
        assert _post(client, path, {"status": status}, **headers).status_code == expected
    assert snapshot_diff(before, db_snapshot()) == []


def test_it_refuses_a_recheck_of_a_removed_sentence(revised, charlie):
    flag = RevisionFlag.objects.get(reviewer=charlie)
    client = client_for(charlie)
    path = reverse("revision_flag_answer", args=[revised.pk, flag.pk])
    response = _post(client, path, {"status": "recheck"})
    assert response.status_code == 422 and b"nothing to re-check" in response.content
    assert _post(client, path, {"status": "holds"}).status_code == 302


def test_it_answers_a_flag_only_through_its_own_article(revised, alice):
    other, _ = services.article_import(title="Other", text="Other\n\nSomething else entirely.")
    flag = RevisionFlag.objects.get(reviewer=alice)
    client = client_for(alice)
    path = reverse("revision_flag_answer", args=[other.pk, flag.pk])
    assert _post(client, path, {"status": "holds"}).status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_it_shows_the_diff_between_two_revisions(revised, charlie, headers):
    client = client_for(charlie)
    path = reverse("article_revisions", args=[revised.pk])
    html = client.get(path, **headers).content.decode()
    assert "Revision 1 → revision 2" in html
    assert f"{INSERTED}</ins>" in html and f"<del>{TROOPS}" in html
    html = client.get(path + "?old=2&new=1").content.decode()
    assert "Revision 2 → revision 1" in html
    first = Article.objects.get(revision=1)
    # Any revision's id reaches the same page.
    assert client.get(reverse("article_revisions", args=[first.pk])).status_code == 200


@pytest.mark.parametrize(("query", "status"), [("?old=x", 400), ("?old=0", 400), ("?new=9", 404)])
def test_it_refuses_a_bad_revision_number(revised, alice, query, status):
    response = client_for(alice).get(reverse("article_revisions", args=[revised.pk]) + query)
    assert response.status_code == status


def test_it_sends_a_replaced_revision_to_the_current_one(revised, alice):
    first = Article.objects.get(revision=1)
    response = client_for(alice).get(reverse("article_detail", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("article_detail", args=[revised.pk])


@pytest.mark.parametrize("count", [1, 20])
def test_the_article_list_query_count_holds_with_revisions(
    db, alice, django_assert_num_queries, count
):
    for n in range(count):
        url = f"https://news.example.org/{n}"
        article, _ = services.article_import(title=f"A{n}", text=f"A{n}\n\nIt said {n}.", url=url)
        _tag(article, f"It said {n}.", alice)
        services.article_import(title=f"A{n}", text=f"A{n}\n\nIt said {n} again.", url=url)
    client = client_for(alice)
    # session, user, page count, page, sentence counts, tagged counts, contested, changed
    with django_assert_num_queries(8):
        html = client.get(reverse("article_list")).content.decode()
    assert html.count("⟳ 1") == count


@pytest.mark.parametrize("count", [1, 20])
def test_the_article_page_query_count_holds_with_flags(
    db, alice, django_assert_num_queries, count
):
    paragraphs = [f"Paragraph {n} says {n} tanks were hit." for n in range(count)]
    article = _import(_text(*paragraphs))
    for paragraph in paragraphs:
        _tag(article, paragraph, alice)
    revised = _import(_text(*[p.replace("were hit", "were struck") for p in paragraphs]))
    client = client_for(alice)
    # session, user, article, sentences, highlights, consensus, flags, orphans, version,
    # figures
    with django_assert_num_queries(10):
        html = client.get(reverse("article_detail", args=[revised.pk])).content.decode()
    assert html.count("⟳ changed since you reviewed") == count


def test_it_marks_fuzzy_and_orphaned_appearances_on_the_claim_page_and_admin(
    revised, charlie, maria
):
    orphan = Span.objects.get(exact=TROOPS)
    html = client_for(charlie).get(reverse("claim_detail", args=[orphan.claim_id])).content
    assert b"removed from the article in revision 2" in html
    fuzzy = Span.objects.get(exact=FIXED)
    html = client_for(maria).get(reverse("claim_detail", args=[fuzzy.claim_id])).content
    assert b"re-anchored approximately after a revision" in html
    admin = client_for(maria)
    html = admin.get("/admin/annotations/span/?anchor_status__exact=orphan").content.decode()
    assert "About 12,000 North Korean troops" in html and "Kursk update" in html
    html = admin.get("/admin/annotations/verdict/?span__anchor_status__exact=fuzzy").content
    assert html.decode().count('class="field-anchor">Re-anchored approximately') == 2


def test_it_sends_an_open_page_of_a_replaced_revision_to_the_current_one(db, alice):
    article = _import(_text(TYPO, DENIED, TROOPS))
    _tag(article, DENIED, alice)
    client = client_for(alice)
    page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    poll_url = page.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    revised = _import(_text(INSERTED, TYPO, DENIED, TROOPS))
    response = client.get(poll_url, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("article_detail", args=[revised.pk])
