"""Pages of the demand side beyond the acceptance story: suggestions while writing, moderation, showcases
with images, the dataset page panel (constant query count), home suggestions and the metrics hooks."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace.demand import metrics, services
from marketplace.demand.models import Comment, DataRequest, Showcase
from marketplace.demand.recommendations import similar_compute
from tests.demand.factories import DataRequestFactory, ShowcaseFactory
from tests.factories import PublishedDatasetFactory

pytestmark = pytest.mark.django_db


def test_suggestions_while_writing(client_for, consumer, published_dataset, draft_dataset):
    page = client_for(consumer).get(reverse("demand:request_suggest"), {"title": "traffic flow in Rotterdam"})
    assert page.status_code == 200
    assert published_dataset.title in page.content.decode()
    nothing = client_for(None).get(reverse("demand:request_suggest"), {"title": "noise sensors draft"})
    assert draft_dataset.title not in nothing.content.decode()
    assert "No existing dataset" in nothing.content.decode()


def test_form_errors_are_shown_and_nothing_is_saved(client_for, consumer):
    acme = consumer.organizations.get()
    page = client_for(consumer).post(
        reverse("demand:request_create"), {"organization": acme.pk, "title": "", "bbox": "1,2,3"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "This field is required." in body and "four numbers" in body
    assert DataRequest.objects.count() == 0


def test_comment_report_hide_lock_through_the_pages(client_for, consumer, editor, admin_user):
    acme = consumer.organizations.get()
    data_request = DataRequestFactory(organization=acme, created_by=consumer)
    client_for(editor).post(reverse("demand:comment_create", args=[data_request.pk]), {"body": "Nasty words"})
    comment = Comment.objects.get()
    client_for(consumer).post(reverse("demand:comment_report", args=[data_request.pk, comment.pk]))
    assert comment.reports.count() == 1
    # A plain member cannot hide it; the site admin can.
    client_for(consumer).post(reverse("demand:comment_hide", args=[data_request.pk, comment.pk]))
    comment.refresh_from_db()
    assert not comment.is_hidden
    client_for(admin_user).post(reverse("demand:comment_hide", args=[data_request.pk, comment.pk]))
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == admin_user
    assert "Nasty words" not in client_for(None).get(data_request.get_absolute_url()).content.decode()
    client_for(admin_user).post(
        reverse("demand:request_moderate", args=[data_request.pk]), {"action": "lock"}
    )
    client_for(consumer).post(reverse("demand:comment_create", args=[data_request.pk]), {"body": "late"})
    assert not Comment.objects.filter(body="late").exists()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 0, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_showcase_form_with_image(client_for, consumer, published_dataset, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    acme = consumer.organizations.get()
    response = client_for(consumer).post(
        reverse("demand:showcase_create"),
        {
            "organization": acme.pk,
            "title": "Traffic dashboard",
            "kind": "visualisation",
            "description": "Charts **of traffic**.",
            "url": "https://app.example/",
            "image": SimpleUploadedFile("chart.png", _png(), content_type="image/png"),
            "image_alt": "A chart",
            "datasets": published_dataset.slug,
            "publish": "on",
        },
    )
    showcase = Showcase.objects.get()
    assert response.status_code == 302 and response["Location"] == showcase.get_absolute_url()
    assert showcase.status == "published" and showcase.image.name.endswith(".jpg")
    assert list(showcase.datasets.all()) == [published_dataset]
    page = client_for(None).get(published_dataset.get_absolute_url()).content.decode()
    assert "Traffic dashboard" in page  # the dataset page lists the showcases using it
    bad = client_for(consumer).post(
        reverse("demand:showcase_create"),
        {
            "organization": acme.pk,
            "title": "X",
            "kind": "api",
            "description": "x",
            "datasets": "no-such-dataset",
        },
    )
    assert bad.status_code == 200 and "Unknown datasets: no-such-dataset" in bad.content.decode()


def test_dataset_page_panel_costs_a_fixed_number_of_queries(
    client_for, consumer, publisher_org, published_dataset
):
    acme = consumer.organizations.get()
    others = [
        PublishedDatasetFactory(
            publisher=publisher_org, title=f"Rotterdam traffic {i}", keywords=["traffic"], themes=["TRAN"]
        )
        for i in range(6)
    ]

    def queries() -> int:
        client = client_for(consumer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(published_dataset.get_absolute_url()).status_code == 200
        return len(captured)

    ShowcaseFactory(organization=acme, datasets=[published_dataset, others[0]])
    DataRequestFactory(
        organization=acme,
        status="fulfilled",
        fulfilled_dataset=published_dataset,
        fulfilled_at=timezone.now(),
    )
    similar_compute(dataset_id=published_dataset.pk)
    queries()  # warm the per-process caches (vocabularies, counts)
    first = queries()
    for i in range(1, 5):
        ShowcaseFactory(organization=acme, datasets=[published_dataset, others[i]])
        DataRequestFactory(
            organization=acme,
            status="fulfilled",
            fulfilled_dataset=published_dataset,
            fulfilled_at=timezone.now(),
        )
    similar_compute(dataset_id=published_dataset.pk)
    assert queries() == first
    page = client_for(None).get(published_dataset.get_absolute_url()).content.decode()
    assert 'data-testid="similar-datasets"' in page and 'data-testid="used-with"' in page


def test_home_suggestions_from_subscriptions_and_requests(
    client_for, consumer, published_dataset, publisher_org
):
    from marketplace.models import Subscription

    acme = consumer.organizations.get()
    related = PublishedDatasetFactory(
        publisher=publisher_org, title="Rotterdam traffic counts", keywords=["traffic"], themes=["TRAN"]
    )
    Subscription.objects.create(user=consumer, organization=acme, dataset=published_dataset)
    similar_compute(dataset_id=published_dataset.pk)
    page = client_for(consumer).get(reverse("catalog:home")).content.decode()
    assert 'data-testid="home-suggestions"' in page and "Rotterdam traffic counts" in page
    assert related.get_absolute_url() in page
    # Already subscribed: not suggested again.
    suggestions = page.split('data-testid="home-suggestions"')[1].split("</ul>")[0]
    assert published_dataset.title not in suggestions


def test_metrics_hooks(consumer, other_editor, other_org):
    acme = consumer.organizations.get()
    dataset = PublishedDatasetFactory(publisher=other_org, slug="turku-x")
    data_request = services.data_request_create(
        actor=consumer, organization=acme, title="Parking Turku", description="d"
    )
    DataRequest.objects.filter(pk=data_request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=4)
    )
    services.data_request_respond(
        data_request=data_request, actor=other_editor, status="fulfilled", dataset=dataset
    )
    services.data_request_create(
        actor=consumer, organization=acme, title="Parking occupancy Vilnius", description="d"
    )
    start = timezone.now() - datetime.timedelta(days=60)
    rows = metrics.requests_per_month(start=start, end=timezone.now() + datetime.timedelta(days=1))
    assert sum(r["opened"] for r in rows) == 2 and sum(r["fulfilled"] for r in rows) == 1
    assert metrics.median_days_to_fulfil() == pytest.approx(4, abs=0.01)
    assert metrics.median_days_to_fulfil(organizations=[acme]) is None
    assert [r.title for r in metrics.open_requests_for_search("parking occupancy vilnius")] == [
        "Parking occupancy Vilnius"
    ]
    ShowcaseFactory(organization=acme, datasets=[dataset])
    assert metrics.showcases_per_dataset() == [(dataset, 1)]


def test_the_requester_edits_an_active_request(client_for, consumer, editor):
    acme = consumer.organizations.get()
    data_request = services.data_request_create(
        actor=consumer, organization=acme, title="Old title", description="d", bbox=(1, 2, 3, 4)
    )
    form = client_for(consumer).get(reverse("demand:request_edit", args=[data_request.pk])).content.decode()
    assert 'value="Old title"' in form and 'value="1.0,2.0,3.0,4.0"' in form
    saved = client_for(consumer).post(
        reverse("demand:request_edit", args=[data_request.pk]),
        {"organization": acme.pk, "title": "New title", "description": "More detail", "themes": ["ENVI"]},
    )
    assert saved.status_code == 302
    data_request.refresh_from_db()
    assert (data_request.title, data_request.bbox) == ("New title", None)
    assert [t.pk for t in data_request.themes.all()] == ["ENVI"]
    refused = client_for(editor).post(
        reverse("demand:request_edit", args=[data_request.pk]), {"title": "Hijacked", "description": "x"}
    )
    assert refused.status_code == 302
    data_request.refresh_from_db()
    assert data_request.title == "New title"


def test_a_failed_search_points_to_the_open_requests(rf, consumer):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    acme = consumer.organizations.get()
    services.data_request_create(
        actor=consumer, organization=acme, title="Parking occupancy Vilnius", description="d"
    )
    request = rf.get("/datasets/?q=parking+occupancy+vilnius")
    request.user = AnonymousUser()
    html = Template("{% load demand_tags %}{% search_requests q %}").render(
        Context({"request": request, "q": "parking occupancy vilnius"})
    )
    assert "Parking occupancy Vilnius" in html
    assert "/requests/new/?q=parking%20occupancy%20vilnius" in html


def test_coordinators_see_showcases_per_programme(client_for, consumer, publisher_org, published_dataset):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(slug="sctwins", name="Smart City Digital Twins")
    programme.organizations.add(publisher_org)
    acme = consumer.organizations.get()
    ShowcaseFactory(organization=acme, title="Uses Rotterdam data", datasets=[published_dataset])
    ShowcaseFactory(organization=acme, title="Uses nothing of the programme")
    page = client_for(None).get(reverse("demand:showcase_list"), {"programme": "sctwins"}).content.decode()
    assert "Uses Rotterdam data" in page and "Uses nothing of the programme" not in page
    assert "Smart City Digital Twins" in page  # the programme filter offers it


def test_vote_without_javascript_returns_to_a_local_page_only(client_for, consumer, editor):
    data_request = DataRequestFactory(organization=consumer.organizations.get())
    url = reverse("demand:request_vote", args=[data_request.pk])
    back = client_for(editor).post(url, {"next": "/requests/?q=x"})
    assert back["Location"] == "/requests/?q=x"
    elsewhere = client_for(editor).post(url, {"vote": "0", "next": "//evil.example/"})
    assert elsewhere["Location"] == data_request.get_absolute_url()
    swapped = client_for(editor).post(url, {"next": "/requests/"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="next" value="/requests/"' in swapped and 'aria-pressed="true"' in swapped


def test_similar_datasets_command(publisher_org, published_dataset):
    from django.core.management import CommandError, call_command

    from marketplace.demand.models import DatasetSimilarity

    PublishedDatasetFactory(
        publisher=publisher_org, title="Rotterdam traffic counts", keywords=["traffic"], themes=["TRAN"]
    )
    out = io.StringIO()
    call_command("similar_datasets", published_dataset.slug, stdout=out)
    assert out.getvalue() == f"{published_dataset.slug}: 1 similar datasets\n"
    call_command("similar_datasets", stdout=out)
    assert "recomputed for 2 published datasets" in out.getvalue()
    assert DatasetSimilarity.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("similar_datasets", "no-such-dataset")
