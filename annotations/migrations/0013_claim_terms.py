"""Claim matching on PostgreSQL: a term table in place of the GIN index of 0009, so that
looking a term up costs the same whatever the number of claims.

A GIN index cannot return a term's claims in an order and stop: its bitmap scan reads the
term's whole posting list (24,000 entries for "ukrainian" at 100,000 claims, 2-3 ms a
term), and for a common term the planner preferred reading the table and parsing each
text (20-25 ms). A B-tree over (term, claim) gives the newest TERM_CAP + 1 claims of a
term by reading that many index entries (0.1 ms), like FTS5 on SQLite. Triggers keep it
in step with every write path (services, admin, Claim.objects.create, raw SQL), TRUNCATE
included (the test database's flush), so nothing needs syncing by hand. The terms are the
lexemes PostgreSQL's 'english' configuration gives, as the GIN index had them.

SQLite keeps its FTS5 table (0009): it already stops at the limit.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE TABLE annotations_claim_term ("
    "term text NOT NULL, claim_id integer NOT NULL, PRIMARY KEY (term, claim_id))",
    # Deleting a claim's terms (on edit or delete) looks them up by claim.
    "CREATE INDEX annotations_claim_term_claim ON annotations_claim_term (claim_id)",
    "INSERT INTO annotations_claim_term (term, claim_id) "
    "SELECT DISTINCT lexeme, id FROM annotations_claim, "
    "unnest(to_tsvector('english'::regconfig, replace(text, ',', '')))",
    """CREATE FUNCTION annotations_claim_term_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE annotations_claim_term;
        RETURN NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM annotations_claim_term WHERE claim_id = OLD.id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO annotations_claim_term (term, claim_id)
        SELECT DISTINCT lexeme, NEW.id
        FROM unnest(to_tsvector('english'::regconfig, replace(NEW.text, ',', '')));
      END IF;
      RETURN NULL;
    END
    $$""",
    "CREATE TRIGGER annotations_claim_term_rows AFTER INSERT OR DELETE OR UPDATE OF text "
    "ON annotations_claim FOR EACH ROW EXECUTE FUNCTION annotations_claim_term_sync()",
    "CREATE TRIGGER annotations_claim_term_truncate AFTER TRUNCATE "
    "ON annotations_claim FOR EACH STATEMENT EXECUTE FUNCTION annotations_claim_term_sync()",
    "DROP INDEX IF EXISTS annotations_claim_text_search",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS annotations_claim_term_rows ON annotations_claim",
    "DROP TRIGGER IF EXISTS annotations_claim_term_truncate ON annotations_claim",
    "DROP FUNCTION IF EXISTS annotations_claim_term_sync()",
    "DROP TABLE IF EXISTS annotations_claim_term",
    "CREATE INDEX annotations_claim_text_search ON annotations_claim "
    "USING gin (to_tsvector('english'::regconfig, replace(text, ',', '')))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0012_article_revisions"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
