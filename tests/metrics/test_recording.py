"""Usage events: what is recorded for which use, what is not (robots, repeats), and that recording
never fails a request."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from marketplace.metrics import recorder
from marketplace.metrics.choices import EventKind
from marketplace.metrics.models import Event

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}

pytestmark = pytest.mark.django_db


def kinds():
    return sorted(Event.objects.values_list("kind", flat=True))


def test_dataset_page_view_is_one_event_of_its_publisher(client, published_dataset):
    response = client.get(published_dataset.get_absolute_url(), **BROWSER)
    assert response.status_code == 200
    event = Event.objects.get(kind=EventKind.VIEW)
    assert (event.object_type, event.object_id) == ("dataset", published_dataset.pk)
    assert event.publisher_id == published_dataset.publisher_id
    assert event.consumer_id == 0
    assert len(event.visitor) == 16


def test_no_ip_address_is_stored(client, published_dataset):
    client.get(published_dataset.get_absolute_url(), REMOTE_ADDR="203.0.113.77", **BROWSER)
    row = Event.objects.values().get()
    assert not any("203.0.113" in str(value) for value in row.values())


def test_robots_are_not_counted(client, published_dataset):
    client.get(
        published_dataset.get_absolute_url(),
        HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)",
    )
    client.get(published_dataset.get_absolute_url())  # no user agent at all
    assert kinds() == []


def test_a_repeat_within_the_window_counts_once(client, published_dataset, settings):
    for _ in range(3):
        client.get(published_dataset.get_absolute_url(), **BROWSER)
    assert kinds() == ["view"]
    settings.METRICS_DEDUPE_SECONDS = 0
    client.get(published_dataset.get_absolute_url(), **BROWSER)
    assert kinds() == ["view", "view"]


def test_a_signed_in_user_counts_for_their_organisation(client_for, consumer, published_dataset):
    client_for(consumer).get(published_dataset.get_absolute_url(), **BROWSER)
    event = Event.objects.get()
    assert event.consumer_id == consumer.memberships.get().organization_id
    assert event.visitor == recorder.user_visitor(consumer)


def test_hidden_dataset_is_404_and_not_counted(client, draft_dataset):
    assert client.get(draft_dataset.get_absolute_url(), **BROWSER).status_code == 404
    assert kinds() == []


def test_search_records_words_filters_and_results(client, published_dataset):
    params = {"q": "  Parking  Occupancy Vilnius", "theme": "TRAN"}
    client.get(reverse("catalog:dataset_list"), params, **BROWSER)
    event = Event.objects.get(kind=EventKind.SEARCH)
    assert event.query == "parking occupancy vilnius"
    assert event.filters == "theme=TRAN"
    assert event.results == 0
    assert event.channel == "ui"


def test_browsing_without_words_or_filters_is_no_search(client, published_dataset):
    client.get(reverse("catalog:dataset_list"), **BROWSER)
    client.get(reverse("catalog:dataset_list"), {"q": "noise", "page": "2"}, **BROWSER)
    assert kinds() == []


def test_api_calls_count_per_group_token_and_subject(api_client, consumer, token_for, published_dataset):
    secret = token_for(consumer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api_client.get(f"/api/v1/datasets/{published_dataset.slug}/")
    api_client.get("/api/v1/datasets/", {"q": "noise"})
    calls = list(Event.objects.filter(kind=EventKind.API_CALL).order_by("id"))
    assert [c.channel for c in calls] == ["datasets", "datasets"]
    assert calls[0].object_id == published_dataset.pk
    assert calls[0].publisher_id == published_dataset.publisher_id
    assert calls[1].object_id == 0
    assert {c.token_id for c in calls} == {consumer.api_tokens.get().pk}
    assert {c.consumer_id for c in calls} == {consumer.memberships.get().organization_id}
    search = Event.objects.get(kind=EventKind.SEARCH)
    assert (search.query, search.channel) == ("noise", "api")


def test_ckan_calls_and_searches(client, published_dataset):
    client.get("/api/3/action/package_show", {"id": published_dataset.slug})
    client.get("/api/3/action/package_search", {"q": "tram", "fq": "organization:rotterdam"}, **BROWSER)
    calls = list(Event.objects.filter(kind=EventKind.API_CALL).order_by("id"))
    assert [c.channel for c in calls] == ["ckan", "ckan"]
    assert calls[0].object_id == published_dataset.pk
    search = Event.objects.get(kind=EventKind.SEARCH)
    assert (search.query, search.filters, search.channel) == ("tram", "organization:rotterdam", "ckan")


def test_anonymous_robots_api_calls_count_but_their_searches_do_not(client, published_dataset):
    client.get("/api/3/action/package_search", {"q": "tram"}, HTTP_USER_AGENT="python-requests/2.32")
    assert kinds() == ["api_call"]


def test_dcat_feed_is_an_api_call(client, published_dataset):
    client.get("/catalog.ttl")
    assert Event.objects.get().channel == "dcat"


def test_publishing_is_counted_once_committed(editor, draft_dataset, django_capture_on_commit_callbacks):
    from catalog import services

    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_publish(dataset=draft_dataset, actor=editor)
    event = Event.objects.get()
    assert (event.kind, event.object_id) == ("published", draft_dataset.pk)
    assert event.publisher_id == draft_dataset.publisher_id


def test_a_failing_store_never_fails_the_request(client, published_dataset, monkeypatch):
    def broken(rows):
        raise DatabaseError("metrics table is gone")

    monkeypatch.setattr(recorder, "_insert", broken)
    assert client.get(published_dataset.get_absolute_url(), **BROWSER).status_code == 200
    assert client.get("/api/v1/datasets/").status_code == 200


def test_metering_off_records_nothing(client, published_dataset, settings):
    settings.METRICS_ENABLED = False
    client.get(published_dataset.get_absolute_url(), **BROWSER)
    assert kinds() == []


def test_buffered_events_are_written_by_the_flush(client, published_dataset, settings):
    settings.METRICS_BUFFERED = True
    settings.METRICS_FLUSH_SECONDS = 0  # no flusher thread: only the explicit flush writes
    client.get(published_dataset.get_absolute_url(), **BROWSER)
    assert recorder.pending() == 1
    assert Event.objects.count() == 0
    assert recorder.flush() == 1
    assert kinds() == ["view"]


def test_a_full_buffer_drops_the_oldest(settings):
    settings.METRICS_BUFFERED = True
    settings.METRICS_FLUSH_SECONDS = 0
    settings.METRICS_BUFFER_MAX = 3
    for number in range(5):
        recorder.record(EventKind.SEARCH, query=f"q{number}")
    assert recorder.pending() == 3
    assert recorder.dropped() == 2
    recorder.flush()
    assert sorted(Event.objects.values_list("query", flat=True)) == ["q2", "q3", "q4"]


def test_a_failed_batch_is_kept_for_the_next_flush(settings, monkeypatch):
    settings.METRICS_BUFFERED = True
    settings.METRICS_FLUSH_SECONDS = 0
    recorder.record(EventKind.SEARCH, query="kept")
    real = recorder._insert
    monkeypatch.setattr(recorder, "_insert", lambda rows: (_ for _ in ()).throw(DatabaseError("down")))
    assert recorder.flush() == 0
    assert recorder.pending() == 1
    monkeypatch.setattr(recorder, "_insert", real)
    assert recorder.flush() == 1
    assert list(Event.objects.values_list("query", flat=True)) == ["kept"]


def test_data_export_and_account_deletion(client_for, consumer, published_dataset):
    from accounts.services import user_delete, user_export_data

    client_for(consumer).get(published_dataset.get_absolute_url(), **BROWSER)
    exported = user_export_data(user=consumer)["usage_events"]
    assert [(e["kind"], e["object_id"]) for e in exported] == [("view", published_dataset.pk)]
    pseudonym = recorder.user_visitor(consumer)
    user_delete(user=consumer)
    event = Event.objects.get()
    assert event.visitor not in ("", pseudonym)
    assert len(event.visitor) == 16


@pytest.mark.django_db(transaction=True)
def test_the_flusher_thread_writes_in_the_background(settings):
    import time

    settings.METRICS_BUFFERED = True
    settings.METRICS_FLUSH_SECONDS = 0.05
    recorder.record(EventKind.SEARCH, query="written by the thread")
    from django.db import OperationalError

    def written() -> bool:
        try:
            return Event.objects.exists()
        except OperationalError:  # SQLite's shared in-memory database: the thread holds the table
            return False

    deadline = time.monotonic() + 10
    while not written() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(Event.objects.values_list("query", flat=True)) == ["written by the thread"]
    assert recorder.pending() == 0


def test_following_a_distribution_link_counts_and_redirects(client, published_dataset):
    distribution = published_dataset.distributions.get()
    url = reverse("catalog:distribution_link", args=[published_dataset.slug, distribution.pk, "access"])
    page = client.get(published_dataset.get_absolute_url(), **BROWSER).content.decode()
    assert f'href="{url}"' in page
    response = client.get(url, **BROWSER)
    assert response.status_code == 302
    assert response["Location"] == distribution.access_url
    event = Event.objects.get(kind=EventKind.DOWNLOAD)
    assert (event.object_id, event.channel) == (published_dataset.pk, "access link")


def test_links_the_page_would_not_show_are_404(client, published_dataset, draft_dataset):
    distribution = published_dataset.distributions.get()

    for args in (
        [published_dataset.slug, distribution.pk, "nowhere"],
        [published_dataset.slug, 999_999, "access"],
        [draft_dataset.slug, distribution.pk, "access"],
    ):
        assert client.get(reverse("catalog:distribution_link", args=args), **BROWSER).status_code == 404
    if not distribution.download_url:
        url = reverse("catalog:distribution_link", args=[published_dataset.slug, distribution.pk, "download"])
        assert client.get(url, **BROWSER).status_code == 404
    assert not Event.objects.filter(kind=EventKind.DOWNLOAD).exists()


def test_restricted_data_links_are_404_without_access(client_for, consumer, approval_link_dataset):
    dataset, distribution = approval_link_dataset
    url = reverse("catalog:distribution_link", args=[dataset.slug, distribution.pk, "access"])
    assert client_for(consumer).get(url, **BROWSER).status_code == 404


@pytest.fixture
def approval_link_dataset(publisher_org, editor):
    from marketplace.choices import PolicyKind
    from marketplace.services import access_policy_set
    from tests.factories import DistributionFactory, PublishedDatasetFactory

    dataset = PublishedDatasetFactory(publisher=publisher_org, slug="needs-approval")
    distribution = DistributionFactory(dataset=dataset, access_url="https://data.example.org/api")
    access_policy_set(dataset=dataset, actor=editor, kind=PolicyKind.APPROVAL)
    return dataset, distribution
