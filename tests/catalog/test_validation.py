"""Bad input is refused with a clear message naming the field, and nothing broken is stored."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from catalog.forms import DatasetForm, DistributionForm
from catalog.markdown import render_markdown
from catalog.models import Dataset, Distribution
from catalog.uploads import upload_too_large
from catalog.validators import validate_markdown

pytestmark = pytest.mark.django_db

NEW = "/dashboard/datasets/new/"


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def editor_client(client_for, editor):
    return client_for(editor)


def dataset_form(publisher, **overrides) -> dict:
    data = {
        "publisher": publisher.pk,
        "title": "Parking occupancy",
        "description": "Free places per garage.",
        "access_rights": "PUBLIC",
        "licence": "cc-by",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_dataset(client, publisher, **overrides):
    response = client.post(NEW, dataset_form(publisher, **overrides))
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response, response.context["form"]


# --- The dataset form --------------------------------------------------------------------------------


def test_missing_title(editor_client, publisher_org):
    response, form = post_dataset(editor_client, publisher_org, title="")

    assert form.errors["title"] == ["This field is required."]
    assert "Please correct the fields marked below." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Dataset.objects.exists()


def test_duplicate_slug(editor_client, publisher_org, published_dataset):
    _response, form = post_dataset(editor_client, publisher_org, slug=published_dataset.slug)

    assert form.errors["slug"] == ["Dataset with this URL name already exists."]
    assert Dataset.objects.count() == 1


def test_reserved_slug(editor_client, publisher_org):
    _response, form = post_dataset(editor_client, publisher_org, slug="new")

    assert "reserved" in form.errors["slug"][0]


@pytest.mark.parametrize("field", ["landing_page", "conforms_to"])
@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/x"])
def test_non_web_urls_in_the_dataset_form(editor_client, publisher_org, field, url):
    response, form = post_dataset(editor_client, publisher_org, **{field: url})

    assert form.errors[field] == ["Enter a web address starting with http:// or https://."]
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Dataset.objects.exists()


def test_script_in_the_description(editor_client, publisher_org):
    _response, form = post_dataset(editor_client, publisher_org, description="Hi <script>alert(1)</script>")

    assert form.errors["description"] == ["HTML <script> tags are not allowed."]
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<img src="x" onerror="alert(1)">', "HTML event handlers (on…=) are not allowed."),
        ("[click](javascript:alert(1))", "Links with the javascript: scheme are not allowed."),
        ("[click](data:text/html;base64,PHNjcmlwdD4=)", "Links with the data: scheme are not allowed."),
        ("<iframe src=https://evil.example></iframe>", "HTML <iframe> tags are not allowed."),
    ],
)
def test_unsafe_markdown_is_refused(text, message):
    with pytest.raises(ValidationError) as exc:
        validate_markdown(text)

    assert exc.value.messages == [message]


def test_ordinary_markdown_is_accepted():
    validate_markdown("**Bold**, a [link](https://example.org), `code` and <em>inline html</em>.")


@pytest.mark.parametrize(
    ("bbox", "field"),
    [
        ({"bbox_west": 4.3}, "bbox_south"),
        ({"bbox_west": 4.3, "bbox_south": 51.8, "bbox_east": 4.6}, "bbox_north"),
        ({"bbox_south": 51.8, "bbox_east": 4.6, "bbox_north": 52.0}, "bbox_west"),
    ],
)
def test_bbox_with_only_some_sides(editor_client, publisher_org, bbox, field):
    _response, form = post_dataset(editor_client, publisher_org, **bbox)

    assert form.errors[field] == ["Give all four sides of the bounding box, or none."]
    assert not Dataset.objects.exists()


def test_bbox_south_of_north(editor_client, publisher_org):
    _response, form = post_dataset(
        editor_client, publisher_org, bbox_west=4.3, bbox_south=52.0, bbox_east=4.6, bbox_north=51.8
    )

    assert form.errors["bbox_south"] == ["The southern edge must not be north of the northern edge."]
    assert not Dataset.objects.exists()


def test_bbox_out_of_range(editor_client, publisher_org):
    _response, form = post_dataset(
        editor_client, publisher_org, bbox_west=-200, bbox_south=51.8, bbox_east=4.6, bbox_north=91
    )

    assert "bbox_west" in form.errors
    assert "bbox_north" in form.errors


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        ("{not json", "This is not valid JSON."),
        ('{"type": "Circle", "coordinates": [4, 52]}', "Enter a GeoJSON geometry of type"),
        ('{"type": "Point", "coordinates": [400, 52]}', "Coordinates must be longitude"),
        ('{"type": "Point", "coordinates": ["4", "52"]}', "Each position must be a list of numbers"),
        ('{"type": "Polygon", "coordinates": [1, 2]}', "Coordinates are nested incorrectly"),
        ("[1, 2]", "Enter a GeoJSON geometry of type"),
    ],
)
def test_invalid_geojson(editor_client, publisher_org, geojson, message):
    _response, form = post_dataset(editor_client, publisher_org, spatial_geojson=geojson)

    assert message in " ".join(form.errors["spatial_geojson"])
    assert not Dataset.objects.exists()


def test_geojson_feature_is_unwrapped_and_gives_the_bbox(editor_client, publisher_org):
    feature = (
        '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [4.48, 51.92]}}'
    )

    response = editor_client.post(NEW, dataset_form(publisher_org, spatial_geojson=feature))

    assert response.status_code == 302
    dataset = Dataset.objects.get()
    assert dataset.spatial_geojson == {"type": "Point", "coordinates": [4.48, 51.92]}
    assert dataset.bbox == (4.48, 51.92, 4.48, 51.92)


def test_temporal_end_before_start(publisher_org, editor):
    form = DatasetForm(
        dataset_form(publisher_org, temporal_start="2024-05-01", temporal_end="2024-01-01"), user=editor
    )

    assert not form.is_valid()
    assert form.errors["temporal_end"] == ["The end of the time period must not be before its start."]


def test_bad_language_codes(editor_client, publisher_org):
    _response, form = post_dataset(editor_client, publisher_org, languages="english, nl")

    assert form.errors["languages"] == ["Use two-letter language codes such as en, fi, nl."]


# --- The distribution form and uploads ---------------------------------------------------------------


def distribution_url(dataset) -> str:
    return f"/dashboard/datasets/{dataset.slug}/distributions/new/"


@pytest.mark.parametrize("field", ["access_url", "download_url"])
def test_non_web_url_in_the_distribution_form(editor_client, draft_dataset, field):
    response = editor_client.post(
        distribution_url(draft_dataset), {"title": "API", "status": "Completed", field: "javascript:alert(1)"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Enter a web address starting with http:// or https://."
    ]
    assert draft_dataset.distributions.count() == 1


def test_distribution_needs_a_link_or_a_file(editor_client, draft_dataset):
    response = editor_client.post(
        distribution_url(draft_dataset), {"title": "Nothing", "status": "Completed"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["access_url"] == [
        "Give an access URL, a download URL or upload a file."
    ]


def test_distribution_form_refuses_a_file_over_the_limit(settings, draft_dataset):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.csv", b"x" * 50_000, content_type="text/csv")

    form = DistributionForm({"title": "Big", "status": "Completed"}, {"file": big})

    assert not form.is_valid()
    assert form.errors["file"] == ["The file is larger than the limit of 0 MB."]


def test_upload_over_the_limit_through_the_page(settings, editor_client, draft_dataset):
    """The upload handler cuts the request off; the page says why and stores neither a row nor a file."""
    settings.UPLOAD_MAX_BYTES = 1024
    files_before = stored_files()

    response = editor_client.post(
        distribution_url(draft_dataset),
        {
            "title": "Too big",
            "status": "Completed",
            "access_url": "https://example.org/also-a-link",
            "file": SimpleUploadedFile("big.csv", b"x" * 50_000, content_type="text/csv"),
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == ["The file is larger than the limit of 0 MB."]
    assert form["title"].value() == "Too big"  # fields sent before the file survive
    assert "The file is larger than the limit" in response.content.decode()
    assert draft_dataset.distributions.count() == 1
    assert not Distribution.objects.filter(title="Too big").exists()
    assert stored_files() == files_before


def test_upload_under_the_limit_through_the_page(settings, editor_client, draft_dataset):
    settings.UPLOAD_MAX_BYTES = 1024

    response = editor_client.post(
        distribution_url(draft_dataset),
        {"title": "Small", "status": "Completed", "file": SimpleUploadedFile("small.csv", b"a,b\n1,2\n")},
    )

    assert response.status_code == 302
    assert Distribution.objects.get(title="Small").byte_size == 8


def test_size_limit_upload_handler(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    factory = RequestFactory()

    small = factory.post("/", {"title": "ok", "file": SimpleUploadedFile("a.csv", b"a" * 1000)})
    assert list(small.FILES) == ["file"]
    assert not upload_too_large(small)

    big = factory.post("/", {"title": "cut", "file": SimpleUploadedFile("b.csv", b"b" * 50_000)})
    assert list(big.FILES) == []
    assert big.POST["title"] == "cut"
    assert upload_too_large(big)


def test_size_limit_upload_handler_refuses_a_huge_declared_body_without_reading_it(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    request = RequestFactory().post("/", {"file": SimpleUploadedFile("c.bin", b"c" * (1024 * 1024 + 4096))})

    assert list(request.FILES) == []
    assert upload_too_large(request)


# --- Markdown rendering sanitises what is already in the database ------------------------------------


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("Hello <script>alert(1)</script>", ["<script", "alert(1)"]),
        ('<img src="x" onerror="alert(1)">', ["<img", "onerror"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
        ('<p onclick="alert(1)">x</p>', ["onclick"]),
        ("<iframe src=https://evil.example></iframe>", ["<iframe"]),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", ["data:"]),
        ('<svg onload="alert(1)"></svg>', ["<svg", "onload"]),
    ],
)
def test_render_markdown_strips_dangerous_html(text, forbidden):
    html = render_markdown(text)

    for fragment in forbidden:
        assert fragment not in html


def test_render_markdown_keeps_ordinary_formatting():
    html = render_markdown("# Title\n\n**Bold** and [a link](https://example.org).\n\n- one\n- two")

    assert "<h2>Title</h2>" in html  # h1 is the page's own heading
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert "<li>one</li>" in html


def test_dataset_page_sanitises_a_stored_description(client_for, published_dataset):
    Dataset.objects.filter(pk=published_dataset.pk).update(
        description='Read <script>alert("xss")</script> <img src=x onerror=alert(2)> '
        "[me](javascript:alert(3))"
    )

    body = client_for(None).get(published_dataset.get_absolute_url()).content.decode()
    page = body.split("</head>", 1)[1]  # the head's JSON-LD carries the text as JSON data

    assert "Read" in page
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert 'href="javascript:' not in page
