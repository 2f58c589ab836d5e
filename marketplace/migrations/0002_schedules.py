"""Beat schedules of the exchange: expire unanswered requests hourly, retry due webhooks every minute."""

from django.db import migrations

SCHEDULES = [
    ("marketplace: expire access requests", "marketplace.tasks.access_requests_expire", 1, "hours"),
    ("marketplace: retry webhook deliveries", "marketplace.tasks.webhook_retry_due", 1, "minutes"),
]


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in SCHEDULES:
        interval, _created = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_rest in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0001_exchange"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add, remove)]
