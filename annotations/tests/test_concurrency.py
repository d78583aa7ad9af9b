"""Double submits and two tabs (issue #8): requests saving the same new span at the same
moment end in one span, one claim and one verdict per reviewer, and every one of them
answers 2xx.

Real threads, each with its own Client and so its own database connection, on committed
data (transactional_db). On PostgreSQL they race for real: the unique constraint on the
span's offsets decides the winner and the losers fall back to its span (a savepoint), and
the span's row lock lets only the first create a claim for it. On SQLite the IMMEDIATE
transactions queue the writers instead, as in production; the test proves that nothing is
refused or doubled there either.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager, suppress

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Claim, Span, Verdict

HTMX = {"HTTP_HX_REQUEST": "true"}
TANKS = "Tanks\n\nThe ministry said 12 tanks were destroyed on Monday. Nobody denied it."
WORDING = "12 tanks were destroyed"

THREADS = 20


def _client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    client.get(reverse("article_list"))  # sets the CSRF cookie
    client.csrf = client.cookies["csrftoken"].value
    return client


@contextmanager
def _writers_queue_as_in_production(tmp_path):
    """On SQLite, run the block on a file copy of the test database.

    The in-memory test database is shared between threads in shared-cache mode, where a
    second writer fails at once ("database table is locked") instead of waiting for the
    first as the production database (a file, WAL, IMMEDIATE, busy timeout) lets it do;
    the test would measure the test setup, not the app. The connection to the in-memory
    database is kept aside (closing it would drop the database) and put back after."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    path = tmp_path / "concurrency.sqlite3"
    with sqlite3.connect(path) as on_file:
        in_memory.backup(on_file)
    on_file.close()
    # Every thread's connection is made from this same settings dict.
    connection.settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory


def _save_at_once(clients, url, data) -> list[int | str]:
    """Post `data` from every client at the same moment; the status of each response."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int | str] = [0] * len(clients)

    def submit(index: int, client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            response = client.post(url, data, HTTP_X_CSRFTOKEN=client.csrf, **HTMX)
            statuses[index] = response.status_code
        except Exception as exc:  # recorded, so that the assertion names it
            statuses[index] = repr(exc)
        finally:
            connections.close_all()  # this thread's connection, not the test's

    threads = [
        threading.Thread(target=submit, args=(index, client))
        for index, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.fixture
def tanks(transactional_db):
    article, _ = services.article_import(title="Tanks", text=TANKS)
    return article


def _verdict_data(article, **fields):
    start = article.text.index(WORDING)
    return {
        "start": start,
        "end": start + len(WORDING),
        "exact": WORDING,
        "label": "disputed",
        "note": "The ministry counted 10.",
        "claim": "new",
        "claim_text": "The ministry said 12 tanks were destroyed",
        **fields,
    }


def test_it_ends_a_double_submit_of_a_new_span_in_one_span_and_one_verdict(alice, tanks, tmp_path):
    clients = [_client_for(alice) for _ in range(THREADS)]
    url = reverse("verdict_save", args=[tanks.pk])
    with _writers_queue_as_in_production(tmp_path):
        statuses = _save_at_once(clients, url, _verdict_data(tanks))
        assert statuses == [200] * THREADS
        span = Span.objects.get()
        start = TANKS.index(WORDING)
        assert (span.start, span.end, span.exact) == (start, start + len(WORDING), WORDING)
        verdict = Verdict.objects.get()
        assert (verdict.span_id, verdict.reviewer_id) == (span.pk, alice.pk)
        # Every request asked for a new claim for the new span: one was made and linked.
        assert Claim.objects.get().pk == span.claim_id


def test_it_gives_each_reviewer_one_verdict_on_one_new_span_and_claim(alice, bob, tanks, tmp_path):
    clients = [_client_for(user) for user in (alice, bob) for _ in range(THREADS // 2)]
    url = reverse("verdict_save", args=[tanks.pk])
    with _writers_queue_as_in_production(tmp_path):
        statuses = _save_at_once(clients, url, _verdict_data(tanks))
        assert statuses == [200] * len(clients)
        span = Span.objects.get()
        reviewers = sorted(Verdict.objects.values_list("reviewer_id", flat=True))
        assert reviewers == [alice.pk, bob.pk]
        assert Claim.objects.get().pk == span.claim_id


def test_it_links_an_existing_span_without_a_claim_to_one_new_claim(alice, bob, tanks, tmp_path):
    # The span exists (and is committed) but has no claim yet: only its row lock stands
    # between the requests and two claims.
    start = TANKS.index(WORDING)
    span = services.span_get_or_create(
        article=tanks, start=start, end=start + len(WORDING), exact=WORDING, created_by=alice
    )
    assert span.claim_id is None
    clients = [_client_for(user) for user in (alice, bob) for _ in range(THREADS // 2)]
    url = reverse("verdict_save", args=[tanks.pk])
    with _writers_queue_as_in_production(tmp_path):
        statuses = _save_at_once(clients, url, _verdict_data(tanks))
        assert statuses == [200] * len(clients)
        span.refresh_from_db()
        assert Claim.objects.get().pk == span.claim_id
        assert Verdict.objects.count() == 2


def test_it_saves_the_second_of_two_requests_that_both_found_no_span(
    alice, tanks, tmp_path, monkeypatch
):
    """The interleaving that answered 422 (2 in 30 pairs), forced: both requests look the
    span up and find none; the first then saves and commits; only then does the second
    validate and insert its span. Model.clean runs inside full_clean, after the lookup,
    so the test holds both requests there. Validating the unique constraint there found
    the first request's span and refused the second; it must fall back to that span.

    On SQLite the second request cannot get that far: its IMMEDIATE transaction waits
    for the first to commit before it looks anything up, so the meeting point times out
    and the second request finds the span."""
    both_looked = threading.Barrier(2)
    first_done = threading.Event()
    entered: list[str] = []

    def clean(span):
        entered.append(threading.current_thread().name)
        with suppress(threading.BrokenBarrierError):
            both_looked.wait(timeout=3)
        if len(entered) > 1 and entered[-1] == threading.current_thread().name:
            first_done.wait(timeout=10)  # the second waits for the first to commit

    monkeypatch.setattr(Span, "clean", clean)
    clients = [_client_for(alice) for _ in range(2)]
    url = reverse("verdict_save", args=[tanks.pk])
    with _writers_queue_as_in_production(tmp_path):
        statuses: list[int | str] = [0, 0]

        def submit(index: int) -> None:
            try:
                client = clients[index]
                response = client.post(
                    url, _verdict_data(tanks), HTTP_X_CSRFTOKEN=client.csrf, **HTMX
                )
                statuses[index] = response.status_code
            except Exception as exc:
                statuses[index] = repr(exc)
            finally:
                if entered and entered[0] == threading.current_thread().name:
                    first_done.set()
                connections.close_all()

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [200, 200]
        if connection.vendor == "postgresql":
            assert len(entered) == 2  # the interleaving did happen
        assert Span.objects.count() == 1 and Verdict.objects.count() == 1
        assert Claim.objects.get().pk == Span.objects.get().claim_id
