# The cubes of a topic without its sector that a cube with the sector duplicates (the topic
# alone: 2, with a municipality: 6, with an organisation: 10) are gone: the same rows are
# those of 3, 7 and 11, which the planner reads instead. 7 and 11 now have day rows
# (cubes.DAY_CUBES): they are filled here from the daily rollups, as the refresh fills them.

from django.db import migrations

GONE = (2, 6, 10)
NEW_DAY_ROWS = {
    7: ("sector_id", "topic_id", "municipality_id"),
    11: ("sector_id", "topic_id", "organization_id"),
}
DIMS = ("sector_id", "topic_id", "municipality_id", "organization_id", "channel_id")


def forwards(apps, schema_editor):
    Rollup = apps.get_model("analytics", "DailyRollup")
    Cube = apps.get_model("analytics", "RollupCube")
    skip = {"id", "day", *DIMS}
    figures = [f.column for f in Rollup._meta.concrete_fields if f.column not in skip]
    Cube.objects.filter(cube__in=GONE).delete()
    Cube.objects.filter(cube__in=NEW_DAY_ROWS, grain="d").delete()
    rollups, cubes = Rollup._meta.db_table, Cube._meta.db_table
    for cube, kept in NEW_DAY_ROWS.items():
        dims = ", ".join(d if d in kept else "NULL" for d in DIMS)
        schema_editor.execute(
            f"INSERT INTO {cubes} (grain, cube, period, {', '.join(DIMS)}, {', '.join(figures)}) "
            f"SELECT 'd', {cube}, day, {dims}, {', '.join(f'SUM({f})' for f in figures)} "
            f"FROM {rollups} GROUP BY day, {', '.join(kept)}"
        )


def backwards(apps, schema_editor):
    # the old cubes are not rebuilt here: `otklik analytics refresh --full` rebuilds them
    apps.get_model("analytics", "RollupCube").objects.filter(
        cube__in=NEW_DAY_ROWS, grain="d"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_cube_day_set")]

    operations = [migrations.RunPython(forwards, backwards)]
