"""The dataset page: schema.org JSON-LD for search engines, rendered description, editor controls."""

import json
import re
from datetime import date

import pytest

from catalog.models import Dataset

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(re.escape('<script type="application/ld+json">') + r"(.*?)</script>", re.S)


def json_ld_blocks(body: str) -> list[str]:
    return JSON_LD.findall(body)


def page(client, dataset) -> str:
    response = client.get(dataset.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_schema_org_dataset(client_for, published_dataset):
    Dataset.objects.filter(pk=published_dataset.pk).update(
        temporal_start=date(2024, 1, 1),
        bbox_west=4.3,
        bbox_south=51.8,
        bbox_east=4.6,
        bbox_north=52.0,
        spatial_name="Rotterdam",
    )

    [block] = json_ld_blocks(page(client_for(None), published_dataset))
    data = json.loads(block)

    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "Dataset"
    assert data["name"] == "Rotterdam traffic flow"
    assert data["url"] == "http://testserver/datasets/rotterdam-traffic-flow/"
    assert data["keywords"] == ["traffic"]
    assert data["publisher"] == {"@type": "Organization", "name": "Rotterdam"}
    assert data["license"] == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert data["temporalCoverage"] == "2024-01-01/.."
    assert data["spatialCoverage"]["geo"]["box"] == "51.8 4.3 52.0 4.6"
    assert data["distribution"][0]["contentUrl"] == "https://data.example.org/service"


def test_schema_org_points_to_the_download_view_for_files(client_for, member, draft_dataset):
    [block] = json_ld_blocks(page(client_for(member), draft_dataset))
    distribution = draft_dataset.distributions.get()

    assert json.loads(block)["distribution"][0]["contentUrl"] == f"http://testserver{distribution.file_url}"


def test_json_ld_cannot_be_broken_out_of(client_for, published_dataset):
    """Harvested or legacy text may hold `</script>`: it must stay data inside the JSON-LD block."""
    evil = '</script><script>alert("title")</script>'
    Dataset.objects.filter(pk=published_dataset.pk).update(
        title=evil, description="x </SCRIPT><img src=x onerror=alert(1)> </script >"
    )

    body = page(client_for(None), published_dataset)
    [block] = json_ld_blocks(body)

    assert json.loads(block)["name"] == evil
    assert json.loads(block)["description"].startswith("x </SCRIPT>")
    head = body.split("</head>", 1)[0]
    assert head.lower().count("</script") == 1  # the block ends only where the template ends it


def test_json_ld_escapes_html_comment_openers(client_for, published_dataset):
    Dataset.objects.filter(pk=published_dataset.pk).update(title="<!--<script>")

    [block] = json_ld_blocks(page(client_for(None), published_dataset))

    assert "<!--" not in block
    assert "<script" not in block


def test_description_is_rendered_as_sanitised_markdown(client_for, published_dataset):
    Dataset.objects.filter(pk=published_dataset.pk).update(
        description="Counts by **hour**, see [docs](https://x.example)."
    )

    body = page(client_for(None), published_dataset)

    assert "<strong>hour</strong>" in body
    assert 'href="https://x.example" rel="nofollow noopener noreferrer"' in body


def test_editor_sees_the_controls_outsiders_do_not(client_for, editor, consumer, published_dataset):
    edit_link = f"/dashboard/datasets/{published_dataset.slug}/edit/"

    assert edit_link in page(client_for(editor), published_dataset)
    assert edit_link not in page(client_for(consumer), published_dataset)
    assert edit_link not in page(client_for(None), published_dataset)


def test_draft_banner_for_the_organisation(client_for, member, draft_dataset):
    assert "This is a draft" in page(client_for(member), draft_dataset)
