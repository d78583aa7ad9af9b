"""The app's URLs plus two bare views, the floor each real request is compared with: the
same Django, middleware and database, doing one INSERT or one SELECT and nothing else.

Mounted only by bench/loadtest_settings.py; factcheck/urls.py never includes them (a test
holds it)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from factcheck.urls import urlpatterns as app_urlpatterns

# Created by bench/loadtest.py in its throwaway database.
BARE_TABLE = "loadtest_bare"


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BARE_TABLE} (note) VALUES (%s)", ["bare"])  # noqa: S608
    return HttpResponse("inserted", content_type="text/plain")


@require_GET
def bare_select(request: HttpRequest, article_id: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM annotations_article WHERE id = %s", [article_id])
        row = cursor.fetchone()
    return HttpResponse(row[0] if row else "", content_type="text/plain")


urlpatterns = [
    path("bare/insert/", bare_insert, name="bare_insert"),
    path("bare/select/<int:article_id>/", bare_select, name="bare_select"),
    *app_urlpatterns,
]
