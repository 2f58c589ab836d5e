"""Celery application: one app for the web process and every worker, configured from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("twinport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
