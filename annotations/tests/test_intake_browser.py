"""The import page in real Chromium: a moderator pastes two URLs (served by a local server,
with the loopback setting on), watches both imports finish as the page polls, and opens
an imported article. The imports run on the database queue, run by `db_worker`."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from annotations.tests.intake_server import IntakeServer
from annotations.tests.test_browser import CHROMIUM, CHROMIUM_ARGS, PageProblems

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=20_000)

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_moderator_pastes_two_urls_and_opens_the_article(live_server, maria, settings, tmp_path):
    settings.TASKS = DATABASE
    settings.INTAKE_ALLOW_LOOPBACK = True
    problems = PageProblems()
    with IntakeServer() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1440, "height": 900}
        )
        page = problems.watch(context.new_page())
        page.goto("/login/")
        page.fill("#id_username", "maria")
        page.fill("#id_password", "maria-password")
        page.click("button[type=submit]")
        page.get_by_role("link", name="Import").click()
        expect(page.get_by_role("heading", name="Import articles")).to_be_visible()
        urls = [
            server.url("/pages/reuters.com.parasite.html"),
            server.url("/redirect/1/nature.com.telescope.html"),
        ]
        page.get_by_label("Web addresses, one a line").fill("\n".join(urls))
        page.get_by_role("button", name="Import").click()
        items = page.locator(".import-item")
        expect(items).to_have_count(2)
        # Queued: nothing runs them yet, and the page says so while it polls.
        expect(items.first).to_contain_text("Waiting")
        page.screenshot(path=str(tmp_path / "import-waiting.png"))
        # The worker (`manage.py db_worker`) runs here while the page keeps polling. The
        # in-memory test database is shared between connections in shared-cache mode,
        # where a read fails ("table is locked") while another connection writes, which a
        # database file in WAL mode never does: so the page's polls are held by this
        # route, answered only from the next browser step, after the worker has stored.
        page.route("**/import/status/**", lambda route: route.continue_())
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
        expect(items.nth(0)).to_contain_text("Imported", timeout=60_000)
        expect(items.nth(1)).to_contain_text("Imported", timeout=60_000)
        expect(page.locator("#import-status[hx-trigger]")).to_have_count(0)
        expect(items.nth(1)).to_contain_text("sentences")
        page.screenshot(path=str(tmp_path / "import-done.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(tmp_path / "import-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.get_by_role(
            "link", name="Gigantic Chinese telescope opens to astronomers worldwide"
        ).click()
        expect(
            page.get_by_role(
                "heading", name="Gigantic Chinese telescope opens to astronomers worldwide"
            )
        ).to_be_visible()
        expect(page.locator("#article-body")).to_contain_text(
            "During the testing phase, the telescope discovered more than 100 pulsars."
        )
        context.close()
        browser.close()
    assert problems.messages == []
