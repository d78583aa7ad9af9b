"""First stage of claim matching: candidate claims from a full-text index, in bounded time
whatever the number of claims (migrations 0009 and 0013 build the index).

Each term of the text (stemmed by the database: "captured" finds "capture") fetches the
newest TERM_CAP + 1 claims with it, by reading that many index entries, never the term's
whole list; a claim scores the sum over the terms it contains of ln(1 + TERM_CAP / claims
with that term), so rare words and figures ("909", "39900") weigh most, and a word in more
than TERM_CAP claims ("Russian" in a corpus about the war) is too common to find anything
by and weighs nothing. The work is at most MAX_TERMS x (TERM_CAP + 1) index entries, in
one query, on SQLite (FTS5, 0009) as on PostgreSQL (a B-tree over (term, claim) filled by
triggers, 0013: a GIN index reads a common term's whole posting list, so its time grew
with the number of claims).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models.expressions import RawSQL

MAX_TERMS = 16
TERM_CAP = 300
CANDIDATES = 40

# Words that find nothing of a claim (PostgreSQL's 'english' configuration drops them
# itself; FTS5 indexes them, so the query leaves them out on both).
_STOPWORDS = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves said says say according
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Letters and digits: "north_korea" is two terms, as both indexes parse it.
_TERM = re.compile(r"[^\W_]+")
# A small figure is written either way ("1 warplane", "one aircraft"): look up both.
_SMALL = "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
_SMALL_NUMBERS = {
    **{str(n): w for n, w in enumerate(_SMALL)},
    **{w: str(n) for n, w in enumerate(_SMALL)},
}


def query_terms(text: str) -> list[str]:
    """The terms of `text` worth looking up, figures first: words of three letters or
    more that are not stop words, and every number ("39,900" → "39900", as indexed)."""
    words = _TERM.findall(text.replace(",", "").lower())
    numbers = [w for w in words if any(ch.isdigit() for ch in w)]
    numbers += [_SMALL_NUMBERS[w] for w in words if w in _SMALL_NUMBERS]
    others = [w for w in words if len(w) >= 3 and w not in STOPWORDS and w not in numbers]
    return list(dict.fromkeys(numbers + others))[:MAX_TERMS]


def _hits(vendor: str, terms: list[str]) -> tuple[str, list]:
    """SQL of (claim id, term) rows, at most TERM_CAP + 1 newest claims per term, and its
    parameters. Only placeholders and numbers are formatted in: every term is a parameter."""
    if vendor == "sqlite":
        # One FTS5 lookup per term; each stops at the limit.
        hits, params = [], []
        for n, term in enumerate(terms):
            hits.append(
                f"SELECT * FROM (SELECT rowid AS id, {n} AS t FROM annotations_claim_fts "  # noqa: S608
                "WHERE annotations_claim_fts MATCH %s ORDER BY rowid DESC LIMIT %s) "
                f"AS h{n}"
            )
            params += [f'"{term}"', TERM_CAP + 1]
        return " UNION ALL ".join(hits), params
    if vendor == "postgresql":
        # The terms as the triggers store them ('english' lexemes: "captured" → "captur";
        # stop words have none), each a backward range scan of the term table's primary
        # key that stops at the limit (migration 0013). One lateral lookup rather than a
        # union of sixteen keeps the planning time down (4 ms for the union).
        return (
            "SELECT h.claim_id AS id, q.lexeme AS t FROM (SELECT DISTINCT lexeme FROM "
            "unnest(to_tsvector('english'::regconfig, %s))) AS q CROSS JOIN LATERAL "
            "(SELECT claim_id FROM annotations_claim_term WHERE term = q.lexeme "
            "ORDER BY claim_id DESC LIMIT %s) AS h",
            [" ".join(terms), TERM_CAP + 1],
        )
    raise NotImplementedError(f"no claim text index for {vendor}")


def candidates_sql(text: str, *, limit: int = CANDIDATES) -> RawSQL | None:
    """A subquery of the ids of the `limit` claims that best share the terms of `text`,
    to filter claims by (`pk__in`); None when the text has no term to look up."""
    terms = query_terms(text)
    if not terms:
        return None
    hits, params = _hits(connection.vendor, terms)
    # A term's weight is computed once per term, not once per claim it is in. A term that
    # reached the cap weighs nothing: the claims it fetched are any TERM_CAP + 1 of its
    # claims, so they would rank claims by chance (with only such terms, the newest first).
    sql = (
        f"WITH hits AS MATERIALIZED ({hits}), "  # noqa: S608
        "weights AS (SELECT t, CASE WHEN COUNT(*) > %s THEN 0.0 "
        "ELSE LN(1.0 + %s / COUNT(*)) END AS w FROM hits GROUP BY t) "
        "SELECT hits.id FROM hits JOIN weights ON weights.t = hits.t GROUP BY hits.id "
        "ORDER BY SUM(weights.w) DESC, hits.id DESC LIMIT %s"
    )
    return RawSQL(sql, [*params, TERM_CAP, float(TERM_CAP), limit])  # noqa: S611
