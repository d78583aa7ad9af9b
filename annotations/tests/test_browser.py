"""The reviewer workspace in real Chromium (Debian's), driven by Playwright.

Each test fails on any Content-Security-Policy violation or script error in the page."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from annotations.models import (
    Article,
    Claim,
    OriginName,
    PossibleDuplicate,
    RevisionFlag,
    Span,
    Verdict,
)
from annotations.rules.origins import spelling_key
from annotations.selectors.suggestions import claim_suggestions
from annotations.services import article_import, ruling_publish, verdict_record
from annotations.services.origins import origins_merge
from annotations.tests import test_article_metadata as metadata
from annotations.tests.test_article_metadata import DW, PAGES

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still plain synchronous calls, made between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# CI machines have two cores and run the live server beside Chromium: give each
# expectation room before it counts as a failure.
expect.set_options(timeout=10_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEADLINE_909 = "the Defense Forces captured 909 Russian soldiers"
GENERAL_STAFF = "General Staff of the Armed Forces of Ukraine"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    def __init__(self):
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        return page

    def _console(self, message) -> None:
        if message.type != "error" and "Content Security Policy" not in message.text:
            return
        url = message.location.get("url", "")
        # Deliberate refusals (422) are not page faults.
        if "status of 422" in message.text:
            return
        self.messages.append(f"{message.text} ({url})")


@pytest.fixture
def problems():
    watcher = PageProblems()
    yield watcher
    assert watcher.messages == [], "the page reported errors or CSP violations"


@pytest.fixture
def new_page(browser, live_server, problems):
    contexts = []

    def make(username: str | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = problems.watch(context.new_page())
        if username:
            page.goto("/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", f"{username}-password")
            page.click("button[type=submit]")
            expect(page.get_by_role("heading", name="Articles")).to_be_visible()
        return page

    yield make
    for context in contexts:
        context.close()


def _article_with(text: str) -> Article:
    return Article.objects.get(text__contains=text)


def _open_article(page: Page, article: Article) -> None:
    page.goto(f"/articles/{article.pk}/")
    # Marks this document: if a save reloaded the page, the mark would be gone.
    page.evaluate("window.__sameDocument = true")


def _still_same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def _select_text(page: Page, needle: str) -> None:
    """Select exactly `needle` in the article body, as a mouse drag would, and release.
    The needle may run across several segments (highlights and figures cut the text)."""
    page.evaluate(
        """(needle) => {
            const body = document.getElementById('article-body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {
                acceptNode: (n) => n.parentElement.closest('.seg')
                    ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
            });
            const nodes = [];
            let text = '', node;
            while ((node = walker.nextNode())) {
                nodes.push([node, text.length]);
                text += node.data;
            }
            const at = text.indexOf(needle);
            if (at < 0) throw new Error('text not found: ' + needle);
            const locate = (offset, isEnd) => {
                for (const [n, base] of nodes) {
                    const end = base + n.data.length;
                    const inside = isEnd ? offset <= end : offset < end;
                    if (offset >= base && inside) return [n, offset - base];
                }
            };
            const range = document.createRange();
            range.setStart(...locate(at, false));
            range.setEnd(...locate(at + needle.length, true));
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            const released = new MouseEvent('mouseup', {bubbles: true});
            range.startContainer.parentElement.dispatchEvent(released);
        }""",
        needle,
    )


def _marked(locator) -> str:
    """The text of every highlight segment in `locator`, joined."""
    return "".join(locator.all_inner_texts())


def test_a_reviewer_tags_the_909_sentence_as_attributed(new_page, seeds, alice):
    article = _article_with(HEADLINE_909)
    page = new_page("alice")
    page.get_by_role("link", name=re.compile("During the Kursk operation")).first.click()
    page.evaluate("window.__sameDocument = true")
    sentence = page.locator(".sentence", has_text=HEADLINE_909)
    sentence.click()
    expect(page.locator("#panel .quote")).to_contain_text(HEADLINE_909)
    page.keyboard.press("a")
    expect(page.locator("#id_attributed_to")).to_be_focused()
    page.keyboard.type(GENERAL_STAFF)
    page.get_by_role("button", name="Save verdict").click()

    expect(page.locator("#panel .saved")).to_be_visible()
    expect(sentence.locator("mark.hl-attributed").first).to_be_visible()
    assert _still_same_document(page), "saving must not load a new page"
    verdict = Verdict.objects.get()
    assert verdict.label == "attributed" and verdict.attributed_to == GENERAL_STAFF
    assert verdict.span.article == article and HEADLINE_909 in verdict.span.exact

    page.reload()
    expect(
        page.locator(".sentence", has_text=HEADLINE_909).locator("mark.hl-attributed").first
    ).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("1 of")


def test_a_free_selection_inside_a_sentence_is_stored_exactly(new_page, seeds, alice):
    article = _article_with("about 16,100 killed")
    page = new_page("alice")
    _open_article(page, article)
    _select_text(page, "16,100 killed")
    expect(page.locator("#panel .quote")).to_have_text("16,100 killed")
    expect(page.locator("#panel-title")).to_have_text("Tag this selection")
    page.keyboard.press("d")
    page.fill("#id_evidence_url", "https://example.org/casualty-figures")
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator("#panel .saved")).to_be_visible()

    span = Span.objects.get()
    assert span.exact == "16,100 killed" == article.text[span.start : span.end]
    verdict = span.verdicts.get()
    assert verdict.label == "disputed"
    assert verdict.evidence_url == "https://example.org/casualty-figures"
    expect(page.locator("mark.hl-disputed").first).to_be_visible()
    assert _marked(page.locator("mark.hl-disputed")) == "16,100 killed"
    assert _still_same_document(page)


def test_the_whole_flow_with_the_keyboard_alone(new_page, seeds, alice):
    article = _article_with(HEADLINE_909)
    page = new_page()
    page.goto("/login/")
    # The username field takes focus on load; typing before that would lose keys.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("alice-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    # Tab to the article's link and follow it.
    link = page.get_by_role("link", name=re.compile("During the Kursk operation"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/articles/{article.pk}/$"))
    page.evaluate("window.__sameDocument = true")

    target = page.locator(".sentence", has_text=HEADLINE_909)
    for _ in range(article.sentences.count()):
        page.keyboard.press("j")
        if target.evaluate("el => el === document.activeElement"):
            break
    expect(target).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#panel .quote")).to_contain_text(HEADLINE_909)
    page.keyboard.press("a")
    page.keyboard.type(GENERAL_STAFF)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#panel .saved")).to_be_visible()
    expect(target.locator("mark.hl-attributed").first).to_be_visible()
    assert _still_same_document(page)
    assert Verdict.objects.get().attributed_to == GENERAL_STAFF

    page.keyboard.press("Escape")
    expect(page.locator("#panel .panel-empty")).to_be_visible()
    expect(target).to_be_focused()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    # "]" skips furniture and what I tagged.
    page.keyboard.press("]")
    focused = page.evaluate("document.activeElement.className")
    assert "furniture" not in focused and "tagged" not in focused and "sentence" in focused


def test_blind_review_and_live_updates_between_two_reviewers(new_page, seeds, alice, bob):
    article = _article_with(HEADLINE_909)
    alice_page = new_page("alice")
    _open_article(alice_page, article)
    alice_page.locator(".sentence", has_text=HEADLINE_909).click()
    expect(alice_page.locator("#panel .quote")).to_contain_text(HEADLINE_909)
    alice_page.keyboard.press("a")
    alice_page.keyboard.type(GENERAL_STAFF)
    alice_page.keyboard.press("Enter")
    expect(alice_page.locator("#panel .saved")).to_be_visible()

    bob_page = new_page("bob")
    _open_article(bob_page, article)
    bob_sentence = bob_page.locator(".sentence", has_text=HEADLINE_909)
    expect(bob_sentence.locator("mark")).to_have_count(0)  # no hint of alice's verdict
    bob_sentence.click()
    others = bob_page.locator("#others")
    # Not even how many others tagged it before bob votes (blind review).
    expect(others).to_contain_text("show once you have saved yours")
    expect(others).not_to_contain_text("tagged this")
    expect(others).not_to_contain_text("alice")
    bob_page.keyboard.press("v")
    bob_page.get_by_role("button", name="Save verdict").click()
    expect(bob_page.locator("#panel .saved")).to_be_visible()
    expect(others).to_contain_text("alice")
    expect(others).to_contain_text(GENERAL_STAFF)

    # Alice's open page learns of bob's verdict without a reload: the others list in her
    # panel and the consensus on her highlight.
    expect(alice_page.locator("#others")).to_contain_text("bob", timeout=12_000)
    alice_mark = alice_page.locator(".sentence", has_text=HEADLINE_909).locator("mark").first
    expect(alice_mark).to_have_class(re.compile("cons-insufficient"), timeout=12_000)
    assert _still_same_document(alice_page) and _still_same_document(bob_page)


def test_an_emoji_before_the_selection_does_not_shift_the_offsets(new_page, alice):
    text = "Flags 🇺🇦🇺🇦 and faces 😀 first.\n\nThen the army said 909 soldiers were captured."
    article, _ = article_import(title="Flags", text=text)
    page = new_page("alice")
    _open_article(page, article)
    _select_text(page, "909 soldiers")
    expect(page.locator("#panel .quote")).to_have_text("909 soldiers")
    page.keyboard.press("v")
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator("#panel .saved")).to_be_visible()
    span = Span.objects.get()
    assert span.start == text.index("909 soldiers")
    assert (span.start, span.end, span.exact) == (
        text.index("909"),
        text.index("909") + 12,
        "909 soldiers",
    )


def test_tagging_works_without_javascript(browser, live_server, seeds, alice):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-password")
    page.click("button[type=submit]")
    article = _article_with(HEADLINE_909)
    page.goto(f"/articles/{article.pk}/")
    page.locator(".sentence", has_text=HEADLINE_909).click()
    expect(page).to_have_url(re.compile(r"/span/\?start=\d+&end=\d+"))
    page.check("input[name=label][value=attributed]")
    page.fill("#id_attributed_to", GENERAL_STAFF)
    page.get_by_role("button", name="Save verdict").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/#s-\d+$"))
    expect(page.locator("mark.hl-attributed").first).to_be_visible()
    context.close()


def test_the_csp_watch_does_catch_a_violation(browser, live_server, seeds, alice):
    """The guard above is only worth something if a violation really reaches it."""
    watcher = PageProblems()
    context = browser.new_context(base_url=live_server.url)
    page = watcher.watch(context.new_page())
    page.goto("/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(200)
    context.close()
    assert any("Content Security Policy" in message for message in watcher.messages)


def test_a_moderator_rules_merges_and_hides_in_the_admin(
    new_page, claim_909, alice, bob, charlie, maria
):
    from annotations import services
    from annotations.models import Claim

    article = claim_909.spans.first().article
    # A contested claim (verified meets disputed) and one with no evidence at all.
    contested = services.verdict_record(
        article=article,
        start=0,
        end=10,
        exact=article.text[:10],
        reviewer=alice,
        label="verified",
        evidence_url="https://example.org/a",
        new_claim_text="A contested claim",
    ).span.claim
    services.verdict_record(
        article=article,
        start=0,
        end=10,
        exact=article.text[:10],
        reviewer=bob,
        label="disputed",
        evidence_url="https://example.org/b",
    )
    unevidenced = services.verdict_record(
        article=article,
        start=11,
        end=20,
        exact=article.text[11:20],
        reviewer=alice,
        label="verified",
        new_claim_text="A claim nobody evidenced",
    ).span.claim
    services.verdict_record(
        article=article,
        start=11,
        end=20,
        exact=article.text[11:20],
        reviewer=bob,
        label="verified",
    )

    admin = new_page()
    admin.goto("/admin/login/")
    admin.fill("#id_username", "maria")
    admin.fill("#id_password", "maria-password")
    admin.click("input[type=submit]")
    admin.get_by_role("link", name="Claims").first.click()
    rows = admin.locator("#result_list tbody tr")
    # Needs attention: the contested claim first.
    expect(rows.first).to_contain_text("A contested claim")
    expect(rows.first).to_contain_text("⚠ contested")

    def run_action(claim_texts, action):
        for text in claim_texts:
            admin.locator("#result_list tbody tr", has_text=text).locator(
                "input[type=checkbox]"
            ).check()
        admin.select_option("select[name=action]", action)
        admin.click("button[name=index]")

    # A verified ruling without evidence is refused with a clear message.
    run_action(["A claim nobody evidenced"], "publish_ruling")
    admin.select_option("#id_ruling", "verified")
    admin.fill("#id_rationale", "Two reviewers agree.")
    admin.click("input[type=submit][value='Publish ruling']")
    expect(admin.locator(".errorlist")).to_contain_text("needs at least one verdict with evidence")
    assert Claim.objects.get(pk=unevidenced.pk).ruling == ""

    admin.goto("/admin/annotations/claim/")
    run_action([claim_909.text[:30]], "publish_ruling")
    admin.select_option("#id_ruling", "attributed")
    admin.fill("#id_rationale", "The figure is the General Staff's own.")
    admin.click("input[type=submit][value='Publish ruling']")
    expect(admin.locator(".messagelist")).to_contain_text("Ruling published")

    run_action(["A contested claim", "A claim nobody evidenced"], "merge")
    admin.check(f"input[name=into][value='{contested.pk}']")
    admin.click("input[type=submit][value='Merge']")
    expect(admin.locator(".messagelist")).to_contain_text(f"into #{contested.pk}")

    hidden = claim_909.spans.first().verdicts.get(reviewer=charlie)
    admin.goto("/admin/annotations/verdict/")
    admin.locator(f"input[name=_selected_action][value='{hidden.pk}']").check()
    admin.select_option("select[name=action]", "hide")
    admin.click("button[name=index]")
    admin.fill("#id_reason", "Duplicate of another reviewer's account")
    admin.click("input[type=submit][value='Hide']")
    expect(admin.locator(".messagelist")).to_contain_text("Hid 1 verdict")

    # The reviewer's claim pages reflect each action.
    reviewer = new_page("alice")
    reviewer.goto(f"/claims/{claim_909.pk}/")
    expect(reviewer.locator(".ruling")).to_contain_text("Ruling: Attributed")
    expect(reviewer.locator(".ruling")).to_contain_text("The figure is the General Staff's own.")
    hidden_appearance = reviewer.locator(".appearances > li", has_text=hidden.span.article.title)
    expect(hidden_appearance).to_contain_text("alice")
    expect(hidden_appearance).not_to_contain_text("charlie")
    reviewer.goto(f"/claims/{unevidenced.pk}/")
    expect(reviewer.locator("main")).to_contain_text(f"Merged into claim #{contested.pk}")
    reviewer.goto(f"/claims/{contested.pk}/")
    expect(reviewer.locator(".appearances > li")).to_have_count(2)


def test_it_fits_the_article_list_and_header_into_a_phone_width(new_page, seeds, alice, maria):
    # At 390 px a six-column table and a moderator's four header links scrolled sideways.
    for username in ("alice", "maria"):
        page = new_page(username)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{username}: the article list scrolls sideways"
        # The cards name each value, since the table's header row is not shown.
        label = page.evaluate(
            "getComputedStyle(document.querySelector('td[data-label=Published]'), '::before')"
            ".content"
        )
        assert label == '"Published: "'


def test_it_lets_a_keyboard_only_reviewer_pick_the_second_suggestion(new_page, seeds, alice):
    article = _article_with(HEADLINE_909)
    sentence = next(s for s in article.sentences.all() if HEADLINE_909 in s.text)
    Claim.objects.create(text=sentence.text)
    Claim.objects.create(text="Ukraine says it has taken 909 Russian soldiers prisoner in Kursk")
    suggestions = claim_suggestions(text=sentence.text)
    assert len(suggestions) >= 2
    second = suggestions[1].claim
    page = new_page("alice")
    _open_article(page, article)

    target = page.locator(".sentence", has_text=HEADLINE_909)
    for _ in range(article.sentences.count()):
        page.keyboard.press("j")
        if target.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    # Opened from the keyboard, the panel takes focus, so Tab goes into its form.
    expect(page.locator("#panel-title")).to_be_focused()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name === 'claim'"):
            break
    radios = page.locator(".verdict-form input[name=claim]")
    # Arrow keys move within the radio group, never to another sentence.
    for _ in range(radios.count()):
        if page.evaluate("document.activeElement.value") == str(second.pk):
            break
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.name") == "claim"
    chosen = page.locator(f".verdict-form input[name=claim][value='{second.pk}']")
    expect(chosen).to_be_focused()
    expect(chosen).to_be_checked()
    expect(target).not_to_be_focused()
    page.keyboard.press("v")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#panel .saved")).to_be_visible()
    assert _still_same_document(page)
    span = Span.objects.get()
    assert span.claim == second and span.verdicts.get().label == "verified"


BAD_VERDICT = {
    "#id_note": "Checked against the General Staff's own post.",
    "#id_evidence_url": "javascript:alert(1)",
    "#id_attributed_to": "",
    "#id_claim_text": "Ukraine captured 909 Russian soldiers (my wording)",
}


def _fill_bad_verdict(page: Page) -> None:
    page.check("input[name=label][value=attributed]")
    page.check(".verdict-form input[name=claim][value=new]")
    for selector, value in BAD_VERDICT.items():
        page.fill(selector, value)


def _assert_every_field_kept(page: Page) -> None:
    expect(page.locator("#panel .quote")).to_contain_text(HEADLINE_909)
    for selector, value in BAD_VERDICT.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.locator("input[name=label][value=attributed]")).to_be_checked()
    expect(page.locator(".verdict-form input[name=claim][value=new]")).to_be_checked()
    # Each message next to its field.
    expect(page.locator("#id_attributed_to + .error")).to_contain_text("Say who")
    expect(page.locator("#id_evidence_url + .error")).to_contain_text("http")


def test_it_keeps_every_field_after_a_validation_error(
    new_page, browser, live_server, seeds, alice
):
    article = _article_with(HEADLINE_909)
    page = new_page("alice")
    _open_article(page, article)
    page.locator(".sentence", has_text=HEADLINE_909).click()
    expect(page.locator("#panel .quote")).to_contain_text(HEADLINE_909)
    _fill_bad_verdict(page)
    page.get_by_role("button", name="Save verdict").click()
    _assert_every_field_kept(page)
    _shot(page, "refused-verdict")
    assert _still_same_document(page) and not Verdict.objects.exists()
    # Fixing the two fields saves, with the note and the claim text as typed.
    page.fill("#id_attributed_to", GENERAL_STAFF)
    page.fill("#id_evidence_url", "https://example.org/general-staff")
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator("#panel .saved")).to_be_visible()
    verdict = Verdict.objects.get()
    assert verdict.note == BAD_VERDICT["#id_note"]
    assert verdict.span.claim.text == BAD_VERDICT["#id_claim_text"]

    # And without JavaScript: the plain POST answers the whole page with the same panel.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    plain.goto("/login/")
    plain.fill("#id_username", "alice")
    plain.fill("#id_password", "alice-password")
    plain.click("button[type=submit]")
    other = next(s for s in article.sentences.all() if "909" not in s.text and s.check_worthy)
    plain.goto(f"/articles/{article.pk}/span/?start={other.start}&end={other.end}")
    page = plain
    expect(page.locator("#panel .quote")).to_be_visible()
    page.check("input[name=label][value=attributed]")
    page.check(".verdict-form input[name=claim][value=new]")
    for selector, value in BAD_VERDICT.items():
        page.fill(selector, value)
    page.get_by_role("button", name="Save verdict").click()
    for selector, value in BAD_VERDICT.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.locator("#id_attributed_to + .error")).to_contain_text("Say who")
    expect(page.locator("#id_evidence_url + .error")).to_contain_text("http")
    assert Verdict.objects.count() == 1
    context.close()


def _shot(page: Page, name: str, *, full_page: bool = False) -> None:
    if shots := os.environ.get("PANEL_SHOTS"):  # a directory, to look at the layout
        # caret="initial": hiding the caret injects a style, which the CSP rightly blocks.
        page.screenshot(path=f"{shots}/{name}.png", caret="initial", full_page=full_page)


def _phone(page: Page) -> Page:
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_it_leaves_the_tapped_sentence_visible_above_the_phone_sheet(new_page, seeds, alice):
    article = _article_with(HEADLINE_909)
    page = _phone(new_page("alice"))
    _open_article(page, article)
    # A sentence low in the article: an unmoved page would have it under the sheet.
    worthy = [s for s in article.sentences.all() if s.check_worthy]
    for sentence in (worthy[len(worthy) // 2], worthy[-1]):
        tapped = page.locator(f"#s-{sentence.index}")
        tapped.scroll_into_view_if_needed()
        page.evaluate(
            "(el) => window.scrollBy(0, el.getBoundingClientRect().bottom - innerHeight + 4)",
            tapped.element_handle(),
        )
        tapped.click()
        sheet = page.locator("#panel")
        expect(sheet.locator(".quote")).to_be_visible()
        page.wait_for_timeout(200)
        box = tapped.bounding_box()
        sheet_top = sheet.bounding_box()["y"]
        assert box["y"] >= 0, "the sentence scrolled off the top"
        assert box["y"] + min(box["height"], 60) <= sheet_top, "the sheet covers the sentence"
        assert sheet_top >= 844 / 2 - 1, "the sheet leaves half the screen to the text"
        _shot(page, f"phone-sheet-{sentence.index}")
        page.keyboard.press("Escape")
    # More room for the form, on demand.
    page.locator(f"#s-{worthy[0].index}").click()
    expand = page.get_by_role("button", name="Expand")
    expect(expand).to_be_visible()
    half = page.locator("#panel").bounding_box()["height"]
    expand.click()
    expect(page.get_by_role("button", name="Shrink")).to_have_attribute("aria-expanded", "true")
    assert page.locator("#panel").bounding_box()["height"] > half


def test_it_does_not_scroll_sideways_at_390_px(new_page, seeds, alice, maria, claim_909):
    article = _article_with(HEADLINE_909)
    for username in ("alice", "maria"):
        page = _phone(new_page(username))
        for url in ("/", f"/articles/{article.pk}/", "/claims/", f"/claims/{claim_909.pk}/"):
            page.goto(url)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], f"{username}: {url} is {widths[0]} px wide"
        # The open panel too.
        page.goto(f"/articles/{article.pk}/")
        page.locator(".sentence", has_text=HEADLINE_909).click()
        expect(page.locator("#panel .quote")).to_be_visible()
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{username}: the open panel is {widths[0]} px wide"


def test_it_asks_once_before_a_new_claim_beside_a_strong_match(new_page, seeds, alice):
    article = _article_with(HEADLINE_909)
    sentence = next(s for s in article.sentences.all() if HEADLINE_909 in s.text)
    existing = Claim.objects.create(text=sentence.text)
    page = _phone(new_page("alice"))
    _open_article(page, article)
    page.locator(".sentence", has_text=HEADLINE_909).click()
    # The strong match is the default; the reviewer insists on a new claim.
    expect(page.locator(f".verdict-form input[name=claim][value='{existing.pk}']")).to_be_checked()
    page.check(".verdict-form input[name=claim][value=new]")
    page.keyboard.press("v")
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator("#claim-error")).to_contain_text("already exists")
    assert not Verdict.objects.exists()
    page.check("input[name=confirm_new]")
    page.get_by_role("button", name="Save verdict").click()
    saved = page.locator("#panel .saved")
    expect(saved).to_be_visible()
    # "Saved" is in view inside the sheet, not scrolled away with the form.
    box, sheet = saved.bounding_box(), page.locator("#panel").bounding_box()
    assert sheet["y"] - 1 <= box["y"] and box["y"] + box["height"] <= 844
    assert _still_same_document(page)
    assert Span.objects.get().claim != existing and Claim.objects.count() == 2


def test_it_folds_this_figure_elsewhere_into_one_line_per_measure(new_page, seeds, alice):
    article = Article.objects.get(source_name="003_565abf9300d44fce.txt")
    page = new_page("alice")
    _open_article(page, article)
    page.locator(".sentence", has_text="Russian soldiers have been lost in the fighting").click()
    elsewhere = page.locator("#panel details.elsewhere")
    expect(elsewhere).to_be_visible()
    # Closed until asked for, after the verdict form.
    expect(elsewhere.locator("li").first).to_be_hidden()
    assert page.evaluate(
        "document.querySelector('.verdict-form').compareDocumentPosition("
        "document.querySelector('details.elsewhere')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    elsewhere.locator("summary").first.click()
    measures = elsewhere.locator("li.judged")
    expect(measures).to_have_count(2)
    expect(measures.first).to_contain_text("Russian casualties")
    # Each measure is one line until opened: its sources show on demand.
    expect(measures.first.locator("ul.outlets")).to_be_hidden()
    measures.first.locator("summary").click()
    expect(measures.first.locator("ul.outlets")).to_contain_text("39,900")
    _shot(page, "figures-elsewhere")


def test_it_shows_a_public_ruling_and_the_triage_list_without_csp_violations(
    new_page, seeds, claim_909, alice, maria
):
    article = claim_909.spans.order_by("pk").first().article
    Article.objects.filter(pk=article.pk).update(
        url="https://news.example.org/kursk-909", outlet="Kursk News"
    )
    ruling_publish(
        claim=claim_909,
        moderator=maria,
        label="attributed",
        rationale="Only the General Staff's statement; no independent count.",
    )
    for width, suffix in ((1440, ""), (390, "-390")):
        public = new_page()  # no login
        public.set_viewport_size({"width": width, "height": 900})
        public.goto(f"/rulings/{claim_909.pk}/")
        expect(public.locator(".ruling")).to_contain_text("Ruling: Attributed")
        expect(public.get_by_role("link", name=article.title)).to_have_attribute(
            "href", "https://news.example.org/kursk-909"
        )
        review = public.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)"
        )
        assert review["url"].endswith(f"/rulings/{claim_909.pk}/")
        _shot(public, f"ruling-page{suffix}")
        public.get_by_role("link", name="Published rulings").click()
        expect(public.locator(".claim-row")).to_have_count(1)
        triage = new_page("maria")
        triage.set_viewport_size({"width": width, "height": 900})
        triage.goto("/claims/")
        bar = triage.locator(".claim-row .fc-bar").first
        expect(bar).to_be_visible()
        # The widths come from the stylesheet: the segments fill the bar.
        assert bar.evaluate(
            "b => [...b.children].reduce((w, s) => w + s.getBoundingClientRect().width, 0)"
            " >= b.clientWidth - 2"
        )
        widths = triage.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"the claim list is {widths[0]} px wide at {width}"
        _shot(triage, f"claim-list{suffix}")


REVISED_BEFORE = (
    "Kursk update\n\n"
    "The General Staff said 909 Russian soldiers were captured, acording to the statement.\n\n"
    "More fighting is expected."
)


def test_it_shows_what_changed_since_i_reviewed_and_clears_it_with_one_key(new_page, alice):
    url = "https://news.example.org/kursk-update"
    article, _ = article_import(title="Kursk update", text=REVISED_BEFORE, url=url)
    wording = REVISED_BEFORE.split("\n\n")[1]
    start = article.text.index(wording)
    verdict_record(
        article=article,
        start=start,
        end=start + len(wording),
        exact=wording,
        reviewer=alice,
        label="attributed",
        attributed_to="the General Staff",
    )
    revised, _ = article_import(
        title="Kursk update", text=REVISED_BEFORE.replace("acording", "according"), url=url
    )
    page = new_page("alice")
    # The article list counts it for me.
    expect(page.locator(".badge-changed")).to_have_text("⟳ 1")
    _shot(_phone(page), "changed-since-reviewed-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".badge-changed").click()
    expect(page.locator(".changed-mark")).to_have_text("⟳ changed since you reviewed")
    expect(page.locator("#changes")).to_contain_text("Revised since you reviewed")
    _shot(page, "changed-since-reviewed-page")
    sentence = revised.sentences.get(start__lte=revised.text.index("The General"), end__gt=20)
    page.locator(f"#s-{sentence.index}").focus()
    page.keyboard.press("Enter")
    changed = page.locator("#panel .changed-panel")
    expect(changed).to_contain_text("Changed since you reviewed")
    expect(changed.locator("del")).to_have_text("acording")
    expect(changed.locator("ins")).to_have_text("according")
    _shot(page, "changed-since-reviewed-panel")
    page.keyboard.press("h")  # still holds
    expect(changed).to_have_count(0)
    expect(page.locator(".changed-mark")).to_have_count(0)
    assert RevisionFlag.objects.get().status == RevisionFlag.Status.HOLDS
    # The revisions page, and both pages on a phone: no sideways scroll.
    page.goto(f"/articles/{revised.pk}/revisions/")
    expect(page.locator(".revision-diff ins")).to_have_text("according")
    _shot(page, "revisions-page")
    _phone(page)
    for path in (f"/articles/{revised.pk}/revisions/", f"/articles/{revised.pk}/", "/"):
        page.goto(path)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide at 390 px"


# --- admin pages: history (simple-history's inline style), origins, favicon ---------------


def test_it_shows_history_and_origins_pages_without_csp_violations(new_page, claim_909, maria):
    page = new_page("maria")
    page.goto(f"/admin/annotations/claim/{claim_909.pk}/history/")
    expect(page.locator("#change-history")).to_be_visible()
    paginator = page.locator("p.paginator")
    expect(paginator).to_be_visible()
    # What the inline style did, now from the stylesheet.
    assert paginator.evaluate("p => getComputedStyle(p).borderTopStyle") == "none"

    page.goto("/admin/annotations/originname/")
    expect(page.get_by_text("General Staff of the Armed Forces of Ukraine").first).to_be_visible()
    names = list(OriginName.objects.all())
    origins_merge(origin_names=names, stands_for="Ukraine's General Staff", moderator=maria)
    name = OriginName.objects.get(key=spelling_key("the General Staff"))
    page.goto(f"/admin/annotations/originname/{name.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("merged as Ukraine")
    page.goto("/admin/annotations/originname/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "merge")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Merge spellings into one origin")).to_be_visible()


def test_it_serves_the_favicon_the_pages_link(new_page, db):
    page = new_page()
    response = page.goto("/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    page.goto("/rulings/")
    assert page.locator("link[rel=icon]").get_attribute("href") == "/favicon.ico"


def _tag_stretch(reviewer, article: Article, wording: str, label: str, claim=None) -> Verdict:
    start = article.text.index(wording)
    return verdict_record(
        article=article,
        start=start,
        end=start + len(wording),
        exact=wording,
        reviewer=reviewer,
        label=label,
        evidence_url="https://example.org/general-staff" if label != "attributed" else "",
        attributed_to="the General Staff" if label == "attributed" else "",
        claim=claim,
    )


CASUALTIES = (
    "Over the past six months, Russian forces have suffered approximately 39,900 casualties "
    "in Kursk Oblast, including around 16,100 killed."
)
CASUALTIES_AGAIN = (
    "Russian forces have suffered nearly 40,000 casualties, including more than 16,000 killed"
)


@pytest.fixture
def duplicated(seeds, alice, bob, charlie):
    """The same facts made into two claims each, as reviewers who overrode the "existing
    claim" default would make them: the 909 prisoners and the 39,900 casualties."""
    from annotations.tests.test_seeds import CAPTURED_909

    sources = list(CAPTURED_909)
    articles = [Article.objects.get(source_name=s) for s in sources]
    first = _tag_stretch(alice, articles[0], CAPTURED_909[sources[0]], "attributed")
    _tag_stretch(bob, articles[0], CAPTURED_909[sources[0]], "attributed", first.span.claim)
    second = _tag_stretch(charlie, articles[1], CAPTURED_909[sources[1]], "disputed")
    _tag_stretch(bob, articles[2], CAPTURED_909[sources[2]], "verified", second.span.claim)
    casualties = _tag_stretch(alice, _article_with(CASUALTIES), CASUALTIES, "verified")
    again = _tag_stretch(bob, _article_with(CASUALTIES_AGAIN), CASUALTIES_AGAIN, "verified")
    return first.span.claim, second.span.claim, casualties.span.claim, again.span.claim


def _tab_to(page: Page, accessible: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text starts with `accessible`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused.startswith(accessible):
            return
    raise AssertionError(f"{accessible!r} is not reachable with Tab")


def test_a_moderator_merges_a_possible_duplicate_with_the_keyboard_alone(
    new_page, duplicated, maria
):
    first, second, casualties, again = duplicated
    assert PossibleDuplicate.objects.filter(claim=second, other=first).exists()
    assert PossibleDuplicate.objects.filter(claim=again, other=casualties).exists()
    page = new_page("maria")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/")
    _tab_to(page, "Duplicates")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    pair = page.locator(".dup-pair", has_text=f"#{first.pk} and #{second.pk}")
    expect(pair).to_contain_text("shares 909")
    expect(pair.locator(".fc-side")).to_have_count(2)
    for width, suffix in ((1440, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 900})
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"the queue is {widths[0]} px wide at {width}"
        _shot(page, f"duplicates{suffix}", full_page=width > 400)
    page.set_viewport_size({"width": 1440, "height": 900})
    # Keep the older claim of the 909 pair: Tab to its button, Enter.
    _tab_to(page, f"Keep #{first.pk}, merge #{second.pk}")
    page.keyboard.press("Enter")
    expect(page.locator("[role=status]")).to_contain_text(
        f"Merged claim #{second.pk} into #{first.pk}"
    )
    assert set(Span.objects.filter(claim__in=[first, second]).values_list("claim", flat=True)) == {
        first.pk
    }
    assert Verdict.objects.filter(span__claim=first).count() == 4
    expect(page.locator(".dup-pair", has_text=f"#{first.pk} and #{second.pk}")).to_have_count(0)


def test_it_shows_the_panel_suggestions_and_the_admin_claim_list(
    new_page, duplicated, charlie, maria
):
    first = duplicated[0]
    article = _article_with(HEADLINE_909)
    for width, suffix in ((1440, ""), (390, "-390")):
        page = new_page("charlie")
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        _open_article(page, article)
        page.locator(".sentence", has_text=HEADLINE_909).click()
        # One of the two 909 claims is preselected (the queue offers to merge them).
        checked = page.locator(".verdict-form input[name=claim]:checked")
        expect(checked).to_have_count(1)
        assert checked.get_attribute("value") in {str(first.pk), str(duplicated[1].pk)}
        expect(page.locator("#panel")).to_contain_text("shares 909")
        _shot(page, f"panel-suggestions{suffix}")
        admin_page = new_page("maria")
        admin_page.set_viewport_size({"width": width, "height": 900})
        admin_page.goto("/admin/annotations/claim/")
        expect(admin_page.locator("#result_list")).to_be_visible()
        widths = admin_page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"the admin claim list is {widths[0]} px wide at {width}"
        if width == 1440:
            # Nor sideways inside the list: the table fits the box that would scroll it.
            fits = admin_page.evaluate(
                "(t => [t.scrollWidth, t.closest('.results').clientWidth])"
                "(document.querySelector('#result_list'))"
            )
            assert fits[0] <= fits[1], f"the claim table is {fits[0]} px in {fits[1]} px"
        _shot(admin_page, f"admin-claims{suffix}")


appearances = metadata.appearances


def test_it_shows_article_metadata_at_desktop_and_phone_widths(new_page, seeds, appearances):
    # Imported pages state outlet, byline, dates and their original; on a phone the list's
    # cards still name the outlet, and no page of them scrolls sideways.
    dw = Article.objects.get(source_name=DW)
    page = new_page("maria")
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in (
            ("list", "/"),
            ("article", f"/articles/{dw.pk}/"),
            ("claim", f"/claims/{appearances.pk}/"),
        ):
            page.goto(url)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], f"{name} scrolls sideways at {width} px"
            _shot(page, f"metadata-{name}-{width}", full_page=name == "list")
        page.goto("/")
        row = page.locator("table.articles tr", has_text=PAGES[DW]["title"])
        expect(row.locator("td[data-label=Outlet]")).to_have_text("DW")
        expect(row.locator("td[data-label=Outlet]")).to_be_visible()
        expect(row.get_by_text("By Ben Knight")).to_be_visible()
        original = row.get_by_role("link", name=f"Original of {PAGES[DW]['title']}")
        expect(original).to_have_attribute("href", PAGES[DW]["url"])
        expect(original).to_have_attribute("rel", "noopener noreferrer")
