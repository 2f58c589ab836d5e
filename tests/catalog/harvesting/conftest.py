"""Harvesting fixtures: the shared samples, a fake CKAN (package_search over a mutable package list)."""

import json
from pathlib import Path

import pytest
from werkzeug import Response

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "samples"


def sample(relative: str) -> Path:
    path = SAMPLES / relative
    if not path.exists():
        pytest.skip(f"shared sample {relative} not found (../shared/data/samples)")
    return path


def sample_json(relative: str):
    return json.loads(sample(relative).read_text())


@pytest.fixture
def harvest_settings(settings):
    """Short fetch limits so that hostile-server tests end quickly."""
    settings.HARVEST_FETCH = {"read_timeout": 1.0, "total_timeout": 3.0, "max_bytes": 2 * 1024 * 1024}
    return settings


class FakeCkan:
    """A CKAN package_search over `packages` (sorted by id, rows/start paging, fq ignored but recorded)."""

    def __init__(self, httpserver, packages):
        self.httpserver = httpserver
        self.packages = list(packages)
        self.requests = []
        httpserver.expect_request("/api/3/action/package_search").respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.httpserver.url_for("/")

    def handle(self, request):
        self.requests.append(dict(request.args))
        rows = int(request.args.get("rows", 10))
        start = int(request.args.get("start", 0))
        ordered = sorted(self.packages, key=lambda p: p["id"])
        page = ordered[start : start + rows]
        body = {"help": "", "success": True, "result": {"count": len(ordered), "results": page}}
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def ckan_packages():
    """The two shared CKAN samples as package dicts (ids given where the sample has none)."""
    full = sample_json("ckan/ckanext-dcat-ckan_full_dataset_dcat_ap.json")
    full.setdefault("id", "a1-full-dcat-ap")
    full.setdefault("state", "active")
    legacy = sample_json("ckan/ckanext-dcat-full_ckan_dataset_legacy.json")
    return [full, legacy]


@pytest.fixture
def fake_ckan(httpserver, ckan_packages):
    return FakeCkan(httpserver, ckan_packages)


@pytest.fixture
def ckan_source(publisher_org, admin_user, fake_ckan):
    from catalog.harvesting.services import harvest_source_create

    return harvest_source_create(
        actor=admin_user,
        title="Remote CKAN",
        url=fake_ckan.url,
        source_type="ckan",
        organization=publisher_org,
    )


def run(source, **kwargs):
    """Create and run a job inline (tests run Celery eagerly); return the finished job."""
    from catalog.harvesting.models import HarvestJob
    from catalog.harvesting.runner import harvest_job_execute
    from catalog.harvesting.services import harvest_job_create

    job, _created = harvest_job_create(source=source, enqueue=False, **kwargs)
    harvest_job_execute(job=job)
    return HarvestJob.objects.get(pk=job.pk)
