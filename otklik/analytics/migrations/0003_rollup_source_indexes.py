"""The rollups' state per period (count and newest id by day) for the rating cache, and the
indexes the daily rollup reads by (``services.compute_day``): each day's answers published,
first responses, answers moderated and surveys replied are picked by a time range. Without
them every day of a refresh scans the whole tables (O(cases) per day, O(cases × days) for a
full refresh). The other range columns (``received_at``, ``breached_at``, ``CaseEvent.at``)
are indexed already.

They live here, not in ``cases``, because they serve the analytics reads only; plain
``CREATE INDEX IF NOT EXISTS`` (PostgreSQL and SQLite), dropped on reverse.
"""

from django.db import migrations, models

INDEXES = (
    ("analytics_src_case_published", "cases_case", "published_at"),
    ("analytics_src_case_first_resp", "cases_case", "first_response_at"),
    ("analytics_src_answer_moderated", "cases_answer", "moderated_at"),
    ("analytics_src_survey_responded", "cases_survey", "responded_at"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_alerts"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dailyrollup",
            index=models.Index(fields=["day", "id"], name="analytics_rollup_day_id"),
        ),
        *(
            migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
            f'DROP INDEX IF EXISTS "{name}"',
        )
            for name, table, column in INDEXES
        ),
    ]
