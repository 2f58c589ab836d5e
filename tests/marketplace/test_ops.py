"""Operational surface: health and readiness probes, request ids, JSON logs, deployment checks."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace import views
from marketplace.logging import JsonFormatter, RequestIdFilter

BASE_DIR = Path(__file__).resolve().parents[2]
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_is_503_when_the_broker_is_down(client, monkeypatch):
    def broker_down():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(views, "_check_broker", broker_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "broker": "error"}}
    assert b"connection refused" not in response.content  # the reason goes to the log, not the client


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    def database_down():
        raise RuntimeError("no database")

    monkeypatch.setattr(views, "_check_database", database_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "error", "broker": "ok"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/healthz"), ("get", "/readyz"), ("post", "/healthz"), ("get", "/no-such-page-here/")],
)
def test_every_response_carries_a_request_id(client, method, path):
    response = getattr(client, method)(path)
    assert GENERATED_ID.match(response["X-Request-ID"])


def test_a_sane_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2_Z"})
    assert response["X-Request-ID"] == "lb-7f3a.2_Z"


@pytest.mark.parametrize(
    "incoming",
    ["abc\nSet-Cookie: evil=1", "a" * 200, "id with spaces", "<script>", "ünïcode", ""],
)
def test_a_malicious_or_odd_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert GENERATED_ID.match(response["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def _json_line(logger_name: str, message: str, **extra) -> dict:
    record = logging.getLogger(logger_name).makeRecord(
        logger_name, logging.WARNING, __file__, 1, message, (), None, extra=extra
    )
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_formatter_emits_one_json_object_with_extra_context():
    entry = _json_line("catalog.services", "dataset %s", dataset=42, publisher="city", when=object())
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "catalog.services"
    assert entry["message"] == "dataset %s"
    assert entry["request_id"] == "-"
    assert entry["dataset"] == 42
    assert entry["publisher"] == "city"
    assert isinstance(entry["when"], str)  # not JSON-serialisable values are rendered with str()
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", entry["time"])


def test_json_formatter_renders_exceptions_on_one_line():
    logger = logging.getLogger("twinport.test")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exc_info"]


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


def test_log_lines_of_a_request_carry_its_request_id(client, monkeypatch):
    def broker_down():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(views, "_check_broker", broker_down)
    handler = _Capture()
    views.logger.addHandler(handler)
    try:
        client.get("/readyz", headers={"X-Request-ID": "trace-123"})
    finally:
        views.logger.removeHandler(handler)
    entries = [json.loads(line) for line in handler.lines]
    failure = next(e for e in entries if e["message"] == "readiness check failed")
    assert failure["request_id"] == "trace-123"
    assert failure["check"] == "broker"
    assert "connection refused" in failure["error"]


def _deploy_check(*extra_args: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a fresh process with a production-like environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_")) and key not in {"SITE_URL", "STATICFILES_BACKEND"}
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="twinport.example.org",
        SITE_URL="https://twinport.example.org",
        DJANGO_SSL_REDIRECT="true",
        DJANGO_HSTS_SECONDS="31536000",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra_args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_security_deploy_checks():
    result = _deploy_check("--tag", "security")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_pass_every_deploy_check():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
