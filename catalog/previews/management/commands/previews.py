"""`manage.py previews`: make (or queue) the previews of distributions — after an upgrade of the
generators, or to fill the cache before a demo."""

from django.core.management.base import BaseCommand, CommandError

from catalog import hooks
from catalog.models import Distribution
from catalog.previews.choices import PreviewSource
from catalog.previews.models import Preview, PreviewSample
from catalog.previews.services import preview_generate, preview_request, previews_invalidate


class Command(BaseCommand):
    help = (
        "Make the data previews of distributions with a file or download URL (open data only: restricted "
        "data is previewed when an entitled person asks), and of every publisher's sample."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dataset", help="only this dataset (slug)")
        parser.add_argument("--distribution", type=int, help="only this distribution (id)")
        parser.add_argument("--force", action="store_true", help="make them again even when cached")
        parser.add_argument(
            "--wait", action="store_true", help="generate here, one after the other, instead of queueing"
        )

    def handle(self, *args, **options):
        distributions = Distribution.objects.select_related("dataset", "format").order_by("pk")
        if options["dataset"]:
            distributions = distributions.filter(dataset__slug=options["dataset"])
        if options["distribution"]:
            distributions = distributions.filter(pk=options["distribution"])
        if not distributions.exists():
            raise CommandError("No distribution matches.")
        access = hooks.get_access()
        jobs = []
        for distribution in distributions.iterator():
            sources = []
            has_bytes = bool(distribution.file or distribution.download_url)
            if has_bytes and access.dataset_is_open(distribution.dataset):
                sources.append(PreviewSource.DATA)
            if PreviewSample.objects.filter(distribution=distribution).exists():
                sources.append(PreviewSource.SAMPLE)
            for source in sources:
                if options["force"]:
                    previews_invalidate(distribution_ids=[distribution.pk], source=source)
                    Preview.objects.filter(distribution=distribution, source=source).update(source_hash="")
                jobs.append((distribution, source))
        made = {"ready": 0, "unavailable": 0, "pending": 0}
        for distribution, source in jobs:
            preview = preview_request(distribution=distribution, source=source)
            if options["wait"]:
                preview.refresh_from_db()
                if preview.is_pending:
                    preview = preview_generate(preview=preview)
            made[preview.status] = made.get(preview.status, 0) + 1
        self.stdout.write(
            f"{len(jobs)} previews: {made['ready']} ready, {made['unavailable']} not available, "
            f"{made['pending']} queued"
        )
