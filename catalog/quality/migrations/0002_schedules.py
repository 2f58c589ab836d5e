"""The quality schedules as django-celery-beat rows: nightly run, link re-checks, sweeper."""

import json

from django.db import migrations

NIGHTLY = ("quality: nightly check of the whole catalogue", "catalog.quality.tasks.quality_nightly", "quality")
RECHECK = ("quality: re-check failing links", "catalog.quality.tasks.quality_links_recheck", "fetch")
SWEEPER = ("quality: sweep runs whose worker died", "catalog.quality.tasks.quality_sweep", "quality")


def add_schedules(apps, schema_editor):
    # Admins may change the times in Django admin (design.md §6: schedules in one place).
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _created = CrontabSchedule.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    every_5_minutes, _created = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    every_6_hours, _created = IntervalSchedule.objects.get_or_create(every=6, period="hours")
    schedules = [(NIGHTLY, {"crontab": nightly}), (RECHECK, {"interval": every_6_hours}),
                 (SWEEPER, {"interval": every_5_minutes})]  # fmt: skip
    for (name, task, queue), when in schedules:
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "queue": queue, "args": json.dumps([]), "enabled": True, **when}
        )


def remove_schedules(apps, schema_editor):
    names = [NIGHTLY[0], RECHECK[0], SWEEPER[0]]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
