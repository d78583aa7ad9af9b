"""Every reviewer endpoint, as a full page and as an htmx fragment, with CSRF checks on."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Article, Claim, Span, Verdict
from annotations.services import article_import, span_get_or_create, verdict_set

HTMX = {"HTTP_HX_REQUEST": "true"}
SENTENCE = "Additionally, Ukrainian forces have captured 909 Russian soldiers"


def _client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("article_list"))  # sets the CSRF cookie
    client.csrf = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def seed_909(seeds):
    """The seed article whose headline says "captured 909 Russian soldiers", and the
    bounds of its later sentence carrying the same claim."""
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    sentence = next(s for s in article.sentences.all() if s.text.startswith(SENTENCE))
    return article, sentence


def _post(client, url, data, htmx=False):
    headers = {"HTTP_X_CSRFTOKEN": client.csrf, **(HTMX if htmx else {})}
    return client.post(url, data, **headers)


def _verdict_data(sentence, **fields):
    return {
        "start": sentence.start,
        "end": sentence.end,
        "exact": sentence.text,
        "label": "attributed",
        "attributed_to": "General Staff of the Armed Forces of Ukraine",
        "claim": "new",
        "claim_text": "Ukraine captured 909 Russian soldiers in Kursk",
        **fields,
    }


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["article_list", "article_detail", "article_updates", "span_panel", "span_others"]
)
def test_every_page_needs_a_login(client, seed_909, name):
    article, _ = seed_909
    url = reverse(name) if name == "article_list" else reverse(name, args=[article.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_outside_the_reviewer_group_cannot_save(django_user_model, seed_909):
    article, sentence = seed_909
    stranger = django_user_model.objects.create_user("mallory", password="x")
    response = _post(
        _client_for(stranger), reverse("verdict_save", args=[article.pk]), _verdict_data(sentence)
    )
    assert response.status_code == 403
    assert not Verdict.objects.exists()


def test_a_moderator_can_use_the_reviewer_pages(maria, seed_909):
    article, sentence = seed_909
    client = _client_for(maria)
    assert client.get(reverse("article_detail", args=[article.pk])).status_code == 200
    response = _post(client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    assert response.status_code == 302


# --- article list -------------------------------------------------------------------------


def test_the_article_list_full_page_and_fragment(alice_client, seeds):
    full = alice_client.get(reverse("article_list"))
    assert b"<html" in full.content and b'id="results"' in full.content
    fragment = alice_client.get(reverse("article_list"), {"q": "717"}, **HTMX)
    assert b"<html" not in fragment.content
    assert (
        b"1 article matching" in fragment.content and b"717 Russian soldiers" in fragment.content
    )


def test_a_history_restore_gets_the_whole_page(alice_client, seeds):
    response = alice_client.get(
        reverse("article_list"), {"q": "717"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert b"<html" in response.content


def test_the_article_list_shows_my_progress(alice_client, alice, seed_909):
    article, sentence = seed_909
    _post(alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    response = alice_client.get(reverse("article_list"))
    worthy = article.sentences.filter(check_worthy=True).count()
    assert f"1/{worthy}".encode() in response.content


@pytest.mark.parametrize("count", [1, 50])
def test_the_article_list_query_count_is_fixed(
    alice_client, alice, bob, django_assert_num_queries, count
):
    for n in range(count):
        article, _ = article_import(title=f"A{n}", text=f"A{n}\n\nIt said {n} tanks were hit.")
        span = span_get_or_create(
            article=article, start=4, end=8, exact=article.text[4:8], created_by=alice
        )
        verdict_set(span=span, reviewer=alice, label="verified")
        verdict_set(span=span, reviewer=bob, label="disputed")
    # session, user, page count, page of articles, sentence counts, my tagged counts,
    # contested counts
    with django_assert_num_queries(7):
        assert alice_client.get(reverse("article_list")).status_code == 200


# --- article page and live updates ---------------------------------------------------------


def test_the_article_page_renders_every_sentence_as_a_link(alice_client, seed_909):
    article, sentence = seed_909
    response = alice_client.get(reverse("article_detail", args=[article.pk]))
    html = response.content.decode()
    assert html.count('class="sentence') == article.sentences.count()
    assert (
        f'href="/articles/{article.pk}/span/?start={sentence.start}&amp;end={sentence.end}"'
        in html
    )
    assert 'class="sentence furniture"' in html  # "Kursk Operation (Illustrative photo…)"


def test_title_and_text_are_rendered_escaped(alice_client, db, alice):
    article, _ = article_import(
        title="<script>alert(1)</script>", text="<script>alert(1)</script>\n\n<b>bold</b> claim."
    )
    html = alice_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>bold" not in html


@pytest.mark.parametrize("verdicts", [1, 200])
def test_the_article_page_query_count_does_not_grow_with_verdicts(
    alice_client, alice, bob, seed_909, django_assert_num_queries, verdicts
):
    article, _ = seed_909
    for n in range(verdicts):
        span = span_get_or_create(
            article=article, start=n, end=n + 5, exact=article.text[n : n + 5], created_by=alice
        )
        verdict_set(span=span, reviewer=alice if n % 2 else bob, label="verified")
        verdict_set(span=span, reviewer=alice, label="disputed") if n % 3 == 0 else None
    # session, user, article, sentences, my verdicts with spans, consensus, version, figures
    with django_assert_num_queries(8):
        assert alice_client.get(reverse("article_detail", args=[article.pk])).status_code == 200


def test_the_live_poll_swaps_nothing_when_nothing_changed(
    alice_client, bob, seed_909, django_assert_num_queries
):
    article, sentence = seed_909
    # Alice has voted on the sentence, so bob's verdict there is hers to see (blind review).
    _post(alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    page = alice_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    poll_url = page.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    # session, user, and the one aggregate query
    with django_assert_num_queries(3):
        assert alice_client.get(poll_url, **HTMX).status_code == 204
    span = Span.objects.get()
    verdict_set(span=span, reviewer=bob, label="verified")
    changed = alice_client.get(poll_url, **HTMX)
    assert changed.status_code == 200 and b'id="article-body"' in changed.content
    assert b"<html" not in changed.content


# --- the panel ------------------------------------------------------------------------------


def test_the_panel_full_page_and_fragment(alice_client, seed_909):
    article, sentence = seed_909
    url = reverse("span_panel", args=[article.pk])
    params = {"start": sentence.start, "end": sentence.end}
    full = alice_client.get(url, params)
    assert b"<html" in full.content and b'id="article-body"' in full.content
    assert b'class="verdict-form"' in full.content
    fragment = alice_client.get(url, params, **HTMX)
    assert b"<html" not in fragment.content and b'id="article-body"' not in fragment.content
    assert sentence.text.encode() in fragment.content


def test_the_panel_prefills_the_attribution(alice_client, seeds):
    article = Article.objects.get(source_name="000_10b702348d2e2354.txt")
    sentence = next(s for s in article.sentences.all() if "according to the General" in s.text)
    response = alice_client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        **HTMX,
    )
    assert b'value="The General Staff of the Armed Forces of Ukraine"' in response.content


@pytest.mark.parametrize(
    "params",
    [
        {"start": 10, "end": 5},
        {"start": 0, "end": 10**7},
        {"start": -1, "end": 4},
        {"start": "x", "end": 4},
        {"start": 0, "end": 5, "exact": "not the text"},
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_range_is_a_400(alice_client, seed_909, params, htmx):
    article, _ = seed_909
    headers = HTMX if htmx else {}
    response = alice_client.get(reverse("span_panel", args=[article.pk]), params, **headers)
    assert response.status_code == 400
    assert b'role="alert"' in response.content


def test_blind_review_hides_others_until_i_have_voted(alice_client, bob_client, seed_909):
    article, sentence = seed_909
    _post(
        alice_client,
        reverse("verdict_save", args=[article.pk]),
        _verdict_data(sentence, note="Alice's private reasoning"),
    )
    panel_url = reverse("span_panel", args=[article.pk])
    params = {"start": sentence.start, "end": sentence.end}
    before = bob_client.get(panel_url, params, **HTMX).content.decode()
    assert "Alice&#x27;s private reasoning" not in before and "alice" not in before
    # Not even how many others tagged it (blind review counts no one before my vote).
    assert "other reviewer tagged this" not in before
    _post(
        bob_client,
        reverse("verdict_save", args=[article.pk]),
        _verdict_data(sentence, label="disputed", attributed_to=""),
        htmx=True,
    )
    after = bob_client.get(panel_url, params, **HTMX).content.decode()
    assert "Alice&#x27;s private reasoning" in after and "<strong>alice</strong>" in after


def test_with_blind_review_off_others_show_at_once(alice_client, bob_client, seed_909, settings):
    settings.BLIND_REVIEW = False
    article, sentence = seed_909
    _post(alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    html = bob_client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        **HTMX,
    ).content.decode()
    assert "<strong>alice</strong>" in html


def test_the_others_poll_is_204_until_something_changes(alice_client, bob, seed_909):
    article, sentence = seed_909
    _post(alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    panel = alice_client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        **HTMX,
    ).content.decode()
    others_url = panel.split('id="others"')[1].split('hx-get="')[1].split('"')[0]
    others_url = others_url.replace("&amp;", "&")
    assert alice_client.get(others_url, **HTMX).status_code == 204
    span = Span.objects.get()
    verdict_set(span=span, reviewer=bob, label="disputed", note="Bob disagrees")
    changed = alice_client.get(others_url, **HTMX)
    assert changed.status_code == 200 and b"Bob disagrees" in changed.content


# --- saving ---------------------------------------------------------------------------------


def test_saving_through_htmx_swaps_panel_highlight_and_counter(alice_client, seed_909):
    article, sentence = seed_909
    response = _post(
        alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence), True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "✓ Saved." in html and "<html" not in html
    assert f'id="s-{sentence.index}"' in html and 'hx-swap-oob="true"' in html
    assert 'mark class="seg hl hl-attributed' in html
    assert 'id="progress"' in html and "1 of" in html
    verdict = Verdict.objects.get()
    assert verdict.span.exact == sentence.text
    assert verdict.attributed_to == "General Staff of the Armed Forces of Ukraine"
    assert verdict.span.claim.text == "Ukraine captured 909 Russian soldiers in Kursk"
    assert verdict.span.claim.origin == "", "set by moderators; it would unblind reviewers"


def test_saving_without_javascript_redirects_back_to_the_sentence(alice_client, seed_909):
    article, sentence = seed_909
    response = _post(
        alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence)
    )
    assert response.status_code == 302
    assert response.url == reverse("article_detail", args=[article.pk]) + f"#s-{sentence.index}"
    page = alice_client.get(response.url).content.decode()
    assert "hl-attributed" in page


def test_a_post_without_csrf_token_is_refused(alice_client, seed_909):
    article, sentence = seed_909
    response = alice_client.post(
        reverse("verdict_save", args=[article.pk]), _verdict_data(sentence)
    )
    assert response.status_code == 403
    assert not Verdict.objects.exists() and not Span.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": "true"}, "Select a valid choice"),
        ({"label": "attributed", "attributed_to": ""}, "Say who the article attributes"),
        ({"label": "verified", "evidence_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"label": "verified", "note": "<script>alert(1)</script>"}, "HTML is not allowed"),
        ({"label": "verified", "note": "x" * 2001}, "at most 2000"),
        ({"exact": "Something else entirely"}, "does not match the article"),
        ({"end": 10**6}, "past the end"),
        ({"claim": "999999"}, "That claim does not exist"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_a_clear_422_and_stores_nothing(
    alice_client, seed_909, fields, message, htmx
):
    article, sentence = seed_909
    response = _post(
        alice_client,
        reverse("verdict_save", args=[article.pk]),
        _verdict_data(sentence, **fields),
        htmx,
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Verdict.objects.exists() and not Span.objects.exists()
    assert not Claim.objects.exists()


def test_a_double_submit_stores_one_verdict_and_one_claim(alice_client, seed_909):
    article, sentence = seed_909
    for _ in range(2):
        _post(
            alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence), True
        )
    assert Verdict.objects.count() == 1 and Claim.objects.count() == 1


def test_saving_again_updates_my_verdict(alice_client, seed_909):
    article, sentence = seed_909
    url = reverse("verdict_save", args=[article.pk])
    _post(alice_client, url, _verdict_data(sentence), True)
    _post(
        alice_client,
        url,
        _verdict_data(sentence, label="disputed", evidence_url="https://example.org/report"),
        True,
    )
    verdict = Verdict.objects.get()
    assert verdict.label == "disputed" and verdict.evidence_url == "https://example.org/report"


def test_another_reviewer_saving_never_touches_my_verdict(alice_client, bob_client, seed_909):
    article, sentence = seed_909
    url = reverse("verdict_save", args=[article.pk])
    _post(alice_client, url, _verdict_data(sentence), True)
    _post(bob_client, url, _verdict_data(sentence, label="verified"), True)
    labels = dict(Verdict.objects.values_list("reviewer__username", "label"))
    assert labels == {"alice": "attributed", "bob": "verified"}


def test_an_existing_claim_can_be_chosen(alice_client, alice, seed_909):
    article, sentence = seed_909
    claim = Claim.objects.create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    panel = alice_client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        **HTMX,
    ).content.decode()
    assert f'value="{claim.pk}"' in panel, "the similar claim is suggested"
    _post(
        alice_client,
        reverse("verdict_save", args=[article.pk]),
        _verdict_data(sentence, claim=str(claim.pk)),
        True,
    )
    assert Span.objects.get().claim == claim and Claim.objects.count() == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_withdrawing_my_verdict(alice_client, seed_909, htmx):
    article, sentence = seed_909
    _post(alice_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    response = _post(
        alice_client,
        reverse("verdict_withdraw", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        htmx,
    )
    assert response.status_code == (200 if htmx else 302)
    assert not Verdict.objects.exists()


def test_withdrawing_when_i_have_no_verdict_is_a_404_and_leaves_others(
    alice_client, bob_client, seed_909
):
    article, sentence = seed_909
    _post(bob_client, reverse("verdict_save", args=[article.pk]), _verdict_data(sentence))
    response = _post(
        alice_client,
        reverse("verdict_withdraw", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        True,
    )
    assert response.status_code == 404
    assert Verdict.objects.count() == 1


def test_a_strong_suggestion_is_the_default_claim(alice_client, alice, seed_909):
    article, sentence = seed_909
    claim = Claim.objects.create(text="Ukraine captured 909 Russian soldiers", created_by=alice)
    Claim.objects.create(text="Russia lost 131 tanks", created_by=alice)
    panel = alice_client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        **HTMX,
    ).content.decode()
    assert f'name="claim" value="{claim.pk}" checked' in panel
    assert 'value="new" checked' not in panel


def test_the_article_list_counts_contested_claims(alice_client, alice, bob, seed_909):
    article, sentence = seed_909
    verdict = services.verdict_record(
        article=article,
        start=sentence.start,
        end=sentence.end,
        exact=sentence.text,
        reviewer=alice,
        label="verified",
        evidence_url="https://example.org/a",
    )
    services.verdict_set(span=verdict.span, reviewer=bob, label="disputed")
    html = alice_client.get(reverse("article_list")).content.decode()
    row = html.split(f'href="/articles/{article.pk}/"')[1].split("</tr>")[0]
    assert '<span class="badge badge-contested">⚠ 1</span>' in row


@pytest.mark.parametrize("figures", [1, 100])
def test_the_article_page_query_count_does_not_grow_with_figures(
    alice_client, django_assert_num_queries, figures
):
    text = "Figures\n\n" + " ".join(f"They lost {n + 2} tanks." for n in range(figures))
    article, _ = article_import(title="Figures", text=text)
    assert article.quantities.count() == figures
    # As with verdicts, less one: with no highlight there is no consensus to ask for.
    with django_assert_num_queries(7):
        html = alice_client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert html.count('figure"') == figures


def test_the_panel_shows_the_figure_elsewhere_with_its_judgement(alice_client, seeds):
    article = Article.objects.get(source_name="000_10b702348d2e2354.txt")
    sentence = next(s for s in article.sentences.all() if "captured 909" in s.text)
    html = alice_client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": sentence.start, "end": sentence.end},
        **HTMX,
    ).content.decode()
    assert "This figure elsewhere" in html
    assert "717 on 2024-11-06 → 909 on 2025-02-07" in html
    assert "update:" in html and "conflict:" not in html


# --- a refused verdict keeps everything typed (issue #9, part 4) ---------------------------

TYPED = {
    "note": "Checked against the General Staff's own post.",
    "evidence_url": "https://example.org/general-staff",
    "attributed_to": "General Staff of the Armed Forces of Ukraine",
    "claim_text": "Ukraine captured 909 Russian soldiers in Kursk (typed by me)",
}


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("attributed_to", {"attributed_to": ""}, "Say who the article attributes this to."),
        ("evidence_url", {"evidence_url": "javascript:alert(1)"}, "http"),
        ("note", {"note": "see <script>alert(1)</script>"}, ""),
        ("claim_text", {"claim_text": "<b>909</b> soldiers"}, ""),
    ],
    ids=["attributed-without-who", "javascript-url", "markup-note", "markup-claim"],
)
def test_it_keeps_every_typed_field_on_a_refused_verdict(
    alice_client, seed_909, htmx, field, changes, message
):
    article, sentence = seed_909
    data = _verdict_data(sentence, **{**TYPED, **changes})
    response = _post(alice_client, reverse("verdict_save", args=[article.pk]), data, htmx=htmx)
    assert response.status_code == 422
    assert not Verdict.objects.exists()
    html = response.content.decode()
    assert 'class="verdict-form"' in html, "the whole panel again, not a lone error"
    assert sentence.text[:40] in html  # the quote
    # Everything typed is back in its field (escaped where it was markup).
    for name, value in {**TYPED, **changes}.items():
        if name == field or not value:
            continue
        assert value.replace("'", "&#x27;") in html, name
    # The error sits next to its field: between the field's input and the next label.
    field_at = html.index(f'name="{field}"')
    error_at = html.index('class="error"', field_at)
    assert error_at - field_at < 800
    assert message in html[error_at : error_at + 400]
    assert "<script>alert" not in html and "<b>909</b>" not in html


# --- "new claim" while a strong match exists is confirmed once (issue #9, part 2) -------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_it_asks_once_before_a_new_claim_beside_a_strong_match(alice_client, seed_909, htmx):
    article, sentence = seed_909
    existing = Claim.objects.create(text=sentence.text)
    url = reverse("verdict_save", args=[article.pk])
    data = _verdict_data(sentence, claim="new", claim_text=sentence.text)

    refused = _post(alice_client, url, data, htmx=htmx)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "A claim very like this one already exists" in html
    assert 'name="confirm_new"' in html and "Create a new claim anyway" in html
    assert html.index('id="claim-error"') < html.index('name="label"'), "next to the claim"
    assert not Verdict.objects.exists()

    saved = _post(alice_client, url, {**data, "confirm_new": "on"}, htmx=htmx)
    assert saved.status_code == (200 if htmx else 302)
    span = Span.objects.get()
    assert span.claim != existing and Claim.objects.count() == 2


def test_it_saves_under_the_strong_match_without_asking(alice_client, seed_909):
    article, sentence = seed_909
    existing = Claim.objects.create(text=sentence.text)
    data = _verdict_data(sentence, claim=str(existing.pk))
    response = _post(alice_client, reverse("verdict_save", args=[article.pk]), data, htmx=True)
    assert response.status_code == 200
    assert Span.objects.get().claim == existing


def test_it_does_not_ask_when_no_claim_is_alike(alice_client, seed_909):
    article, sentence = seed_909
    Claim.objects.create(text="North Korea sent 12,000 troops to Kursk")
    data = _verdict_data(sentence)
    response = _post(alice_client, reverse("verdict_save", args=[article.pk]), data, htmx=True)
    assert response.status_code == 200
    assert Span.objects.get().claim.text == data["claim_text"]
