"""`manage.py metrics_rollup [--all] [--purge]`: roll up the usage events now (the beat task's work)."""

from django.core.management.base import BaseCommand

from marketplace.metrics.models import Event
from marketplace.metrics.rollups import purge, rollup


class Command(BaseCommand):
    help = "Roll up usage events into the dashboards' daily tables (every day with events with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recompute every day that has events.")
        parser.add_argument("--purge", action="store_true", help="Then delete events past the retention.")

    def handle(self, *args, **options):
        days = None
        if options["all"]:
            days = set(Event.objects.order_by().values_list("day", flat=True).distinct())
        result = rollup(days=days)
        self.stdout.write(f"Rolled up {result['events']} events over {result['days']} days.")
        if options["purge"]:
            self.stdout.write(f"Purged {purge()} events past the retention period.")
