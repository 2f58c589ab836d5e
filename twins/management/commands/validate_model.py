"""manage.py validate_model FILE --kind dtdl|ngsi-ld|cityjson [--json]: validate a model file or zip
locally with the portal's validators (no upload, no database); exit status 1 when it has errors."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from twins.choices import ModelKind
from twins.validation import VALIDATORS, validate_upload


class Command(BaseCommand):
    help = "Validate a DTDL / NGSI-LD / CityJSON file (or a zip of many) and print the report."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=[str(kind) for kind in VALIDATORS])
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file: Path, kind: str, json: bool = False, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        report = validate_upload(file.read_bytes(), file.name, ModelKind(kind))
        if json:
            self.stdout.write(_dumps(report))
        else:
            for issue in report.issues:
                self.stdout.write(
                    f"{issue.severity:<8}{issue.code:<20}{issue.file} {issue.path}: {issue.message}"
                )
            self.stdout.write(
                f"{report.outcome}: {report.counts['error']} errors, {report.counts['warning']} warnings, "
                f"{report.counts['info']} notes ({report.standard_version or kind})"
            )
        if report.counts["error"]:
            raise SystemExit(1)


def _dumps(report) -> str:
    return json.dumps(
        {
            "outcome": report.outcome,
            "standard_version": report.standard_version,
            "counts": report.counts,
            "issues": [issue.as_dict() for issue in report.issues],
        },
        indent=2,
        ensure_ascii=False,
    )
