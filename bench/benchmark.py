"""Measure the main pages at a given data size: p50/p95 latency and query count.

    make bench                          # 1,000 articles, 500 claims, 5 reviewers (SQLite)
    .venv/bin/python bench/benchmark.py --articles 5000 --claims 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/benchmark.py

It builds its own throwaway database (a temporary SQLite file, or a `bench_` database next
to the one DATABASE_URL names), fills it from the seed articles, and times each page
through Django's test client, in process: what is measured is the app and the database,
not a network or a web server.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_PASSWORD = "bench"  # noqa: S105 (the benchmark's own temporary database)
sys.path.insert(0, str(ROOT))


def configure(database_url: str | None) -> None:
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DEBUG"] = "false"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def build(articles: int, claims: int, reviewers: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from annotations.models import Article, Claim, Label, Sentence, Span, Verdict
    from annotations.roles import groups_ensure
    from annotations.services import content_hash, verdicts_count_latest_everywhere
    from annotations.text.sentences import split_sentences

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    reviewer_group, moderator_group = groups_ensure()
    User = get_user_model()
    users = []
    for n in range(reviewers):
        user = User.objects.create_user(f"reviewer{n}", password=THROWAWAY_PASSWORD)
        user.groups.add(reviewer_group)
        users.append(user)
    moderator = User.objects.create_user("moderator", password=THROWAWAY_PASSWORD, is_staff=True)
    moderator.groups.add(moderator_group)

    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    with transaction.atomic():
        made = []
        for n in range(articles):
            text = f"{seeds[n % len(seeds)]}\n\nBenchmark copy {n}."
            made.append(
                Article(
                    title=f"Copy {n}: {text.split(chr(10), 1)[0][:200]}",
                    text=text,
                    content_hash=content_hash(text),
                    source_name=f"bench-{n}",
                )
            )
        Article.objects.bulk_create(made, batch_size=500)
        stored = list(Article.objects.order_by("pk"))
        bounds_by_text = {}
        sentences = []
        for article in stored:
            if article.text not in bounds_by_text:
                bounds_by_text[article.text] = split_sentences(article.text)
            sentences.extend(
                Sentence(
                    article=article,
                    index=b.index,
                    paragraph=b.paragraph,
                    start=b.start,
                    end=b.end,
                    check_worthy=b.check_worthy,
                )
                for b in bounds_by_text[article.text]
            )
        Sentence.objects.bulk_create(sentences, batch_size=2000)
        Claim.objects.bulk_create(
            [
                Claim(text=f"Benchmark claim {n} about {rng.randint(100, 99999)} soldiers")
                for n in range(claims)
            ],
            batch_size=1000,
        )
        claim_ids = list(Claim.objects.values_list("pk", flat=True))
        worthy = list(
            Sentence.objects.filter(check_worthy=True).values_list("article_id", "start", "end")
        )
        texts = dict(Article.objects.values_list("pk", "text"))
        picked = rng.sample(worthy, min(len(worthy), claims * 4))
        spans = [
            Span(article_id=a, start=s, end=e, exact=texts[a][s:e], claim_id=claim_ids[i % claims])
            for i, (a, s, e) in enumerate(picked)
        ]
        Span.objects.bulk_create(spans, batch_size=1000)
        span_ids = list(Span.objects.values_list("pk", flat=True))
        verdicts = []
        for span_id in span_ids:
            for user in users:
                label = rng.choice(Label.values)
                verdicts.append(
                    Verdict(
                        span_id=span_id,
                        reviewer=user,
                        label=label,
                        attributed_to="General Staff" if label == Label.ATTRIBUTED else "",
                        evidence_url="https://example.org/e" if rng.random() < 0.3 else "",
                    )
                )
        Verdict.objects.bulk_create(verdicts, batch_size=2000)
        # bulk_create bypasses the services that keep the consensus rule's counted flag.
        verdicts_count_latest_everywhere()
    return {
        "articles": Article.objects.count(),
        "sentences": Sentence.objects.count(),
        "claims": Claim.objects.count(),
        "spans": Span.objects.count(),
        "verdicts": Verdict.objects.count(),
        "reviewers": reviewers,
    }


def measure(repeat: int) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from annotations.models import Article, Claim, Span
    from annotations.rules.visibility import Surface
    from annotations.selectors import article_version
    from annotations.selectors.visibility import viewer_for

    User = get_user_model()
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer0"))
    moderator = Client()
    moderator.force_login(User.objects.get(username="moderator"))
    span = Span.objects.select_related("article").order_by("pk").first()
    article = span.article
    claim = Claim.objects.order_by("pk").first()
    htmx = {"HTTP_HX_REQUEST": "true"}
    # The poll's version is the verdicts reviewer0 may see (blind review).
    poller = viewer_for(User.objects.get(username="reviewer0"), surface=Surface.WORKSPACE)
    pages = [
        ("article list", reviewer, reverse("article_list"), {}),
        ("article search", reviewer, reverse("article_list") + "?q=909", htmx),
        ("article page", reviewer, reverse("article_detail", args=[article.pk]), {}),
        (
            "panel",
            reviewer,
            reverse("span_panel", args=[article.pk]) + f"?start={span.start}&end={span.end}",
            htmx,
        ),
        (
            "live poll, unchanged",
            reviewer,
            reverse("article_updates", args=[article.pk])
            + f"?v={article_version(article_id=article.pk, viewer=poller)}",
            htmx,
        ),
        ("claim list", reviewer, reverse("claim_list"), {}),
        ("claim page", reviewer, reverse("claim_detail", args=[claim.pk]), {}),
        ("admin claim list", moderator, reverse("admin:annotations_claim_changelist"), {}),
        ("annotation page", moderator, reverse("annotation_collection") + "?page=1", {}),
    ]
    assert Article.objects.exists()
    results = []
    for name, client, url, headers in pages:
        client.get(url, **headers)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code in (200, 204), (name, response.status_code)
        query_count = len(queries)  # now: later requests reset the connection's query log
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append((name, statistics.median(timings), p95, query_count))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        # Never fill the database the app uses: benchmark in a sibling bench_ database.
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=f"/bench_{os.getpid()}"))
        import psycopg

        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "bench_{os.getpid()}"')
    configure(url or None)
    from django.db import connection

    started = time.perf_counter()
    sizes = build(args.articles, args.claims, args.reviewers, args.seed)
    print(f"database: {connection.vendor}; built in {time.perf_counter() - started:.1f} s")
    print("data: " + ", ".join(f"{value:,} {name}" for name, value in sizes.items()))
    print(
        f"{'page':24} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   ({args.repeat} requests each)"
    )
    for name, p50, p95, queries in measure(args.repeat):
        print(f"{name:24} {p50:8.1f} {p95:8.1f} {queries:8d}")
    if url:
        connection.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "bench_{os.getpid()}"')


if __name__ == "__main__":
    main()
