"""The whole demo catalogue through the API: every package dict, sent back unchanged by package_update,
changes nothing; every facet and every state of the demo is expressible."""

import pytest

from catalog.demo import load_demo
from catalog.models import Dataset
from tests.catalog.ckan import call, result

pytestmark = pytest.mark.django_db

# What a no-op update may still move: the record's timestamps (and dct:modified of published datasets,
# which the service moves with every saved change).
MOVING = {"metadata_modified", "last_modified"}


def comparable(package: dict) -> dict:
    package = {key: value for key, value in package.items() if key not in MOVING}
    package["extras"] = [extra for extra in package["extras"] if extra["key"] != "modified"]
    package["resources"] = [
        {key: value for key, value in resource.items() if key not in MOVING}
        for resource in package["resources"]
    ]
    return package


def test_every_demo_package_survives_show_then_update(admin_user, token_for):
    load_demo()
    token = token_for(admin_user)
    slugs = list(Dataset.objects.order_by("slug").values_list("slug", flat=True))
    assert len(slugs) > 10
    for slug in slugs:
        before = result(call("package_show", {"id": slug}, token=token))
        after = result(call("package_update", before, token=token))
        assert comparable(after) == comparable(before), slug


def test_demo_search_with_every_facet(admin_user):
    load_demo()
    facets = [
        "organization",
        "groups",
        "tags",
        "res_format",
        "license_id",
        "city",
        "frequency",
        "access_rights",
    ]
    found = result(call("package_search", {"facet.field": facets, "facet.limit": -1, "rows": 1000}))
    assert found["count"] == Dataset.objects.published().count()
    for field in facets:
        for value, count in found["facets"][field].items():
            assert (
                result(call("package_search", {"fq": f'{field}:"{value}"', "rows": 0}))["count"] == count
            ), (
                field,
                value,
            )
