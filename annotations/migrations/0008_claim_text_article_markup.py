"""A claim's text may quote markup from its article (an article about web security quoting
"<script>"): the model no longer refuses it; services.claim_create refuses markup that the
article does not contain. Only the field's validators change, so no SQL runs."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0007_verdict_attributed_to_only_attributed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="text",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="text",
            field=models.TextField(),
        ),
    ]
