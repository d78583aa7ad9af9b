"""Rulings record the consensus they overrule; attributed-to is dropped from verdicts that
are not attributed (a disputed verdict kept the prefilled "to the General Staff")."""

from django.db import migrations, models
from django.utils import timezone

REASON = "attributed-to dropped: only attributed verdicts carry it"


def drop_stray_attributions(apps, schema_editor):
    Verdict = apps.get_model("annotations", "Verdict")
    HistoricalVerdict = apps.get_model("annotations", "HistoricalVerdict")
    stray = Verdict.objects.exclude(label="attributed").exclude(attributed_to="")
    now = timezone.now()
    # One history row per cleaned verdict, so the dropped text stays recoverable there;
    # updated_at is left alone: it decides which verdict is a reviewer's latest.
    HistoricalVerdict.objects.bulk_create(
        [
            HistoricalVerdict(
                id=verdict.pk,
                span_id=verdict.span_id,
                reviewer_id=verdict.reviewer_id,
                label=verdict.label,
                note=verdict.note,
                evidence_url=verdict.evidence_url,
                attributed_to="",
                hidden=verdict.hidden,
                hidden_reason=verdict.hidden_reason,
                created_at=verdict.created_at,
                updated_at=verdict.updated_at,
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
            )
            for verdict in stray
        ]
    )
    stray.update(attributed_to="")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_span_claim_protect"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="ruling_overrules_consensus",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="ruling_overrules_consensus",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.RunPython(drop_stray_attributions, migrations.RunPython.noop),
    ]
