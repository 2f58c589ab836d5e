"""The preview tab on the dataset page, its htmx fragment (escaped, CSP), the API, access rules for
restricted data and the publisher's sample form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.previews.choices import PreviewSource
from catalog.previews.models import Preview, PreviewSample

from . import files

pytestmark = pytest.mark.django_db


def fragment_url(distribution, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/previews/distributions/{distribution.pk}/" + (f"?{query}" if query else "")


def api_url(distribution):
    return f"/api/v1/distributions/{distribution.pk}/preview/"


def test_dataset_page_has_a_preview_tab_per_distribution(client_for, open_dataset, add_file):
    first = add_file(open_dataset, "air.csv", files.csv_bytes())
    second = add_file(open_dataset, "stops.geojson", files.geojson_bytes())
    html = client_for(None).get(open_dataset.get_absolute_url()).content.decode()
    for distribution in (first, second):
        assert f'hx-get="{fragment_url(distribution)}"' in html
        assert f'aria-controls="preview-{distribution.pk}"' in html
    assert html.count("previews/preview.js") == 1
    # The dataset's extent map is still there.
    assert 'id="dataset-map"' in html


def test_table_fragment_is_escaped_with_real_headers_and_a_csp(client_for, open_dataset, add_file):
    content = (
        b"name,formula,note\n"
        b'<script>alert(1)</script>,=HYPERLINK("http://x"),"<img src=x onerror=alert(2)>"\n'
    )
    distribution = add_file(open_dataset, "hostile.csv", content)
    response = client_for(None).get(fragment_url(distribution))
    assert response.status_code == 200
    assert "default-src 'none'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "=HYPERLINK(&quot;http://x&quot;)" in html
    assert '<th scope="col">name <span class="tp-coltype">text</span></th>' in html
    assert "<caption" in html


def test_chart_has_a_text_alternative(client_for, open_dataset, add_file):
    distribution = add_file(open_dataset, "air.csv", files.csv_bytes(rows=48))
    html = client_for(None).get(fragment_url(distribution)).content.decode()
    assert '<svg class="tp-chart"' in html
    assert 'role="img" aria-label="Line chart of pm10, no2 over measured_at"' in html
    assert "Chart data as a table" in html
    assert "<polyline" in html


def test_map_fragment_carries_features_and_the_dataset_extent(client_for, open_dataset, add_file):
    distribution = add_file(open_dataset, "stops.geojson", files.geojson_bytes())
    html = client_for(None).get(fragment_url(distribution)).content.decode()
    assert 'class="tp-preview-map' in html
    assert "data-features=" in html and "&quot;FeatureCollection&quot;" in html
    assert "Station &lt;b&gt;Blaak&lt;/b&gt;" in html  # properties escaped in the attribute and the table
    assert "data-extent=" in html and "4.4" in html
    assert 'aria-label="Map of 3 features of the file, with the dataset’s extent outlined"' in html


def test_cityjson_legend_and_json_tree_and_image(client_for, open_dataset, add_file):
    city = add_file(open_dataset, "city.city.json", files.cityjson_bytes())
    html = client_for(None).get(fragment_url(city)).content.decode()
    assert "Building (2)" in html and "Road (1)" in html
    assert 'data-geographic="true"' in html and "converted from EPSG:7415" in html
    swiss = add_file(open_dataset, "zurich.city.json", files.cityjson_bytes("urn:ogc:def:crs:EPSG::2056"))
    html = client_for(None).get(fragment_url(swiss)).content.decode()
    assert 'data-geographic="false"' in html and "coordinates in EPSG:2056, drawn without a base map" in html
    tree = add_file(open_dataset, "sensors.json", files.json_bytes())
    html = client_for(None).get(fragment_url(tree)).content.decode()
    assert '<details open><summary><span class="tp-json-type">{} 3 keys</span>' in html
    image = add_file(open_dataset, "photo.png", files.png_bytes(800, 600))
    html = client_for(None).get(fragment_url(image)).content.decode()
    assert f'src="/previews/distributions/{image.pk}/data/thumbnail.png"' in html
    response = client_for(None).get(f"/previews/distributions/{image.pk}/data/thumbnail.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_unavailable_preview_shows_the_reason(client_for, open_dataset, add_file):
    distribution = add_file(open_dataset, "bomb.zip", files.zip_bomb())
    html = client_for(None).get(fragment_url(distribution)).content.decode()
    assert "Preview not available." in html and "zip bomb" in html


def test_pending_preview_polls(client_for, open_dataset, editor):
    from catalog.previews import services
    from tests.factories import FileDistributionFactory

    distribution = FileDistributionFactory(dataset=open_dataset)
    # Queued (the task runs when the request's transaction commits, which this test never does).
    services.preview_request(distribution=distribution)
    html = client_for(None).get(fragment_url(distribution)).content.decode()
    assert "Preparing the preview" in html and 'hx-trigger="load delay:1.5s"' in html


def test_api_returns_the_preview_json(client_for, open_dataset, add_file):
    distribution = add_file(open_dataset, "air.csv", files.csv_bytes(rows=3))
    response = client_for(None).get(api_url(distribution))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["kind"], body["source"]) == ("ready", "table", "data")
    assert body["data"]["row_count"] == 3
    assert [c["name"] for c in body["data"]["columns"]][:2] == ["station", "measured_at"]


def test_api_pending_is_202(client_for, open_dataset):
    from tests.factories import FileDistributionFactory

    distribution = FileDistributionFactory(dataset=open_dataset)
    response = client_for(None).get(api_url(distribution))
    assert response.status_code == 202
    assert response.json()["status"] == "pending"


def test_drafts_are_404_for_outsiders(client_for, draft_dataset, consumer):
    distribution = draft_dataset.distributions.get()
    assert client_for(consumer).get(fragment_url(distribution)).status_code == 404
    assert client_for(None).get(api_url(distribution)).status_code == 404


def test_restricted_data_is_previewed_only_for_entitled_people(
    client_for, restricted_dataset, add_file, editor, consumer
):
    distribution = add_file(restricted_dataset, "energy.csv", files.csv_bytes(rows=4))
    # Not entitled, no sample: nothing is generated from the real data.
    assert client_for(consumer).get(api_url(distribution)).status_code == 404
    html = client_for(None).get(fragment_url(distribution)).content.decode()
    assert "Preview not available." in html and "has not provided a sample" in html
    assert not Preview.objects.filter(distribution=distribution).exists()
    # A member of the publisher is entitled: the real data is previewed.
    response = client_for(editor).get(api_url(distribution))
    assert response.status_code in (200, 202)
    assert Preview.objects.get(distribution=distribution).source == PreviewSource.DATA


def test_an_entitled_consumer_sees_the_data(client_for, restricted_dataset, add_file, consumer, editor):
    from marketplace import services as market

    distribution = add_file(restricted_dataset, "energy.csv", files.csv_bytes(rows=4))
    organization = consumer.memberships.get().organization
    request = market.access_request_create(
        dataset=restricted_dataset, requester=consumer, organization=organization, purpose="Energy study"
    )
    market.access_request_approve(access_request=request, approver=editor)
    body = client_for(consumer).get(api_url(distribution)).json()
    assert body["source"] == "data"


def test_sample_form_and_public_sample_preview(
    client_for, restricted_dataset, add_file, editor, consumer, django_capture_on_commit_callbacks
):
    distribution = add_file(restricted_dataset, "energy.csv", files.csv_bytes(rows=50))
    url = f"/previews/distributions/{distribution.pk}/sample/"
    assert client_for(consumer).get(url).status_code == 404
    editor_client = client_for(editor)
    assert editor_client.get(url).status_code == 200
    # Neither a file nor a URL: an error, nothing saved.
    response = editor_client.post(url, {"description": "x"})
    assert response.status_code == 200 and "one of them" in response.content.decode()
    upload = SimpleUploadedFile("sample.csv", b"building,kwh\nA,12\nB,15\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"description": "Two buildings", "file": upload})
    assert response.status_code == 302
    assert PreviewSample.objects.get(distribution=distribution).description == "Two buildings"
    # Anyone previews the sample (not the data).
    body = client_for(consumer).get(api_url(distribution)).json()
    assert (body["source"], body["status"], body["data"]["rows"]) == (
        "sample",
        "ready",
        [["A", "12"], ["B", "15"]],
    )
    html = client_for(None).get(fragment_url(distribution)).content.decode()
    assert "Preview of a sample provided by the publisher" in html
    assert not Preview.objects.filter(distribution=distribution, source=PreviewSource.DATA).exists()
    # The sample file itself is public.
    download = client_for(None).get(f"/previews/distributions/{distribution.pk}/sample/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"building,kwh")


def test_sample_too_large_is_refused(client_for, restricted_dataset, add_file, editor, settings):
    settings.UPLOAD_MAX_BYTES = 100
    distribution = add_file(restricted_dataset, "energy.csv", b"a\n1\n")
    upload = SimpleUploadedFile("sample.csv", b"x" * 500, content_type="text/csv")
    response = client_for(editor).post(f"/previews/distributions/{distribution.pk}/sample/", {"file": upload})
    assert response.status_code == 200
    assert "larger than the limit" in response.content.decode()
    assert not PreviewSample.objects.exists()


def test_sample_api(
    client_for, restricted_dataset, add_file, editor, consumer, token_for, django_capture_on_commit_callbacks
):
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    distribution = add_file(restricted_dataset, "energy.csv", files.csv_bytes())
    url = api_url(distribution) + "sample/"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(editor, scopes=('read', 'publish'))}")
    response = client.put(url, {"url": "ftp://example.org/x"}, content_type="application/json")
    assert response.status_code == 400 and "url" in response.json()
    response = client.put(url, {}, content_type="application/json")
    assert response.status_code == 400 and "file" in response.json()
    # A read-only token may not set it; an outsider gets 404.
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(editor, scopes=('read',))}")
    assert (
        reader.put(url, {"url": "https://example.org/s.csv"}, content_type="application/json").status_code
        == 403
    )
    outsider = client_for(consumer).put(
        url, {"url": "https://example.org/s.csv"}, content_type="application/json"
    )
    assert outsider.status_code == 404
    body = encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("s.csv", b"a,b\n1,2\n"), "description": "Tiny"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put(url, body, content_type=MULTIPART_CONTENT)
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Tiny"
    preview = client_for(None).get(api_url(distribution)).json()
    assert (preview["source"], preview["data"]["rows"]) == ("sample", [["1", "2"]])
    assert client.delete(url).status_code == 204
    assert not PreviewSample.objects.filter(distribution=distribution).exists()
    assert client_for(None).get(api_url(distribution)).status_code == 404


def test_openapi_documents_the_preview_endpoint(client_for):
    schema = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/distributions/{id}/preview/" in schema
    assert "/api/v1/distributions/{id}/preview/sample/" in schema


def test_no_preview_tab_for_a_service_without_a_sample(client_for, published_dataset):
    html = client_for(None).get(published_dataset.get_absolute_url()).content.decode()
    assert "tp-preview-toggle" not in html and "previews/preview.js" not in html
