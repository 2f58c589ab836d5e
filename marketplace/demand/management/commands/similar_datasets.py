"""manage.py similar_datasets [slug …]: recompute the "similar datasets" of some or all published datasets."""

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Dataset
from marketplace.demand.recommendations import similar_compute, similar_refresh_all


class Command(BaseCommand):
    help = (
        "Recompute the similar datasets shown on dataset pages (all published datasets, or the given slugs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Dataset URL names (default: every published dataset).")

    def handle(self, *args, slugs, **options):
        if not slugs:
            count = similar_refresh_all()
            self.stdout.write(f"Similar datasets recomputed for {count} published datasets.")
            return
        found = dict(Dataset.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        missing = sorted(set(slugs) - set(found))
        if missing:
            raise CommandError(f"Unknown datasets: {', '.join(missing)}")
        for slug in slugs:
            kept = similar_compute(dataset_id=found[slug])
            self.stdout.write(f"{slug}: {kept} similar datasets")
