"""The import page: moderators (and reviewers given the permission) paste URLs or upload
files; each import runs as a background task whose status the page polls. Unit tests run
the tasks with django-tasks' immediate backend; one test queues them in the database and
runs the real worker (`db_worker`) in-process."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotations.models import Article, ImportItem
from annotations.tests.intake_server import IntakeServer, page_bytes
from annotations.tests.snapshots import client_for

REUTERS = "reuters.com.parasite.html"
NATURE = "nature.com.telescope.html"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(scope="module")
def server():
    with IntakeServer() as running:
        yield running


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE
    settings.INTAKE_ALLOW_LOOPBACK = True
    settings.INTAKE_READ_TIMEOUT = 2


def _post(client, data, files=()):
    payload = {"csrfmiddlewaretoken": client.csrf, **data}
    if files:
        payload["files"] = list(files)
    return client.post("/import/", payload)


def _batch_of(response) -> str:
    assert response.status_code == 302, response.content[:500]
    match = re.search(r"\?batch=([0-9a-f-]{36})$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def test_it_imports_pasted_urls_in_the_background(maria, server, immediate):
    client = client_for(maria)
    urls = f"{server.url('/pages/' + REUTERS)}\n\n  {server.url('/pages/' + NATURE)}  \n"
    batch = _batch_of(_post(client, {"urls": urls}))
    items = list(ImportItem.objects.filter(batch=batch).order_by("id"))
    assert [i.status for i in items] == ["imported", "imported"]
    assert all(i.progress == 100 and i.task_id and i.finished_at for i in items)
    assert items[0].article.byline == "Jill Serjeant"
    page = client.get(f"/import/?batch={batch}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Gigantic Chinese telescope opens to astronomers worldwide" in html
    assert f'href="/articles/{items[1].article_id}/"' in html
    # Finished: the status block no longer polls.
    assert 'hx-trigger="every 1s"' not in html


def test_it_reports_duplicates_and_imports_nothing_twice(maria, server, immediate):
    client = client_for(maria)
    _batch_of(_post(client, {"urls": server.url(f"/pages/{REUTERS}")}))
    again = [
        server.url(f"/pages/{REUTERS}"),  # same address, same text
        server.url(f"/redirect/2/{REUTERS}"),  # another address, same text
    ]
    batch = _batch_of(_post(client, {"urls": "\n".join(again)}))
    items = list(ImportItem.objects.filter(batch=batch).order_by("id"))
    assert [i.status for i in items] == ["duplicate"] * 2
    assert all("same canonical URL and text" in i.message for i in items)
    assert Article.objects.count() == 1
    assert {i.article_id for i in items} == {Article.objects.get().pk}
    assert "Already imported" in client.get(f"/import/?batch={batch}").content.decode()


def test_an_uploaded_copy_of_an_imported_page_is_a_duplicate(maria, server, immediate):
    client = client_for(maria)
    _batch_of(_post(client, {"urls": server.url(f"/pages/{REUTERS}")}))
    upload = SimpleUploadedFile("saved.html", page_bytes(REUTERS), content_type="text/html")
    batch = _batch_of(_post(client, {"urls": ""}, [upload]))
    [item] = ImportItem.objects.filter(batch=batch)
    assert item.status == "duplicate" and "same canonical URL and text" in item.message
    assert Article.objects.count() == 1


def test_a_changed_page_at_a_known_address_is_a_new_revision(maria, server, immediate):
    client = client_for(maria)
    _batch_of(_post(client, {"urls": server.url(f"/pages/{REUTERS}")}))
    first = Article.objects.get()
    batch = _batch_of(_post(client, {"urls": server.url(f"/variant/1/{REUTERS}")}))
    [item] = ImportItem.objects.filter(batch=batch)
    assert item.status == "revised" and "revision 2" in item.message
    assert item.article.first_revision_id == first.pk and item.article.url == first.url
    # The same change again is no third revision.
    batch = _batch_of(_post(client, {"urls": server.url(f"/variant/1/{REUTERS}")}))
    [item] = ImportItem.objects.filter(batch=batch)
    assert item.status == "duplicate"
    assert Article.objects.count() == 2
    assert "New revision" in client.get("/import/").content.decode()


def test_a_url_pasted_twice_is_queued_once(maria, server, immediate):
    url = server.url(f"/pages/{REUTERS}")
    batch = _batch_of(_post(client_for(maria), {"urls": f"{url}\n{url}\n"}))
    assert ImportItem.objects.filter(batch=batch).count() == 1


def test_it_imports_uploaded_pages_and_text_files(maria, immediate):
    client = client_for(maria)
    files = [
        SimpleUploadedFile(NATURE, page_bytes(NATURE), content_type="text/html"),
        SimpleUploadedFile("note.txt", b"A plain headline\n\nA plain body sentence of 12 words."),
    ]
    batch = _batch_of(_post(client, {"urls": ""}, files))
    items = list(ImportItem.objects.filter(batch=batch).order_by("id"))
    assert [(i.file_name, i.status) for i in items] == [
        (NATURE, "imported"),
        ("note.txt", "imported"),
    ]
    # The uploaded bytes are not kept once read.
    assert all(i.upload is None for i in items)
    assert Article.objects.get(source_name=NATURE).byline == "Elizabeth Gibney"


def test_a_refused_fetch_is_reported_and_stores_no_article(maria, server, immediate, settings):
    client = client_for(maria)
    urls = [server.url("/missing"), server.url("/data.json")]
    batch = _batch_of(_post(client, {"urls": "\n".join(urls)}))
    items = list(ImportItem.objects.filter(batch=batch).order_by("id"))
    assert [i.status for i in items] == ["failed", "failed"]
    assert "404" in items[0].message and "not an HTML page" in items[1].message
    settings.INTAKE_ALLOW_LOOPBACK = False
    batch = _batch_of(_post(client, {"urls": server.url(f"/to?url={server.url('/pages/x')}")}))
    [item] = ImportItem.objects.filter(batch=batch)
    assert item.status == "failed" and "loopback address" in item.message
    assert not Article.objects.exists()
    html = client.get(f"/import/?batch={batch}").content.decode()
    assert "Refused" in html and "loopback address" in html


def _five_mb_and_one():
    return b"<html><body>" + b"x" * (5 * 1024 * 1024) + b"</body></html>"


BAD_SUBMISSIONS = {
    "nothing": ({"urls": "  \n "}, [], 400, "Paste at least one web address"),
    "not a URL": ({"urls": "https://ok.example/a\nnot a url"}, [], 400, "line 2"),
    "ftp": ({"urls": "ftp://example.org/file"}, [], 400, "not a web address (http or https"),
    "javascript": ({"urls": "javascript:alert(1)"}, [], 400, "not a web address (http or"),
    # Loopback written as one number: not an address a browser link would hold.
    "an address as one number": ({"urls": "http://2130706433/"}, [], 400, "a full IP address"),
    "too long a URL": ({"urls": "https://e.example/" + "a" * 2000}, [], 400, "longer than"),
    "too many": (
        {"urls": "\n".join(f"https://e.example/{n}" for n in range(51))},
        [],
        413,
        "at most 50 at once",
    ),
    # Refused by its count, like too many files, not by the length of the text.
    "enormous paste": (
        {"urls": "https://e.example/a\n" * 10_000},
        [],
        413,
        "10000 addresses: at most 50 at once",
    ),
    "a PDF": ({}, [("report.pdf", b"%PDF-1.4", "application/pdf")], 400, "only .html"),
    "an empty file": ({}, [("empty.html", b"", "text/html")], 400, "empty file"),
    "a binary file": ({}, [("x.txt", b"ab\x00cd", "text/plain")], 400, "binary file"),
    "a 6 MB page": ({}, [("big.html", None, "text/html")], 413, "over the 5,242,880-byte"),
    "a 2 MB text": ({}, [("big.txt", b"a" * 2_000_000, "text/plain")], 413, "over the"),
}


@pytest.mark.parametrize("case", sorted(BAD_SUBMISSIONS))
def test_it_refuses_malformed_or_enormous_input_and_stores_nothing(maria, immediate, case):
    data, files, status, message = BAD_SUBMISSIONS[case]
    uploads = [
        SimpleUploadedFile(name, raw if raw is not None else _five_mb_and_one(), content_type=ct)
        for name, raw, ct in files
    ]
    articles = Article.objects.count()
    response = _post(client_for(maria), {"urls": "", **data}, uploads)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert not ImportItem.objects.exists() and Article.objects.count() == articles
    # What was typed is kept (escaped) for correcting.
    if data.get("urls", "").strip() and len(data["urls"]) < 3000:
        assert data["urls"].splitlines()[0].replace("&", "&amp;") in html


def test_user_input_is_escaped_on_the_page(maria, immediate):
    response = _post(client_for(maria), {"urls": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_the_status_block_polls_while_an_item_is_unfinished(maria, settings):
    settings.TASKS = DUMMY  # queued, never run
    client = client_for(maria)
    batch = _batch_of(_post(client, {"urls": "https://news.example/a\nhttps://news.example/b"}))
    full = client.get(f"/import/status/?batch={batch}")
    fragment = client.get(f"/import/status/?batch={batch}", HTTP_HX_REQUEST="true")
    for response in (full, fragment):
        html = response.content.decode()
        assert response.status_code == 200
        assert 'hx-trigger="every 1s"' in html and f"?batch={batch}" in html
        assert html.count('<progress max="100" value="0"') == 2
    assert "<html" in full.content.decode() and "<html" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="import-status"')


def test_a_reviewer_needs_the_permission(alice, maria, settings):
    settings.TASKS = DUMMY
    assert client_for(alice).get("/import/").status_code == 403
    refused = _post(client_for(alice), {"urls": "https://news.example/a"})
    assert refused.status_code == 403 and not ImportItem.objects.exists()
    alice.user_permissions.add(Permission.objects.get(codename="import_articles"))
    client = client_for(alice)
    assert client.get("/import/").status_code == 200
    batch = _batch_of(_post(client, {"urls": "https://news.example/a"}))
    # Each sees their own imports only.
    maria_view = client_for(maria).get(f"/import/status/?batch={batch}").content.decode()
    assert "news.example/a" not in maria_view
    assert "news.example/a" in client.get(f"/import/status/?batch={batch}").content.decode()


def test_the_header_links_the_page_for_moderators(alice, maria):
    assert 'href="/import/"' not in client_for(alice).get("/").content.decode()
    assert 'href="/import/"' in client_for(maria).get("/").content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_status_block_costs_the_same_queries_at_any_size(
    maria, settings, django_assert_num_queries, count
):
    settings.TASKS = DUMMY
    client = client_for(maria)
    urls = "\n".join(f"https://news.example/{n}" for n in range(count))
    batch = _batch_of(_post(client, {"urls": urls}))
    # Session, user, the user's own and their groups' permissions, the items.
    with django_assert_num_queries(5):
        response = client.get(f"/import/status/?batch={batch}", HTTP_HX_REQUEST="true")
    assert response.content.decode().count("<li") == count


@pytest.mark.parametrize("batch", ["", "not-a-uuid", "0" * 100, "\u202e"])
def test_a_bad_batch_shows_the_recent_imports(maria, batch):
    response = client_for(maria).get("/import/", {"batch": batch})
    assert response.status_code == 200 and "Your recent imports" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_run_the_imports(django_user_model, server, settings):
    """The real engine: the request only queues (DBTaskResult rows); `manage.py db_worker`,
    run here in-process in batch mode, imports them."""
    from annotations.roles import groups_ensure

    settings.TASKS = DATABASE
    settings.INTAKE_ALLOW_LOOPBACK = True
    _, moderators = groups_ensure()
    maria = django_user_model.objects.create_user(username="maria", password="x", is_staff=True)
    maria.groups.add(moderators)
    client = client_for(maria)
    urls = [server.url(f"/pages/{REUTERS}"), server.url(f"/pages/{NATURE}")]
    batch = _batch_of(_post(client, {"urls": "\n".join(urls)}))
    assert set(ImportItem.objects.filter(batch=batch).values_list("status", flat=True)) == {
        "queued"
    }
    assert not Article.objects.exists()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    statuses = ImportItem.objects.filter(batch=batch).values_list("status", flat=True)
    assert list(statuses) == ["imported", "imported"]
    assert Article.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_make_run_starts_a_worker_beside_the_web_server():
    from django.conf import settings

    lines = (settings.BASE_DIR / "Procfile").read_text().splitlines()
    assert "worker: python manage.py db_worker" in lines
    assert any(line.startswith("web: ") for line in lines)
