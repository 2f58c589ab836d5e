"""Quality in the demo: `load_demo` ends with a metadata-only quality run over the whole catalogue, so
dataset badges, dashboards and the search facet have figures at once (links and files are not checked:
the demo's URLs point at example hosts). Idempotent: assessments and today's snapshots are upserted."""


def load_quality_demo(*, organisations, editors, now) -> None:
    from .choices import RunScope, RunTrigger
    from .runner import quality_run_execute
    from .services import quality_run_create

    run, created = quality_run_create(
        scope=RunScope.ALL, trigger=RunTrigger.COMMAND, check_links=False, check_content=False, enqueue=False
    )
    if created:
        quality_run_execute(run=run)
