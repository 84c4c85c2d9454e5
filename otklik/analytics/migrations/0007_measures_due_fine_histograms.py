"""The deadline measures as facts of the case (``due``: the due time passed; ``breached`` counted
by the due time, not by the sweep's stamp) and hour histograms fine enough for a median value
(86 buckets instead of 16: the existing columns change meaning too).

The rollups and cubes are derived data: their rows are dropped and the watermark with them, so
the next ``rollups_refresh`` (periodic, or ``otklik analytics refresh``) rebuilds every day by
the new definitions.
"""

from django.db import migrations, models

NEW_BUCKETS = range(16, 86)


def drop_rollups(apps, schema_editor):
    for name in ("RollupCube", "DailyRollup", "RollupWatermark"):
        apps.get_model("analytics", name).objects.all().delete()


def _fields():
    yield "due", models.PositiveIntegerField(default=0, verbose_name="срок ответа истёк")
    for prefix in ("fr_h", "an_h"):
        for i in NEW_BUCKETS:
            yield f"{prefix}{i}", models.PositiveIntegerField(default=0)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0006_cubes_topic_with_sector"),
    ]

    operations = [
        migrations.RunPython(drop_rollups, migrations.RunPython.noop),
        *(
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ("dailyrollup", "rollupcube")
            for name, field in _fields()
        ),
        *(
            migrations.AlterField(
                model_name=model,
                name="breached",
                field=models.PositiveIntegerField(default=0, verbose_name="срок ответа нарушен"),
            )
            for model in ("dailyrollup", "rollupcube")
        ),
    ]
