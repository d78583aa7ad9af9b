"""Revisions of an article (a new row per changed text, linked to the one it replaces),
how each span was re-anchored, and the "changed since you reviewed" flags.

The text-freeze trigger of 0002 now also freezes a replaced revision, spans or not: the
old text is the record of what was published and reviewed. On SQLite, altering the
article table rebuilds it, which drops its triggers, so the trigger is created again last.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

SQLITE_DROP = "DROP TRIGGER IF EXISTS annotations_article_text_frozen;"
SQLITE_FORWARD = """
CREATE TRIGGER annotations_article_text_frozen
BEFORE UPDATE OF text ON annotations_article
FOR EACH ROW
WHEN NEW.text IS NOT OLD.text
  AND (OLD.next_revision_id IS NOT NULL
       OR EXISTS (SELECT 1 FROM annotations_span WHERE article_id = OLD.id))
BEGIN
  SELECT RAISE(ABORT, 'article text is frozen: spans are anchored to it');
END;
"""
SQLITE_BACKWARD = """
CREATE TRIGGER annotations_article_text_frozen
BEFORE UPDATE OF text ON annotations_article
FOR EACH ROW
WHEN NEW.text IS NOT OLD.text
  AND EXISTS (SELECT 1 FROM annotations_span WHERE article_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'article text is frozen: spans are anchored to it');
END;
"""
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION annotations_article_text_frozen() RETURNS trigger AS $$
BEGIN
  IF NEW.text IS DISTINCT FROM OLD.text
     AND ({condition}) THEN
    RAISE EXCEPTION 'article text is frozen: spans are anchored to it'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
ANCHORED = "EXISTS (SELECT 1 FROM annotations_span WHERE article_id = OLD.id)"


def freeze_replaced_revisions(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_FORWARD)
    else:
        condition = f"OLD.next_revision_id IS NOT NULL OR {ANCHORED}"
        schema_editor.execute(POSTGRES_FUNCTION.replace("{condition}", condition))


def freeze_anchored_only(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_BACKWARD)
    else:
        schema_editor.execute(POSTGRES_FUNCTION.replace("{condition}", ANCHORED))


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0011_article_updated_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalRevisionFlag",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("old_text", models.TextField(help_text="the sentence as the reviewer judged it")),
                (
                    "new_text",
                    models.TextField(blank=True, help_text="the sentence now; empty if removed"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Changed since you reviewed"),
                            ("recheck", "To re-check"),
                            ("holds", "Still holds"),
                            ("rechecked", "Re-checked"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical revision flag",
                "verbose_name_plural": "historical revision flags",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="RevisionFlag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_text", models.TextField(help_text="the sentence as the reviewer judged it")),
                (
                    "new_text",
                    models.TextField(blank=True, help_text="the sentence now; empty if removed"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Changed since you reviewed"),
                            ("recheck", "To re-check"),
                            ("holds", "Still holds"),
                            ("rechecked", "Re-checked"),
                        ],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["revision", "span", "id"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="first_revision",
            field=models.ForeignKey(
                blank=True,
                help_text="revision 1 of this article; empty on revision 1 itself",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="later_revisions",
                to="annotations.article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="next_revision",
            field=models.OneToOneField(
                blank=True,
                help_text="the revision that replaced this one; empty on the current revision",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="previous_revision",
                to="annotations.article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="revision",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="historicalspan",
            name="anchor_score",
            field=models.FloatField(
                blank=True,
                help_text="similarity of the re-anchored text to the old quote",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalspan",
            name="anchor_status",
            field=models.CharField(
                choices=[
                    ("exact", "Exact"),
                    ("fuzzy", "Re-anchored approximately"),
                    ("orphan", "Orphaned (text removed)"),
                ],
                default="exact",
                max_length=6,
            ),
        ),
        migrations.AddField(
            model_name="span",
            name="anchor_score",
            field=models.FloatField(
                blank=True,
                help_text="similarity of the re-anchored text to the old quote",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="span",
            name="anchor_status",
            field=models.CharField(
                choices=[
                    ("exact", "Exact"),
                    ("fuzzy", "Re-anchored approximately"),
                    ("orphan", "Orphaned (text removed)"),
                ],
                default="exact",
                max_length=6,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="content_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("next_revision", None)),
                fields=("content_hash",),
                name="article_current_text_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                fields=("first_revision", "revision"), name="article_revision_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("revision", 1), ("first_revision", None)),
                    models.Q(("revision__gt", 1), ("first_revision__isnull", False)),
                    _connector="OR",
                ),
                name="article_revision_has_first",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("next_revision", models.F("pk")), _negated=True),
                name="article_not_its_own_revision",
            ),
        ),
        migrations.AddConstraint(
            model_name="span",
            constraint=models.CheckConstraint(
                condition=models.Q(("anchor_status__in", ["exact", "fuzzy", "orphan"])),
                name="span_anchor_status_valid",
            ),
        ),
        migrations.AddField(
            model_name="historicalrevisionflag",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalrevisionflag",
            name="reviewer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalrevisionflag",
            name="revision",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="the revision in which the sentence changed",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.article",
            ),
        ),
        migrations.AddField(
            model_name="historicalrevisionflag",
            name="span",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="annotations.span",
            ),
        ),
        migrations.AddField(
            model_name="revisionflag",
            name="reviewer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revision_flags",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="revisionflag",
            name="revision",
            field=models.ForeignKey(
                help_text="the revision in which the sentence changed",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revision_flags",
                to="annotations.article",
            ),
        ),
        migrations.AddField(
            model_name="revisionflag",
            name="span",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revision_flags",
                to="annotations.span",
            ),
        ),
        migrations.AddConstraint(
            model_name="revisionflag",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["open", "recheck", "holds", "rechecked"])),
                name="revision_flag_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="revisionflag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["open", "recheck"])),
                fields=("reviewer", "span"),
                name="revision_flag_one_pending",
            ),
        ),
        migrations.RunPython(freeze_replaced_revisions, freeze_anchored_only),
    ]
