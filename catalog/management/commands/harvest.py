"""manage.py harvest <source-slug> | --url URL --type ckan|dcat --organization SLUG [--wait] [--full]."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from catalog.harvesting.choices import JobTrigger, SourceType
from catalog.harvesting.models import HarvestJob, HarvestSource
from catalog.harvesting.services import harvest_job_create, harvest_source_create, harvest_system_user


class Command(BaseCommand):
    help = (
        "Queue a harvest of a registered source (by slug), or of a URL registered on the fly (--url --type "
        "--organization); --wait runs it in this process and prints the job summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="slug of a registered harvest source")
        parser.add_argument("--url", help="register (or reuse) a source with this URL")
        parser.add_argument("--type", choices=SourceType.values, help="source type for --url")
        parser.add_argument(
            "--organization", help="slug of the organisation that publishes what --url brings"
        )
        parser.add_argument("--title", help="title of a source registered with --url")
        parser.add_argument(
            "--full", action="store_true", help="read everything (and withdraw what vanished)"
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="run the job here and now instead of queueing it for a worker, then print its summary",
        )

    def handle(self, *args, **options):
        source = self._source(options)
        job, created = harvest_job_create(
            source=source, trigger=JobTrigger.COMMAND, full=options["full"], enqueue=not options["wait"]
        )
        if not created:
            self.stdout.write(f"a job of {source.slug} is already {job.status}: job #{job.pk}")
            if not options["wait"]:
                return
            job = self._wait(job)
        elif options["wait"]:
            from catalog.harvesting.runner import harvest_job_execute

            job = harvest_job_execute(job=job)
        else:
            self.stdout.write(f"queued job #{job.pk} of {source.slug}")
            return
        self.stdout.write(job.summary())
        for line in job.log[-10:]:
            self.stdout.write("  " + line)
        if job.status != "succeeded":
            raise CommandError(f"harvest {job.status}: {job.error}")

    def _source(self, options) -> HarvestSource:
        if options["source"]:
            source = HarvestSource.objects.filter(slug=options["source"]).first()
            if source is None:
                raise CommandError(f"no harvest source {options['source']!r}")
            return source
        if not (options["url"] and options["type"] and options["organization"]):
            raise CommandError("give a source slug, or --url, --type and --organization")
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"no organisation {options['organization']!r}")
        existing = HarvestSource.objects.filter(
            url=options["url"], source_type=options["type"], organization=organization
        ).first()
        if existing is not None:
            return existing
        try:
            return harvest_source_create(
                actor=harvest_system_user(),
                title=options["title"] or options["url"],
                url=options["url"],
                source_type=options["type"],
                organization=organization,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _wait(self, job: HarvestJob) -> HarvestJob:
        while job.is_active:
            time.sleep(1)
            job.refresh_from_db()
        return job
