"""The quality API, the dataset API's quality fields, and the quality band as a search facet and filter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.quality.choices import Band, RunStatus
from catalog.quality.models import QualityAssessment, QualityRun, QualitySnapshot
from catalog.quality.services import quality_assessment_refresh, quality_snapshots_record
from tests.factories import DistributionFactory, PublishedDatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_links(settings):
    settings.QUALITY_LINKS = {"connect_timeout": 0.5, "read_timeout": 0.5, "total_timeout": 1}


@pytest.fixture
def rated(publisher_org, published_dataset, draft_dataset):
    """A bare published dataset (bad), the fixture's published one, and the draft — all assessed."""
    bare = PublishedDatasetFactory(
        publisher=publisher_org, title="Bare", slug="bare", licence=None, issued=None, modified=None
    )
    for dataset in (bare, published_dataset, draft_dataset):
        quality_assessment_refresh(dataset=dataset)
    return bare


def test_assessment_list_is_what_you_may_see(api_client, rated, draft_dataset, editor):
    anonymous = api_client.get("/api/v1/quality-assessments/").json()
    slugs = {row["dataset"] for row in anonymous["results"]}
    assert slugs == {"bare", "rotterdam-traffic-flow"}
    api_client.force_authenticate(editor)
    member = api_client.get("/api/v1/quality-assessments/").json()
    assert {row["dataset"] for row in member["results"]} == slugs | {draft_dataset.slug}
    bad = api_client.get("/api/v1/quality-assessments/?band=bad").json()
    assert [row["dataset"] for row in bad["results"]] == ["bare"]


def test_assessment_detail_has_the_breakdown_and_fixes(api_client, rated, published_dataset, editor):
    data = api_client.get(f"/api/v1/quality-assessments/{published_dataset.slug}/").json()
    assessment = QualityAssessment.objects.get(dataset=published_dataset)
    assert data["score"] == assessment.score and data["max_score"] == 405
    assert data["band"] == assessment.band
    assert [d["dimension"] for d in data["breakdown"]] == [
        "findability",
        "accessibility",
        "interoperability",
        "reusability",
        "contextuality",
    ]
    temporal = next(i for d in data["breakdown"] for i in d["indicators"] if i["code"] == "temporal")
    assert temporal == {
        "code": "temporal",
        "label": "Temporal coverage",
        "met": False,
        "points": 0,
        "max": 20,
        "fix": "Give the time period the data covers.",
    }
    # Link and file results name the data's URLs: editors of the publisher only.
    assert data["distributions"] is None and data["violations"] is None
    api_client.force_authenticate(editor)
    data = api_client.get(f"/api/v1/quality-assessments/{published_dataset.slug}/").json()
    assert data["distributions"][0]["title"] == "Traffic API"
    assert data["violations"] == []


def test_assessment_of_a_draft_is_404_outside_its_organisation(
    api_client, rated, draft_dataset, other_editor
):
    assert api_client.get(f"/api/v1/quality-assessments/{draft_dataset.slug}/").status_code == 404
    api_client.force_authenticate(other_editor)
    assert api_client.get(f"/api/v1/quality-assessments/{draft_dataset.slug}/").status_code == 404


def test_dataset_api_carries_the_band(api_client, rated, published_dataset):
    data = api_client.get(f"/api/v1/datasets/{published_dataset.slug}/").json()
    assessment = QualityAssessment.objects.get(dataset=published_dataset)
    assert (data["quality_band"], data["quality_score"]) == (assessment.band, assessment.score)
    listed = api_client.get("/api/v1/datasets/?quality=bad").json()
    assert [row["slug"] for row in listed["results"]] == ["bare"]
    assert listed["results"][0]["quality_band"] == "bad"


def test_dataset_list_does_not_query_per_dataset(
    api_client, rated, publisher_org, django_assert_max_num_queries
):
    for n in range(5):
        quality_assessment_refresh(dataset=PublishedDatasetFactory(publisher=publisher_org, slug=f"more-{n}"))
    api_client.get("/api/v1/datasets/?facets=false")
    with django_assert_max_num_queries(12):
        response = api_client.get("/api/v1/datasets/?facets=false")
    assert len(response.json()["results"]) == 7


def test_quality_facet_on_the_search_page_and_api(client, api_client, rated, published_dataset):
    facets = api_client.get("/api/v1/datasets/").json()["facets"]
    counts = {row["value"]: row["count"] for row in facets["quality"]}
    expected = {QualityAssessment.objects.get(dataset=published_dataset).band: 1}
    expected[Band.BAD.value] = expected.get(Band.BAD.value, 0) + 1
    assert counts == expected
    labels = {row["value"]: row["label"] for row in facets["quality"]}
    assert labels["bad"] == "Bad"
    page = client.get("/datasets/?quality=bad")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bare" in html and published_dataset.title not in html


def test_facet_counts_follow_a_new_assessment(api_client, rated, published_dataset, monkeypatch):
    try:  # the search facet index (when present) reloads link facets at most every few seconds
        from catalog.search import index

        monkeypatch.setattr(index, "MIN_RELOAD_SECONDS", 0)
    except ImportError:
        pass
    api_client.get("/api/v1/datasets/")  # counted (and cached)
    later = timezone.now() + timedelta(seconds=5)
    QualityAssessment.objects.filter(dataset=published_dataset).update(
        band=Band.BAD, score=1, assessed_at=later
    )
    from catalog.search.cache import catalog_changed

    catalog_changed()  # what the services schedule on commit after every (re-)assessment
    facets = api_client.get("/api/v1/datasets/").json()["facets"]
    assert {row["value"]: row["count"] for row in facets["quality"]} == {"bad": 2}


def test_run_api_queue_poll_cancel(api_client, editor, published_dataset, other_editor):
    api_client.force_authenticate(editor)
    response = api_client.post(
        "/api/v1/quality-runs/",
        {"scope": "dataset", "dataset": published_dataset.slug, "check_links": False, "check_content": False},
        format="json",
    )
    assert response.status_code == 202
    run = QualityRun.objects.get()
    assert response.json()["id"] == run.pk and run.trigger == "api"
    again = api_client.post(
        "/api/v1/quality-runs/", {"scope": "dataset", "dataset": published_dataset.slug}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == run.pk  # one active run per scope
    polled = api_client.get(f"/api/v1/quality-runs/{run.pk}/").json()
    assert polled["status"] == "queued"
    cancelled = api_client.post(f"/api/v1/quality-runs/{run.pk}/cancel/").json()
    assert cancelled["status"] == RunStatus.CANCELLED
    api_client.force_authenticate(other_editor)
    assert api_client.get(f"/api/v1/quality-runs/{run.pk}/").status_code == 404


def test_run_api_bad_input(api_client, editor, published_dataset, other_org):
    api_client.force_authenticate(editor)
    missing = api_client.post("/api/v1/quality-runs/", {"scope": "dataset"}, format="json")
    assert missing.status_code == 400 and "dataset" in missing.json()
    unknown = api_client.post("/api/v1/quality-runs/", {"scope": "planet"}, format="json")
    assert unknown.status_code == 400 and "scope" in unknown.json()
    everything = api_client.post("/api/v1/quality-runs/", {"scope": "all"}, format="json")
    assert everything.status_code == 404  # site admins only
    foreign = api_client.post(
        "/api/v1/quality-runs/", {"scope": "organization", "organization": other_org.slug}, format="json"
    )
    assert foreign.status_code == 404
    assert not QualityRun.objects.exists()
    assert api_client.post("/api/v1/quality-runs/", {"scope": "all"}).status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/quality-runs/", {"scope": "all"}).status_code in (401, 403)


def test_read_scoped_token_cannot_queue(api_client, editor, published_dataset, token_for):
    secret = token_for(editor, scopes=("read",))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api_client.post(
        "/api/v1/quality-runs/", {"scope": "dataset", "dataset": published_dataset.slug}, format="json"
    )
    assert response.status_code == 403


def test_score_history_api(api_client, rated, publisher_org):
    from accounts.models import Programme

    programme = Programme.objects.create(slug="twin-cities", name="Twin cities")
    programme.organizations.add(publisher_org)
    quality_snapshots_record()
    data = api_client.get(f"/api/v1/quality-scores/?organization={publisher_org.slug}").json()
    assert len(data["results"]) == 1
    row = data["results"][0]
    assert row["datasets"] == 2  # published only: the draft does not count
    assert row["kind"] == "organization" and row["band"] in Band.values
    programme_rows = api_client.get("/api/v1/quality-scores/?programme=twin-cities").json()["results"]
    assert programme_rows[0]["score"] == row["score"]
    assert QualitySnapshot.objects.filter(kind="portal").count() == 1


def test_openapi_documents_the_quality_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/quality-assessments/", "/api/v1/quality-runs/", "/api/v1/quality-scores/"):
        assert path in schema
    assert "quality_band" in schema


def test_unassessed_dataset_has_null_band(api_client, publisher_org):
    dataset = PublishedDatasetFactory(publisher=publisher_org, slug="fresh")
    DistributionFactory(dataset=dataset)
    data = api_client.get("/api/v1/datasets/fresh/").json()
    assert data["quality_band"] is None and data["quality_score"] is None
