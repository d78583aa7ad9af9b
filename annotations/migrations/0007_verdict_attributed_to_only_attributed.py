"""The database refuses attributed-to on a verdict that is not attributed. Its own
migration, after 0006 cleaned the rows, so PostgreSQL adds it in a fresh transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0006_ruling_overrule"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="verdict",
            constraint=models.CheckConstraint(
                condition=models.Q(("label", "attributed"), ("attributed_to", ""), _connector="OR"),
                name="verdict_attributed_to_only_attributed",
            ),
        ),
    ]
