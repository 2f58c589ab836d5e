"""The throwaway world a benchmark runs in: its own database, folders and settings, set up before Django.

The portal reads its configuration from the environment (django-environ), so the benchmark only sets
variables — DATABASE_URL above all — before `django.setup()`. SQLite gets a file in a temporary
folder; PostgreSQL gets a new database on the server the URL names, dropped at the end. The
developer's database (var/twinport.sqlite3) and the broker folder in var/ are never opened.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
# Far above anything the benchmark sends: the throttles still run (their cache work is part of the
# cost measured) but never refuse a request.
UNTHROTTLED = "1000000/min"


@dataclass(frozen=True)
class BenchEnvironment:
    """Where the benchmark's data lives, for the report."""

    vendor: str
    location: str
    workdir: Path


def is_postgres_url(value: str) -> bool:
    return urlsplit(value).scheme in POSTGRES_SCHEMES


@contextmanager
def benchmark_environment(database: str, *, keep: bool = False) -> Iterator[BenchEnvironment]:
    """Configure and start Django on a new, empty database; remove it all afterwards unless `keep`.

    `database` is "sqlite" (a file in a temporary folder) or a PostgreSQL URL whose server gets a
    new database named twinport_bench_<random> (the URL's own database is only used to create it).
    """
    workdir = Path(tempfile.mkdtemp(prefix="twinport-bench-"))
    dropper: Callable[[], None] | None = None
    environment = BenchEnvironment("", "", workdir)
    try:
        if database == "sqlite":
            url = f"sqlite:///{workdir / 'catalogue.sqlite3'}"
            environment = BenchEnvironment("sqlite", str(workdir / "catalogue.sqlite3"), workdir)
        elif is_postgres_url(database):
            url, dropper = _create_postgres_database(database)
            environment = BenchEnvironment("postgresql", _without_password(url), workdir)
        else:
            raise ValueError(f"--database must be 'sqlite' or a postgres:// URL, not {database!r}")
        _configure(url, workdir)
        django.setup()
        yield environment
    finally:
        from django.db import connections

        connections.close_all()
        if dropper is not None and not keep:
            dropper()
        if keep:
            print(f"Kept the benchmark's database ({environment.location}) and folder ({workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _configure(database_url: str, workdir: Path) -> None:
    """Environment for marketplace.settings (through bench.settings): production-like, isolated."""
    for folder in ("static", "media", "broker"):
        (workdir / folder).mkdir(exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            # The manifest storage needs a collectstatic run; plain storage renders the same tags.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "BROKER_DIR": str(workdir / "broker"),
            # Local-memory cache: no shared Redis state leaks into (or out of) a run.
            "REDIS_URL": "",
            "API_THROTTLE_ANON": UNTHROTTLED,
            "API_THROTTLE_USER": UNTHROTTLED,
            # A failing page is reported in the results table; its traceback would bury the table.
            "LOG_LEVEL": "CRITICAL",
        }
    )


def _create_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """Create an empty database on the server of `server_url`; return its URL and a function that drops it."""
    import psycopg
    from psycopg import sql

    name = f"twinport_bench_{secrets.token_hex(4)}"
    parts = urlsplit(server_url)
    maintenance = urlunsplit(
        parts._replace(scheme="postgresql", path=parts.path if parts.path.strip("/") else "/postgres")
    )
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
