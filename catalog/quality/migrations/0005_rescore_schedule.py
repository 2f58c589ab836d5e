"""Schedule: datasets changed in the last minutes are re-scored every 2 minutes (bands follow edits)."""

import json

from django.db import migrations

RESCORE = ("quality: re-score recently changed datasets", "catalog.quality.tasks.quality_rescore_recent", "quality")


def add_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_2_minutes, _created = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    name, task, queue = RESCORE
    PeriodicTask.objects.get_or_create(
        name=name,
        defaults={"task": task, "queue": queue, "args": json.dumps([]), "enabled": True, "interval": every_2_minutes},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RESCORE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0004_orderings")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
