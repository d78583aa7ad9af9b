"""The scheduled re-check (`manage.py refetch_articles`): the page of each imported article
is fetched again through the import task, against a local server whose answers the tests
change. An unchanged page stores nothing but the check; a changed one is the article's
next revision (spans re-anchored, reviewers flagged); a refusal leaves the article as it
was; recently checked articles wait; --dry-run queues nothing."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from annotations import selectors, services
from annotations.models import Article, ImportItem, RevisionFlag, Span
from annotations.tests.snapshots import client_for
from annotations.tests.test_revisions import DENIED, FIXED, TROOPS, TYPO, _tag

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SLOW_SECONDS = 1.5


def _page(url: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><title>Kursk update</title>'
        f'<link rel="canonical" href="{url}"></head><body><article>'
        f"<h1>Kursk update</h1>\n{body}</article></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        self.server.hits.append(self.path)
        status, body = self.server.answers.get(self.path, (404, b"<html>Not found</html>"))
        if status == "slow":
            time.sleep(SLOW_SECONDS)
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.answers, httpd.hits = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(server, settings):
    """The local server, its answers reset; fetching 127.0.0.1 allowed for this test only,
    and the tasks run at once (as the worker would)."""
    server.answers.clear()
    server.hits.clear()
    settings.TASKS = IMMEDIATE
    settings.INTAKE_ALLOW_LOOPBACK = True
    settings.INTAKE_READ_TIMEOUT = 1
    settings.INTAKE_REFETCH_HOURS = 24
    return server


def _url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


PARAGRAPHS = [TYPO, DENIED, TROOPS, "More fighting is expected in the coming days, they said."]


def _serve(server, path: str, *paragraphs: str, status=200) -> str:
    url = _url(server, path)
    server.answers[path] = (status, _page(url, *paragraphs))
    return url


@pytest.fixture
def article(site, maria, alice, bob, charlie):
    """The revisions test's article imported from the local server a day and a half ago,
    with alice and bob on the sentence with a typo and charlie on the troops sentence."""
    url = _serve(site, "/kursk", *PARAGRAPHS)
    [item] = services.import_batch_submit(user=maria, urls=[url], files=[])[1]
    item.refresh_from_db()
    assert item.status == "imported", item.message
    imported = item.article
    Article.objects.filter(pk=imported.pk).update(imported_at=timezone.now() - timedelta(hours=36))
    imported.refresh_from_db()
    _tag(imported, TYPO, alice)
    _tag(imported, TYPO, bob, "verified")
    _tag(imported, TROOPS, charlie, "disputed")
    site.hits.clear()
    return imported


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("refetch_articles", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    return list(
        Article.objects.order_by("pk").values_list(
            "pk", "revision", "next_revision", "content_hash", "checked_at", "check_outcome"
        )
    ) + list(Span.objects.order_by("pk").values_list("pk", "article", "start", "end"))


def test_it_records_an_unchanged_page_and_makes_no_revision(article, site):
    assert "Queued 1 page(s)" in _run()
    assert site.hits == ["/kursk"]
    article.refresh_from_db()
    assert article.check_outcome == "unchanged" and article.is_current
    assert timezone.now() - article.checked_at < timedelta(minutes=1)
    assert Article.objects.count() == 1 and not RevisionFlag.objects.exists()
    item = ImportItem.objects.get(recheck_of=article)
    assert item.status == "duplicate" and item.requested_by is None


def test_a_changed_page_is_the_next_revision_with_spans_moved_and_reviewers_flagged(
    article, site, alice, bob, charlie
):
    inserted = "Fighting resumed overnight near Sudzha, local officials said."
    _serve(site, "/kursk", inserted, FIXED, DENIED, TROOPS, PARAGRAPHS[3])
    _run()
    article.refresh_from_db()
    revised = article.next_revision
    assert revised is not None and revised.revision == 2 and revised.url == article.url
    assert revised.check_outcome == "revised" and revised.checked_at is not None
    # Every span moved onto the new revision: the fixed sentence found approximately,
    # the troops sentence exactly where it now is.
    # Both spans (alice and bob share the typo's) moved onto the new revision: the fixed
    # sentence found approximately and marked so, the troops sentence exactly.
    anchored = {
        revised.text[span.start : span.end]: span.anchor_status
        for span in Span.objects.filter(article=revised)
    }
    assert anchored == {FIXED: "fuzzy", TROOPS: "exact"}
    # The typo's reviewers are flagged; charlie's sentence did not change.
    assert set(RevisionFlag.objects.values_list("reviewer__username", flat=True)) == {
        alice.username,
        bob.username,
    }
    # The next run leaves the new revision alone: it was just checked.
    site.hits.clear()
    assert "Queued 0 page(s)" in _run()
    assert site.hits == []


@pytest.mark.parametrize("answer", ["missing", "slow"])
def test_a_refused_fetch_is_recorded_and_changes_nothing(article, site, answer):
    if answer == "slow":
        site.answers["/kursk"] = ("slow", _page(article.url, "Nothing", "of this is stored."))
    else:
        site.answers.pop("/kursk")
    before = _snapshot()
    started = time.monotonic()
    _run()
    assert time.monotonic() - started < SLOW_SECONDS + 2
    article.refresh_from_db()
    assert article.check_outcome == "refused" and article.checked_at is not None
    assert (
        ("404" in article.check_message)
        if answer == "missing"
        else ("too long" in article.check_message or "timed out" in article.check_message)
    )
    # Only the check itself was recorded.
    after = _snapshot()
    assert [row[:4] for row in after if len(row) == 6] == [
        row[:4] for row in before if len(row) == 6
    ]
    assert [row for row in after if len(row) == 4] == [row for row in before if len(row) == 4]
    assert ImportItem.objects.get(recheck_of=article).status == "failed"


def test_recently_checked_or_imported_articles_wait(article, site, alice):
    Article.objects.filter(pk=article.pk).update(checked_at=timezone.now() - timedelta(hours=2))
    assert "Queued 0 page(s)" in _run()
    assert "Queued 1 page(s)" in _run("--older-than", "1")
    # Just imported, never checked: it waits too.
    url = _serve(site, "/fresh", "A fresh article about the weather in the mountains.")
    services.import_batch_submit(user=alice, urls=[url], files=[])
    site.hits.clear()
    assert "Queued 0 page(s)" in _run("--older-than", "1")
    assert site.hits == []


def test_only_current_revisions_with_a_web_address_are_due(article, site):
    from_file, _ = services.article_import(title="A file", text="Imported from a file.\n\nOnly.")
    Article.objects.filter(pk=from_file.pk).update(imported_at=timezone.now() - timedelta(days=9))
    _serve(site, "/kursk", FIXED, DENIED, TROOPS, PARAGRAPHS[3])
    _run()
    article.refresh_from_db()
    Article.objects.update(checked_at=timezone.now() - timedelta(days=3))
    due = list(selectors.articles_due_recheck(older_than=timedelta(hours=24)))
    assert due == [article.next_revision]


def test_a_dry_run_lists_the_due_pages_and_changes_nothing(article, site, settings):
    settings.TASKS = DATABASE
    _serve(site, "/kursk", FIXED, DENIED, TROOPS, PARAGRAPHS[3])
    before = _snapshot()
    out = _run("--dry-run")
    assert article.url in out and "Would re-check 1 page(s)" in out
    assert _snapshot() == before
    assert not ImportItem.objects.filter(recheck_of=article).exists()
    assert not DBTaskResult.objects.exists() and site.hits == []


# The worker closes the connection it used: a transaction of its own, as in production.
@pytest.mark.django_db(transaction=True)
def test_the_queue_holds_each_page_once_until_the_worker_runs_it(article, site, settings):
    settings.TASKS = DATABASE
    assert "Queued 1 page(s)" in _run("--limit", "5")
    # Queued, not yet run: the next cron run does not queue it again.
    assert "Queued 0 page(s)" in _run()
    assert DBTaskResult.objects.count() == 1 and site.hits == []
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.check_outcome == "unchanged" and site.hits == ["/kursk"]


def test_it_is_off_when_the_setting_is_zero(article, site, settings):
    settings.INTAKE_REFETCH_HOURS = 0
    assert "off" in _run()
    assert not ImportItem.objects.filter(recheck_of=article).exists()
    # An operator may still run it by hand with an explicit age.
    assert "Queued 1 page(s)" in _run("--older-than", "0")


def test_a_moderator_sees_each_outcome_and_its_reason_in_the_admin(article, site, maria):
    site.answers.pop("/kursk")
    _run()
    page = client_for(maria).get("/admin/annotations/article/?check_outcome=refused")
    html = page.content.decode()
    assert page.status_code == 200 and "Refused, " in html and "404 Not Found" in html
    assert article.title in html
    assert (
        client_for(maria)
        .get("/admin/annotations/article/?check_outcome=unchanged")
        .content.decode()
        .count(article.title)
        == 0
    )
