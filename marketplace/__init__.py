"""Twinport project package: settings, URLs, Celery app, and (later) the data exchange."""

from .celery import app as celery_app

__all__ = ["celery_app"]
