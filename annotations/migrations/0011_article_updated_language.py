"""What a web page states about itself besides its publication date: the date it was last
updated and the language it declares (issue 10). Adding columns makes SQLite rebuild the
article table, which drops its triggers: the one that freezes anchored text (0002) is
created again here."""

from importlib import import_module

from django.db import migrations, models

frozen = import_module("annotations.migrations.0002_article_text_frozen")


def recreate_text_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(frozen.SQLITE_BACKWARD)
        schema_editor.execute(frozen.SQLITE_FORWARD)


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0010_verdict_counts_for_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="language",
            field=models.CharField(blank=True, help_text="as the page declares it", max_length=35),
        ),
        migrations.AddField(
            model_name="article",
            name="updated",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(recreate_text_trigger, migrations.RunPython.noop),
    ]
