"""manage.py quality_check --dataset SLUG | --organization SLUG | --all [--wait] [--no-links|--no-content]."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from catalog.models import Dataset
from catalog.quality.choices import RunScope, RunTrigger
from catalog.quality.models import QualityRun
from catalog.quality.services import quality_run_create


class Command(BaseCommand):
    help = (
        "Queue a quality check (MQA score, DCAT-AP compliance, links, file contents, freshness) of one "
        "dataset, one publisher or the whole catalogue; --wait runs it here and prints the summary."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--dataset", metavar="SLUG", help="check one dataset")
        target.add_argument("--organization", metavar="SLUG", help="check every dataset of a publisher")
        target.add_argument("--all", action="store_true", help="check the whole catalogue")
        parser.add_argument("--no-links", action="store_true", help="do not check links")
        parser.add_argument("--no-content", action="store_true", help="do not download and validate files")
        parser.add_argument(
            "--wait", action="store_true", help="run here and now instead of queueing for a worker"
        )

    def handle(self, *args, **options):
        scope, target = self._target(options)
        run, created = quality_run_create(
            scope=scope,
            trigger=RunTrigger.COMMAND,
            check_links=not options["no_links"],
            check_content=not options["no_content"],
            enqueue=not options["wait"],
            **target,
        )
        if not created:
            self.stdout.write(f"a run of the same scope is already {run.status}: run #{run.pk}")
            if not options["wait"]:
                return
            run = self._wait(run)
        elif options["wait"]:
            from catalog.quality.runner import quality_run_execute

            run = quality_run_execute(run=run)
        else:
            self.stdout.write(f"queued quality run #{run.pk}")
            return
        self.stdout.write(run.summary())
        for line in run.log[-10:]:
            self.stdout.write("  " + line)
        if run.status != "succeeded":
            raise CommandError(f"quality run {run.status}: {run.error}")

    def _target(self, options) -> tuple[str, dict]:
        if options["dataset"]:
            dataset = Dataset.objects.filter(slug=options["dataset"]).first()
            if dataset is None:
                raise CommandError(f"no dataset {options['dataset']!r}")
            return RunScope.DATASET, {"dataset": dataset}
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"no organisation {options['organization']!r}")
            return RunScope.ORGANIZATION, {"organization": organization}
        return RunScope.ALL, {}

    def _wait(self, run: QualityRun) -> QualityRun:
        while run.is_active:
            time.sleep(1)
            run.refresh_from_db()
        return run
