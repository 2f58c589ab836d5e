"""Quality on the dataset page, the dashboards and the run pages (visibility, check now, progress)."""

import pytest

from catalog.quality.choices import RunStatus
from catalog.quality.models import QualityAssessment, QualityRun
from tests.factories import DistributionFactory, PublishedDatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_outbound(settings):
    # Link checks of the fixtures' example.org URLs must not wait on DNS: everything answers at once.
    settings.QUALITY_LINKS = {"connect_timeout": 0.5, "read_timeout": 0.5, "total_timeout": 1}


def test_dataset_page_shows_badge_breakdown_and_fixes_for_editors(client_for, published_dataset, editor):
    page = client_for(editor).get(published_dataset.get_absolute_url())
    assert page.status_code == 200
    assessment = QualityAssessment.objects.get(dataset=published_dataset)
    html = page.content.decode()
    assert 'id="quality"' in html
    assert f"{assessment.score} of 405 points" in html
    assert "What raises the score" in html
    # The dataset has no temporal coverage: its fix is offered.
    assert "Give the time period the data covers." in html
    assert "Check now" in html


def test_dataset_page_shows_badge_without_fixes_to_the_public(client_for, published_dataset, editor):
    client_for(editor).post(f"/quality/datasets/{published_dataset.slug}/check/")
    html = client_for().get(published_dataset.get_absolute_url()).content.decode()
    assert "of 405 points" in html
    assert "What raises the score" not in html
    assert "Check now" not in html
    # The link results (which name the data's URLs) are the publisher's business.
    assert "Links and files" not in html
    assert "Links and files" in client_for(editor).get(published_dataset.get_absolute_url()).content.decode()


def test_edit_makes_the_score_follow_at_once(client_for, published_dataset, editor):
    client = client_for(editor)
    client.get(published_dataset.get_absolute_url())
    before = QualityAssessment.objects.get(dataset=published_dataset)
    assert before.results["temporal"] is False
    from catalog.services import dataset_update

    dataset_update(dataset=published_dataset, actor=editor, temporal_start="2024-01-01")
    client.get(published_dataset.get_absolute_url())
    after = QualityAssessment.objects.get(dataset=published_dataset)
    assert after.results["temporal"] is True
    assert after.score == before.score + 20


def test_check_now_runs_and_shows_progress(
    client_for, published_dataset, editor, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/quality/datasets/{published_dataset.slug}/check/")
    run = QualityRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert run.status == RunStatus.SUCCEEDED  # eager Celery in tests
    assert run.datasets_assessed == 1
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert client.get(f"/quality/runs/{run.pk}/progress/").status_code == 200


def test_check_now_is_404_for_people_who_cannot_edit(client_for, published_dataset, consumer, other_editor):
    for user in (consumer, other_editor):
        assert client_for(user).post(f"/quality/datasets/{published_dataset.slug}/check/").status_code == 404
    assert not QualityRun.objects.exists()


def test_runs_are_visible_to_the_publishers_editors_only(client_for, published_dataset, editor, other_editor):
    client_for(editor).post(f"/quality/datasets/{published_dataset.slug}/check/")
    run = QualityRun.objects.get()
    assert client_for(other_editor).get(run.get_absolute_url()).status_code == 404
    assert client_for(None).get(run.get_absolute_url()).status_code == 302  # to the login page


def test_publisher_dashboard(
    client_for, publisher_org, editor, draft_dataset, django_capture_on_commit_callbacks
):
    good = PublishedDatasetFactory(publisher=publisher_org, keywords=["a"], themes=["TRAN"], title="Good one")
    DistributionFactory(dataset=good)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor).post(f"/quality/publishers/{publisher_org.slug}/check/")
    run = QualityRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED
    assert run.datasets_assessed == 2  # the draft too: its editors want the hints before publishing
    page = client_for(editor).get(f"/quality/publishers/{publisher_org.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Good one" in html
    assert draft_dataset.title in html  # members see their drafts among the worst
    assert "Recent checks" in html and run.get_absolute_url() in html
    # The failing link, by URL, with the dataset that names it (editors only).
    assert "https://data.example.org/service" in html
    assert html.count('href="/datasets/') > 0
    public = client_for(None).get(f"/quality/publishers/{publisher_org.slug}/").content.decode()
    assert draft_dataset.title not in public
    assert "Recent checks" not in public
    assert "broken link" in public  # a count, not the URLs
    assert "https://data.example.org/service" not in public
    assert "Good one" in public
    assert client_for(None).get("/quality/").status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("consumer", 404), ("other_editor", 404), ("member", 404), ("editor", 302),
     ("admin_user", 302)],
)  # fmt: skip
def test_check_buttons_matrix(request, client_for, published_dataset, publisher_org, who, expected, settings):
    settings.QUALITY_LINKS = {"connect_timeout": 0.2, "read_timeout": 0.2, "total_timeout": 0.5}
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    for url in (
        f"/quality/datasets/{published_dataset.slug}/check/",
        f"/quality/publishers/{publisher_org.slug}/check/",
    ):
        response = client.post(url)
        assert response.status_code == expected, url
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
    assert client.get(f"/quality/datasets/{published_dataset.slug}/check/").status_code in (302, 405)


def test_draft_is_404_to_check_for_outsiders(client_for, draft_dataset, other_editor, member):
    assert client_for(other_editor).post(f"/quality/datasets/{draft_dataset.slug}/check/").status_code == 404
    # A member sees the draft but may not run checks.
    assert client_for(member).post(f"/quality/datasets/{draft_dataset.slug}/check/").status_code == 404


def test_unknown_publisher_dashboard_is_404(client):
    assert client.get("/quality/publishers/nobody/").status_code == 404


def test_programme_figures_as_csv(client, publisher_org, published_dataset):
    import csv
    import io
    from datetime import date

    from accounts.models import Programme
    from catalog.quality.models import QualitySnapshot
    from catalog.quality.services import quality_assessment_refresh, quality_snapshots_record

    programme = Programme.objects.create(slug="sctwins", name="Smart City Twins")
    programme.organizations.add(publisher_org)
    publisher_org.name = "=HYPERLINK(1)"  # a hostile name must not become a spreadsheet formula
    publisher_org.save()
    quality_assessment_refresh(dataset=published_dataset)
    quality_snapshots_record(day=date(2026, 1, 15))
    quality_snapshots_record(day=date(2026, 4, 15))
    response = client.get("/quality/programmes/sctwins/scores.csv?since=2026-04-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="quality-sctwins.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["date"], row["kind"]) for row in rows] == [
        ("2026-04-15", "organization"),
        ("2026-04-15", "programme"),
    ]
    publisher_row = rows[0]
    assert publisher_row["subject"] == "'=HYPERLINK(1)"
    snapshot = QualitySnapshot.objects.get(organization=publisher_org, date=date(2026, 4, 15))
    assert float(publisher_row["score"]) == round(snapshot.score, 1) and publisher_row["datasets"] == "1"
    assert client.get("/quality/programmes/sctwins/scores.csv?since=soon").status_code == 400
    organization_csv = client.get(f"/quality/publishers/{publisher_org.slug}/scores.csv").content.decode()
    assert organization_csv.count("\n") == 3  # header + two days
    page = client.get("/quality/programmes/sctwins/").content.decode()
    assert "/quality/programmes/sctwins/scores.csv" in page
