"""The periodic sweeper of validation runs (design.md §6); admins may change its interval in Django admin."""

from django.db import migrations

SWEEPER_NAME = "twins: sweep validation runs whose worker died"


def add_sweeper(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _created = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEPER_NAME,
        defaults={"task": "twins.tasks.validation_sweep", "interval": interval, "queue": "default"},
    )


def remove_sweeper(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEPER_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("twins", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_sweeper, remove_sweeper)]
