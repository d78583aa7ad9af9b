"""Claim suggestions at scale: p50/p95 latency and query count of claim_suggestions.

    .venv/bin/python bench/claim_matching.py              # 10,000 then 100,000, SQLite
    .venv/bin/python bench/claim_matching.py --claims 1000 --claims 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
      .venv/bin/python bench/claim_matching.py

Like bench/benchmark.py it builds a throwaway database (a temporary SQLite file, or a
`bench_` database beside the one DATABASE_URL names). The claims are the seed articles'
sentences with other figures and places, each with a report number and two words of a
made-up vocabulary, so no two are alike and common words are really common. They are
bulk-created with their real embeddings (the model embeds them in batches of 2,000, a
few seconds per 10,000) and the full-text index fills itself (SQLite triggers, the
PostgreSQL term table). Each query is a seed sentence asked once, as the panel asks it.

Wall time is what a reviewer waits; CPU time is this process's share of it (the model,
the re-ranking, the ORM; not the PostgreSQL server's), which a busy machine changes less:
both are printed, with the load average over the run, since a shared machine's load sets
most of the wall time's tail. The query count is counted at every size.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, configure  # noqa: E402 (the benchmark's throwaway settings)

PLACES = [
    "Kursk", "Donetsk", "Kharkiv", "Zaporizhzhia", "Bakhmut", "Avdiivka", "Pokrovsk",
    "Kherson", "Sumy", "Belgorod", "Luhansk", "Toretsk", "Vovchansk", "Chasiv Yar",
]  # fmt: skip


def _sentences() -> list[str]:
    from annotations.importing import read_article_file
    from annotations.text.sentences import split_sentences

    found = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = read_article_file(path).text
        found += [text[b.start : b.end] for b in split_sentences(text) if b.check_worthy]
    return [s for s in dict.fromkeys(found) if len(s) > 12]


def _claim_texts(count: int, rng: random.Random) -> list[str]:
    sentences = _sentences()
    syllables = ["ka", "ro", "mi", "ten", "vo", "lus", "dar", "ik", "ne", "sto", "pa", "gri"]
    vocabulary = list(
        {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
    )

    def figure(match: re.Match) -> str:
        return f"{rng.randint(2, 60_000):,}"

    texts = []
    for n in range(count):
        text = re.sub(r"\d[\d,]*", figure, rng.choice(sentences))
        text = text.replace("Kursk", rng.choice(PLACES))
        words = " ".join(rng.choice(vocabulary) for _ in range(2))
        texts.append(f"{text} (report {n}: {words})")
    return texts


def build(claims: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from annotations.matching import embeddings
    from annotations.matching.store import text_hash
    from annotations.models import Claim, ClaimEmbedding

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    have = Claim.objects.count()
    texts = _claim_texts(claims - have, rng)
    model = embeddings.MODELS[embeddings.DEFAULT].name
    for start in range(0, len(texts), 2000):
        batch = texts[start : start + 2000]
        vectors = embeddings.embed(batch)
        with transaction.atomic():
            made = Claim.objects.bulk_create([Claim(text=t) for t in batch])
            ClaimEmbedding.objects.bulk_create(
                ClaimEmbedding(
                    claim=claim,
                    model=model,
                    text_hash=text_hash(claim.text),
                    vector=embeddings.to_bytes(vector),
                )
                for claim, vector in zip(made, vectors, strict=True)
            )
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum leaves a settled database: statistics, and the term table's
        # visibility map so that its lookups are index-only.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE annotations_claim")
            cursor.execute("VACUUM ANALYZE annotations_claim_term")


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[round(0.95 * (len(timings) - 1))]


def measure(queries: list[str]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.matching import rerank
    from annotations.selectors import claim_suggestions, suggestions

    # Every size asks the same sentences: forget what the last size cached (each query's
    # embedding, each candidate's figures), so no size is measured with another's answers.
    suggestions.query_vector.cache_clear()
    rerank._text_figures.cache_clear()
    for text in _sentences()[:5]:  # load the model, warm the database's caches
        claim_suggestions(text=text + " warm-up")
    with CaptureQueriesContext(connection) as captured:
        claim_suggestions(text=queries[0])
    wall, cpu = [], []
    for text in queries[1:]:
        started, started_cpu = time.perf_counter(), time.process_time()
        claim_suggestions(text=text)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return {
        "wall": _percentiles(wall),
        "cpu": _percentiles(cpu),
        "queries": len(captured),
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--claims", type=int, action="append", help="sizes, growing (default 10,000 and 100,000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = sorted(args.claims or [10_000, 100_000])
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        # Never fill the database the app uses: a sibling bench_ database, dropped after.
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(url)
        name = f"bench_{os.getpid()}"
        url = urlunsplit(parts._replace(path=f"/{name}"))
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    configure(url or None)
    from django.db import connection

    rng = random.Random(args.seed + 1)
    queries = [s for s in _sentences() if re.search(r"[a-z]{4}", s)]
    rng.shuffle(queries)
    print(f"database: {connection.vendor}; {len(queries)} distinct seed sentences asked")
    print(f"{'':18} {'wall ms':>15} {'CPU ms':>15}")
    print(
        f"{'claims':>9} {'built s':>8} {'p50':>7} {'p95':>7} {'p50':>7} {'p95':>7} "
        f"{'queries':>8} {'load':>5}"
    )
    try:
        for size in sizes:
            started = time.perf_counter()
            build(size, args.seed)
            built = time.perf_counter() - started
            m = measure(queries)
            print(
                f"{size:9,} {built:8.1f} {m['wall'][0]:7.1f} {m['wall'][1]:7.1f} "
                f"{m['cpu'][0]:7.1f} {m['cpu'][1]:7.1f} {m['queries']:8d} {m['load']:5.1f}"
            )
    finally:
        if url:
            connection.close()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}"')


if __name__ == "__main__":
    main()
