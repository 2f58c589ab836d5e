"""`manage.py load_demo`: load or refresh the demo content; `--logins` lists the demo logins."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand

from catalog.demo import DEMO_PASSWORD, demo_logins, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo organisations, programme, users and datasets. Safe to run again: "
        "it updates the demo content and creates no duplicates. Never run it in production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--logins", action="store_true", help="Only print the demo logins, without loading anything."
        )

    def handle(self, *args, **options) -> None:
        if options["logins"]:
            self.stdout.write(self._logins_table())
            return
        with _quiet_services(quiet=options["verbosity"] < 2):
            summary = load_demo()
        self.stdout.write(self.style.SUCCESS(str(summary)))
        self.stdout.write(
            f"Log in as anna@rotterdam.example with the password {DEMO_PASSWORD}; "
            "`manage.py load_demo --logins` lists all demo logins."
        )

    def _logins_table(self) -> str:
        rows = [("E-mail", "Role", "What to try")] + [
            (login["email"], login["role"], login["try"]) for login in demo_logins()
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(2)]
        lines = [f"Demo logins — the password is {DEMO_PASSWORD} for all of them:", ""]
        for index, (email, role, hint) in enumerate(rows):
            lines.append(f"  {email:<{widths[0]}}  {role:<{widths[1]}}  {hint}".rstrip())
            if index == 0:
                lines.append(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(hint)}")
        return "\n".join(lines)


@contextmanager
def _quiet_services(*, quiet: bool) -> Iterator[None]:
    """Hide the services' per-dataset INFO logs while loading (shown again with -v 2)."""
    loggers = [logging.getLogger(name) for name in ("catalog.services", "accounts.services")]
    levels = [logger.level for logger in loggers]
    if quiet:
        for logger in loggers:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
