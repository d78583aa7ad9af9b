"""Claim matching (issue #9): a full-text index over claim texts, and a stored sentence
embedding per claim.

The index is what finds candidate claims in bounded time however many claims there are
(annotations/matching/index.py queries it). Commas are dropped before indexing so that
"39,900" is the one token 39900, as the matcher writes it:
- SQLite: an FTS5 table (Porter stemming) kept in step with annotations_claim by triggers,
  so every write path (services, admin, Claim.objects.create, raw SQL) updates it. A later
  migration that rebuilds annotations_claim on SQLite drops these triggers: recreate them
  (test_matching checks that the index follows a new and a changed claim).
- PostgreSQL: a GIN expression index on the claim text's tsvector ('english'); the matcher
  queries exactly that expression, so the planner uses the index and nothing needs syncing.

Embeddings of existing claims are computed here, in batches (none on an empty database,
so a fresh install or the test database never loads the model here).
"""

import hashlib

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE annotations_claim_fts USING fts5("
    "text, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO annotations_claim_fts(rowid, text) "
    "SELECT id, replace(text, ',', '') FROM annotations_claim",
    """CREATE TRIGGER annotations_claim_fts_insert AFTER INSERT ON annotations_claim
    BEGIN
      INSERT INTO annotations_claim_fts(rowid, text) VALUES (new.id, replace(new.text, ',', ''));
    END""",
    """CREATE TRIGGER annotations_claim_fts_update AFTER UPDATE OF text ON annotations_claim
    BEGIN
      UPDATE annotations_claim_fts SET text = replace(new.text, ',', '') WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER annotations_claim_fts_delete AFTER DELETE ON annotations_claim
    BEGIN
      DELETE FROM annotations_claim_fts WHERE rowid = old.id;
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS annotations_claim_fts_insert",
    "DROP TRIGGER IF EXISTS annotations_claim_fts_update",
    "DROP TRIGGER IF EXISTS annotations_claim_fts_delete",
    "DROP TABLE IF EXISTS annotations_claim_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX annotations_claim_text_search ON annotations_claim "
    "USING gin (to_tsvector('english'::regconfig, replace(text, ',', '')))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS annotations_claim_text_search"]


def index_forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE_FORWARD
    elif vendor == "postgresql":
        statements = POSTGRES_FORWARD
    else:
        raise NotImplementedError(f"no claim text index for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def index_backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in SQLITE_BACKWARD if vendor == "sqlite" else POSTGRES_BACKWARD:
        schema_editor.execute(statement)


def embeddings_forward(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    ClaimEmbedding = apps.get_model("annotations", "ClaimEmbedding")
    if not Claim.objects.exists():
        return
    from annotations.matching import embeddings  # only with claims to embed: it loads a model

    batch = []
    for claim in Claim.objects.order_by("pk").only("pk", "text").iterator(chunk_size=500):
        batch.append(claim)
        if len(batch) == 500:
            _store(ClaimEmbedding, embeddings, batch)
            batch = []
    _store(ClaimEmbedding, embeddings, batch)


def _store(ClaimEmbedding, embeddings, claims):
    if not claims:
        return
    vectors = embeddings.embed([c.text for c in claims])
    ClaimEmbedding.objects.bulk_create(
        ClaimEmbedding(
            claim_id=claim.pk,
            model=embeddings.MODEL,
            text_hash=hashlib.sha256(claim.text.encode()).hexdigest()[:32],
            vector=embeddings.to_bytes(vector),
        )
        for claim, vector in zip(claims, vectors, strict=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0008_claim_text_article_markup"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimEmbedding",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="embedding",
                        serialize=False,
                        to="annotations.claim",
                    ),
                ),
                (
                    "model",
                    models.CharField(help_text="the model that computed it", max_length=100),
                ),
                (
                    "text_hash",
                    models.CharField(
                        help_text="of the claim text it was computed from", max_length=32
                    ),
                ),
                ("vector", models.BinaryField()),
            ],
        ),
        migrations.RunPython(index_forward, index_backward),
        migrations.RunPython(embeddings_forward, migrations.RunPython.noop),
    ]
