"""The nightly recomputation of similar datasets as a django-celery-beat row (editable in admin)."""

import json

from django.db import migrations

NIGHTLY = ("demand: recompute similar datasets", "marketplace.demand.tasks.similar_refresh_all_task", "default")


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _created = CrontabSchedule.objects.get_or_create(
        minute="15", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    name, task, queue = NIGHTLY
    PeriodicTask.objects.get_or_create(
        name=name, defaults={"task": task, "queue": queue, "args": json.dumps([]), "enabled": True, "crontab": nightly}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NIGHTLY[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("demand", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
