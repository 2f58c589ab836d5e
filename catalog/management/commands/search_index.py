"""manage.py search_index --rebuild: rebuild every dataset's full-text search document."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.search import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index (after bulk loads or restoring a database)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild the whole index")

    def handle(self, *args, rebuild: bool, **options):
        if not rebuild:
            self.stderr.write("Nothing to do: pass --rebuild.")
            return
        started = time.monotonic()
        with transaction.atomic():
            search_index_rebuild()
        self.stdout.write(f"Search index rebuilt in {time.monotonic() - started:.1f} s.")
