"""Bulk import through the task queue: throughput per worker and peak memory.

    .venv/bin/python bench/intake_bulk.py                     # 500 pages, 1 worker, SQLite
    .venv/bin/python bench/intake_bulk.py --pages 500 --workers 2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python bench/intake_bulk.py --workers 2

Like bench/benchmark.py it builds a throwaway database (a temporary SQLite file, or a
`bench_` database beside the one DATABASE_URL names). A local web server serves the six
real pages of ../shared/intake-pages as N distinct pages (each copy with its own canonical
URL and a word changed in every paragraph, so none is a duplicate of another). All N URLs
are queued at once as the import page queues them (services.import_batch_submit, one
task each), then W `manage.py db_worker --batch` processes run them to the end: the time
from the first worker's start to the last one's exit, pages per second overall and per
worker, the workers' CPU time per page (what a page costs on a machine others share too)
and each worker's peak resident memory (from the kernel's rusage of the process).
The fetches go to 127.0.0.1 (INTAKE_ALLOW_LOOPBACK), so network time is near zero: the
figures are what extraction, sentence splitting, figures and storing cost.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, configure  # noqa: E402 (the benchmark's throwaway settings)

PAGES = [
    "reuters.com.parasite.html",
    "nature.com.telescope.html",
    "dw.com.colonial.html",
    "salon.com.emissions.html",
    "theverge.com.ios13.html",
    "boingboing.net.millenials.html",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    os.environ["INTAKE_ALLOW_LOOPBACK"] = "true"
    base = os.environ.get("DATABASE_URL", "")
    database_url = None
    if base.startswith("postgres"):
        database_url = base.rsplit("/", 1)[0] + f"/bench_intake_{os.getpid()}"
        _create_postgres(base, database_url)
    configure(database_url)

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from annotations.models import Article, ImportItem
    from annotations.roles import groups_ensure
    from annotations.services import import_batch_submit
    from annotations.tests.intake_server import IntakeServer

    call_command("migrate", verbosity=0)
    _, moderators = groups_ensure()
    user = get_user_model().objects.create_user("bench-moderator", is_staff=True)
    user.groups.add(moderators)

    with IntakeServer() as server:
        urls = [server.url(f"/copy/{n}/{PAGES[n % len(PAGES)]}") for n in range(args.pages)]
        queued = time.perf_counter()
        import_batch_submit(user=user, urls=urls, files=[])
        queue_seconds = time.perf_counter() - queued
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        workers = [
            subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
                [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch",
                 "--no-startup-delay", "--interval", "0.1", "--worker-id", f"bench-{n}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(args.workers)
        ]  # fmt: skip
        peaks, cpu = [], 0.0
        for worker in workers:
            _, status, usage = os.wait4(worker.pid, 0)
            worker.returncode = os.waitstatus_to_exitcode(status)
            peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
            cpu += usage.ru_utime + usage.ru_stime
        seconds = time.perf_counter() - started

    counts = {s: ImportItem.objects.filter(status=s).count() for s in ImportItem.Status.values}
    done = counts["imported"] + counts["revised"] + counts["duplicate"]
    sentences = sum(a.sentences.count() for a in Article.objects.only("id"))
    vendor = "PostgreSQL" if database_url else "SQLite"
    print(
        f"{vendor}, {args.pages} pages queued in {queue_seconds:.1f} s, {args.workers} worker(s)"
    )
    print(f"statuses: {counts}")
    print(f"articles stored: {Article.objects.count()}, sentences: {sentences}")
    print(
        f"wall time {seconds:.1f} s: {done / seconds:.2f} pages/s overall, "
        f"{done / seconds / args.workers:.2f} pages/s per worker"
    )
    # CPU time is what a page costs whatever else the machine is doing: on an idle core a
    # worker imports about 1 / (CPU seconds per page) pages a second.
    print(f"worker CPU time: {cpu:.1f} s, {cpu / max(done, 1):.2f} s per page")
    print("peak resident memory per worker: " + ", ".join(f"{p:.0f} MiB" for p in peaks))
    print(f"load average after: {os.getloadavg()[0]:.1f} (2 cores)")
    if any(w.returncode for w in workers):
        sys.exit("a worker failed")


def _create_postgres(base: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
