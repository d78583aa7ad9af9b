"""The database refuses to change an article's text once a span is anchored to it, so
even QuerySet.update() or raw SQL cannot move the ground under stored offsets."""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER annotations_article_text_frozen
BEFORE UPDATE OF text ON annotations_article
FOR EACH ROW
WHEN NEW.text IS NOT OLD.text
  AND EXISTS (SELECT 1 FROM annotations_span WHERE article_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'article text is frozen: spans are anchored to it');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS annotations_article_text_frozen;"

POSTGRES_FORWARD = """
CREATE FUNCTION annotations_article_text_frozen() RETURNS trigger AS $$
BEGIN
  IF NEW.text IS DISTINCT FROM OLD.text
     AND EXISTS (SELECT 1 FROM annotations_span WHERE article_id = OLD.id) THEN
    RAISE EXCEPTION 'article text is frozen: spans are anchored to it'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER annotations_article_text_frozen
BEFORE UPDATE OF text ON annotations_article
FOR EACH ROW EXECUTE FUNCTION annotations_article_text_frozen();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS annotations_article_text_frozen ON annotations_article;
DROP FUNCTION IF EXISTS annotations_article_text_frozen();
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    else:
        raise NotImplementedError(f"no article-text trigger for {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(SQLITE_BACKWARD if vendor == "sqlite" else POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
