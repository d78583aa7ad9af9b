"""The reviewers `make loadtest` simulates (run by bench/loadtest.py; see its docstring).

Reviewer: signs in, opens an article, opens sentences' panels, thinks, saves a verdict
(sometimes changing an earlier one, sometimes double-submitting it, sometimes withdrawing
it), and polls the page as the open tab does. Every acknowledged write is logged to
LOADTEST_LOG so that the driver can check each one against what the database holds.

The *Flat users have no think time: they measure the throughput of one request each, the
verdict save and the article page against the bare INSERT and SELECT views.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import threading
import time
from urllib.parse import unquote

import gevent
from gevent.event import Event
from locust import HttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"]).read())  # noqa: SIM115
HX = {"HX-Request": "true"}
LABELS = ("verified", "disputed", "attributed")

# (reviewer, action, article, start, end, label, note, acknowledged at): every write the
# app acknowledged with a 2xx, in the order each reviewer saw them acknowledged.
ACKNOWLEDGED: list[dict] = []
_accounts = itertools.cycle(PLAN["reviewers"])
_accounts_lock = threading.Lock()
_notes = itertools.count(1)
# Measuring starts once every simulated user has signed in (the production hasher makes a
# sign-in cost hundreds of milliseconds of CPU, once a day for a real reviewer): the last
# one to sign in resets the statistics and starts the clock of LOADTEST_SECONDS.
MEASURED_SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
_all_signed_in = Event()
_signed_in = itertools.count(1)
_stopping = Event()
TIMES: dict[str, float] = {}
# Each request's figures over the measured window only (the run then drains: users finish
# the request under way, so that every write sent is either acknowledged or refused).
MEASURED: dict[str, dict] = {}


def _next_account() -> dict:
    with _accounts_lock:
        return next(_accounts)


def _claim_of(panel_html: str) -> str:
    """What the panel would post: the span's claim, else the preselected suggestion."""
    found = re.search(r'type="hidden" name="claim" value="(\d+)"', panel_html) or re.search(
        r'name="claim" value="([^"]+)" checked', panel_html
    )
    return found.group(1) if found else "new"


def _version(body_html: str) -> str:
    """The version the page's live poll sends, from its hx-get URL."""
    found = re.search(r'/updates/\?v=([^"]*)"', body_html)
    return unquote(html.unescape(found.group(1))) if found else ""


class Reviewer:
    """What one signed-in reviewer does; shared by the think-time and flat users."""

    def sign_in(self) -> None:
        account = _next_account()
        self.username = account["username"]
        # My verdicts the app acknowledged: (article, start, end) -> (article, sentence).
        self.mine: dict[tuple[int, int, int], tuple[dict, dict]] = {}
        page = self.client.get("/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": account["username"],
                "password": account["password"],
            },
            headers={"Referer": page.url},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused: {response.status_code}")
        self._wait_for_everyone()

    def _wait_for_everyone(self) -> None:
        TIMES.setdefault("first sign-in", time.monotonic())
        if next(_signed_in) == self.environment.parsed_options.num_users:
            TIMES["signed in"] = time.monotonic() - TIMES["first sign-in"]
            self.environment.runner.stats.reset_all()
            gevent.spawn(_measure_then_stop, self.environment, time.monotonic())
            _all_signed_in.set()
        _all_signed_in.wait()

    def _post(self, path: str, data: dict, name: str):
        headers = {**HX, "X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(path, data=data, headers=headers, name=name)

    def save(self, article: dict, sentence: dict, claim: str, *, double: bool = False) -> None:
        key = (article["id"], sentence["start"], sentence["end"])
        data = {
            "start": sentence["start"],
            "end": sentence["end"],
            "exact": sentence["exact"],
            "label": random.choice(LABELS[:2]),
            "note": f"load test note {self.username} {next(_notes)}",
            "evidence_url": "https://example.org/evidence",
            "attributed_to": "",
            "claim": claim,
            "confirm_new": "on" if claim == "new" else "",
            "claim_text": "",
        }
        path = f"/articles/{article['id']}/verdict/"
        if double:
            # Two clicks, or two tabs: the same form twice at once.
            replies = gevent.joinall(
                [gevent.spawn(self._post, path, data, "verdict save (double)") for _ in "12"]
            )
            answers = [g.value for g in replies]
        else:
            answers = [self._post(path, data, "verdict save")]
        if all(a is not None and a.status_code == 200 for a in answers):
            self.mine[key] = (article, sentence)
            self._log("save", key, data)

    def withdraw(self, article: dict, sentence: dict) -> None:
        key = (article["id"], sentence["start"], sentence["end"])
        data = {"start": sentence["start"], "end": sentence["end"], "exact": sentence["exact"]}
        answer = self._post(f"/articles/{article['id']}/verdict/withdraw/", data, "withdraw")
        if answer.status_code == 200:
            self.mine.pop(key, None)
            self._log("withdraw", key, data)

    def _log(self, action: str, key: tuple[int, int, int], data: dict) -> None:
        ACKNOWLEDGED.append(
            {
                "reviewer": self.username,
                "action": action,
                "article": key[0],
                "start": key[1],
                "end": key[2],
                "label": data.get("label"),
                "note": data.get("note"),
                "at": time.monotonic(),
            }
        )

    def panel(self, article: dict, sentence: dict) -> str:
        return self.client.get(
            f"/articles/{article['id']}/span/",
            params={"start": sentence["start"], "end": sentence["end"]},
            headers=HX,
            name="span panel",
        ).text


def _measure_then_stop(environment, started: float) -> None:
    gevent.sleep(MEASURED_SECONDS)
    elapsed = time.monotonic() - started
    stats = environment.runner.stats
    entries = [(name, entry) for (name, _), entry in stats.entries.items()]
    for name, entry in [*entries, ("Aggregated", stats.total)]:
        MEASURED[name] = {
            "count": entry.num_requests,
            "errors": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "rps": entry.num_requests / elapsed,
        }
    _stopping.set()
    environment.runner.quit()


class ReviewerUser(Reviewer, HttpUser):
    """A reviewer at work, with a reader's and a thinker's pauses."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.sign_in()

    @task
    def review_an_article(self) -> None:
        article = random.choice(PLAN["articles"])
        page = self.client.get(f"/articles/{article['id']}/", name="article page")
        version = _version(page.text)
        for _ in range(random.randint(2, 5)):
            if _stopping.is_set():
                return
            roll = random.random()
            mine_here = [pair for key, pair in self.mine.items() if key[0] == article["id"]]
            if mine_here and roll < 0.3:
                # Back to one of my verdicts: withdraw it, or change it.
                sentence = random.choice(mine_here)[1]
            else:
                sentence = random.choice(article["sentences"])
            claim = _claim_of(self.panel(article, sentence))
            gevent.sleep(random.uniform(1, 4))  # reading, checking a source
            if mine_here and roll < 0.1:
                self.withdraw(article, sentence)
            else:
                self.save(article, sentence, claim, double=roll > 0.9)
            # The open tab's poll, every few seconds; like htmx, it keeps the version of
            # the body it last swapped in (204: nothing new to swap).
            poll = self.client.get(
                f"/articles/{article['id']}/updates/",
                params={"v": version},
                headers=HX,
                name="live poll",
            )
            if poll.status_code == 200:
                version = _version(poll.text) or version
            gevent.sleep(random.uniform(0.5, 2))


class VerdictSaveFlat(Reviewer, HttpUser):
    """Saves verdicts back to back: the verdict save's throughput."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.sign_in()
        article = random.choice(PLAN["articles"])
        self.article, self.sentence = article, random.choice(article["sentences"])
        self.claim = _claim_of(self.panel(self.article, self.sentence))

    @task
    def save_again(self) -> None:
        self.save(self.article, self.sentence, self.claim)


class ArticlePageFlat(Reviewer, HttpUser):
    """Opens article pages back to back."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.sign_in()

    @task
    def open_article(self) -> None:
        article = random.choice(PLAN["articles"])
        self.client.get(f"/articles/{article['id']}/", name="article page")


class BareInsertFlat(Reviewer, HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self._wait_for_everyone()

    @task
    def insert(self) -> None:
        self.client.post("/bare/insert/", name="bare INSERT")


class BareSelectFlat(Reviewer, HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self._wait_for_everyone()

    @task
    def select(self) -> None:
        article = random.choice(PLAN["articles"])
        self.client.get(f"/bare/select/{article['id']}/", name="bare SELECT")


@events.quitting.add_listener
def _write_log(environment, **kwargs) -> None:
    with open(os.environ["LOADTEST_LOG"], "w") as out:
        json.dump(
            {
                "acknowledged": ACKNOWLEDGED,
                "sign-in seconds": TIMES.get("signed in"),
                "measured": MEASURED,
            },
            out,
        )
