"""package_search: q, fq / fq_list, sort, rows / start, facets, include_private and visibility."""

from datetime import UTC, datetime

import pytest

from catalog.models import Dataset
from tests.catalog.ckan import call, error, result
from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type, licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(publisher_org, other_org, published_dataset, draft_dataset, withdrawn_dataset):
    """Three published datasets (two of Rotterdam, one of Turku), a draft and a withdrawn one of Rotterdam."""
    noise = PublishedDatasetFactory(
        publisher=publisher_org,
        title="Rotterdam noise map",
        slug="rotterdam-noise-map",
        keywords=["noise", "traffic"],
        themes=["ENVI", "TRAN"],
        licence=licence("odc-odbl"),
    )
    DistributionFactory(dataset=noise, title="Noise contours", format=file_type("GEOJSON"))
    DistributionFactory(dataset=noise, title="Noise table", format=file_type("CSV"))
    air = PublishedDatasetFactory(
        publisher=other_org,
        title="Turku air quality",
        slug="turku-air-quality",
        description="Hourly particulate matter readings.",
        keywords=["air quality", "sensors"],
        themes=["ENVI"],
        licence=licence("cc-zero"),
    )
    DistributionFactory(dataset=air, title="Readings", format=file_type("JSON"))
    stamps = {
        published_dataset.slug: datetime(2025, 1, 10, 12, tzinfo=UTC),
        noise.slug: datetime(2025, 3, 1, 8, tzinfo=UTC),
        air.slug: datetime(2025, 2, 1, 8, tzinfo=UTC),
    }
    for slug, moment in stamps.items():
        Dataset.objects.filter(slug=slug).update(updated_at=moment, created_at=moment)
    return {"traffic": published_dataset, "noise": noise, "air": air, "draft": draft_dataset}


def search(**params) -> dict:
    return result(call("package_search", params))


def names(found: dict) -> list[str]:
    return [package["name"] for package in found["results"]]


# --- q ------------------------------------------------------------------------------------------------


def test_no_query_and_match_all_list_every_published_dataset(catalogue):
    everything = {"rotterdam-traffic-flow", "rotterdam-noise-map", "turku-air-quality"}
    for params in ({}, {"q": "*:*"}, {"q": ""}, {"q": '""'}):
        found = search(**params)
        assert found["count"] == 3
        assert set(names(found)) == everything


def test_full_text_query_ranks_matches(catalogue):
    found = search(q="noise")
    assert names(found) == ["rotterdam-noise-map"]
    assert found["sort"] == "score desc, metadata_modified desc"
    assert search(q="particulate")["count"] == 1  # the description counts too


def test_field_clauses_inside_q_filter_like_fq(catalogue):
    assert names(search(q="tags:noise")) == ["rotterdam-noise-map"]
    assert names(search(q="rotterdam organization:rotterdam tags:traffic", sort="name asc")) == [
        "rotterdam-noise-map",
        "rotterdam-traffic-flow",
    ]


# --- fq ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:turku", {"turku-air-quality"}),
        ("owner_org:rotterdam", {"rotterdam-traffic-flow", "rotterdam-noise-map"}),
        ('tags:"air quality"', {"turku-air-quality"}),
        ("tags:traffic", {"rotterdam-traffic-flow", "rotterdam-noise-map"}),
        ("res_format:GeoJSON", {"rotterdam-noise-map"}),
        ("res_format:geojson", {"rotterdam-noise-map"}),
        ("res_format:CSV", {"rotterdam-traffic-flow", "rotterdam-noise-map"}),
        ("license_id:cc-zero", {"turku-air-quality"}),
        ("groups:envi", {"rotterdam-noise-map", "turku-air-quality"}),
        ("city:Turku", {"turku-air-quality"}),
        ("organization:rotterdam tags:noise", {"rotterdam-noise-map"}),
        ("+organization:rotterdam AND +groups:envi", {"rotterdam-noise-map"}),
        ("tags:traffic tags:noise", {"rotterdam-noise-map"}),  # both tags, like Solr
        ("tags:(sensors OR noise)", {"rotterdam-noise-map", "turku-air-quality"}),
        ("-organization:rotterdam", {"turku-air-quality"}),
        ("groups:envi -tags:traffic", {"turku-air-quality"}),
        ("name:turku-air-quality", {"turku-air-quality"}),
        (
            "dataset_type:dataset capacity:public",
            {"rotterdam-traffic-flow", "rotterdam-noise-map", "turku-air-quality"},
        ),
        ("metadata_modified:[2025-02-01T00:00:00Z TO *]", {"rotterdam-noise-map", "turku-air-quality"}),
        ("metadata_modified:[* TO 2025-02-01]", {"rotterdam-traffic-flow", "turku-air-quality"}),
        ("metadata_modified:{2025-02-01T08:00:00Z TO 2025-03-01T08:00:00Z]", {"rotterdam-noise-map"}),
        ("metadata_created:[2025-01-01 TO 2025-01-31]", {"rotterdam-traffic-flow"}),
        ("*:*", {"rotterdam-traffic-flow", "rotterdam-noise-map", "turku-air-quality"}),
    ],
)
def test_fq_clauses(catalogue, fq, expected):
    found = search(fq=fq, rows=100)
    assert set(names(found)) == expected
    assert found["count"] == len(expected)


def test_fq_by_id_and_fq_list(catalogue):
    air = catalogue["air"]
    assert names(search(fq=f"id:{air.uuid}")) == ["turku-air-quality"]
    assert names(search(fq_list=["groups:envi", "organization:turku"])) == ["turku-air-quality"]


def test_relative_dates_in_ranges(catalogue):
    assert search(fq="metadata_modified:[NOW-7DAYS TO NOW]")["count"] == 0
    assert search(fq="metadata_modified:[* TO NOW]")["count"] == 3


@pytest.mark.parametrize(
    "fq",
    [
        "maintainer:someone",  # not a field we filter on
        "tags:noise OR tags:traffic",  # OR between clauses
        "tags:nois*",  # wildcards
        "metadata_modified:[yesterday TO *]",
        "metadata_modified:2025-01-01",  # a date field needs a range
        "tags:[a TO b]",  # a range needs a date field
        "just words",
        'tags:"unterminated',
    ],
)
def test_unsupported_fq_is_a_search_query_error(catalogue, fq):
    error(call("package_search", {"fq": fq}), 400, "Search Query Error")


def test_unknown_search_parameter_is_a_search_query_error(db):
    problem = error(call("package_search", {"query": "noise"}), 400, "Search Query Error")
    assert "query" in problem["message"]
    result(call("package_search", {"ext_bbox": "1,2,3,4", "include_drafts": True}))  # tolerated


# --- sort, rows, start ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["rotterdam-noise-map", "turku-air-quality", "rotterdam-traffic-flow"]),
        ("metadata_modified desc", ["rotterdam-noise-map", "turku-air-quality", "rotterdam-traffic-flow"]),
        ("metadata_modified asc", ["rotterdam-traffic-flow", "turku-air-quality", "rotterdam-noise-map"]),
        ("metadata_created asc", ["rotterdam-traffic-flow", "turku-air-quality", "rotterdam-noise-map"]),
        ("title_string asc", ["rotterdam-noise-map", "rotterdam-traffic-flow", "turku-air-quality"]),
        ("name desc", ["turku-air-quality", "rotterdam-traffic-flow", "rotterdam-noise-map"]),
        ("score desc, name asc", ["rotterdam-noise-map", "rotterdam-traffic-flow", "turku-air-quality"]),
    ],
)
def test_sort(catalogue, sort, expected):
    params = {"sort": sort} if sort else {}
    found = search(**params)
    assert names(found) == expected
    assert found["sort"] == (sort or "score desc, metadata_modified desc")


@pytest.mark.parametrize("sort", ["views_recent desc", "name", "name upwards", "title_string asc, , x"])
def test_unknown_sort_is_a_search_query_error(catalogue, sort):
    error(call("package_search", {"sort": sort}), 400, "Search Query Error")


def test_rows_and_start_page_through_the_results(catalogue):
    first = search(sort="name asc", rows=2)
    second = search(sort="name asc", rows=2, start=2)
    assert first["count"] == second["count"] == 3
    assert names(first) + names(second) == [
        "rotterdam-noise-map",
        "rotterdam-traffic-flow",
        "turku-air-quality",
    ]
    assert search(rows=0)["results"] == []
    assert len(search()["results"]) == 3  # default 10


def test_rows_above_the_maximum_are_capped_like_ckan(catalogue):
    assert search(rows=5000)["count"] == 3


# --- facets ------------------------------------------------------------------------------------------


def test_facets_count_within_the_result(catalogue):
    found = search(**{"facet.field": ["organization", "groups", "tags", "res_format", "license_id"]})
    assert found["facets"]["organization"] == {"rotterdam": 2, "turku": 1}
    assert found["facets"]["groups"] == {"envi": 2, "tran": 2}
    assert found["facets"]["tags"] == {"traffic": 2, "air quality": 1, "noise": 1, "sensors": 1}
    assert found["facets"]["res_format"] == {"CSV": 2, "GeoJSON": 1, "JSON": 1}
    assert found["facets"]["license_id"] == {"cc-by": 1, "cc-zero": 1, "odc-odbl": 1}
    organizations = found["search_facets"]["organization"]
    assert organizations["title"] == "organization"
    assert organizations["items"][0] == {"name": "rotterdam", "display_name": "Rotterdam", "count": 2}
    groups = {item["name"]: item["display_name"] for item in found["search_facets"]["groups"]["items"]}
    assert groups == {"envi": "Environment", "tran": "Transport"}

    narrowed = search(fq="organization:turku", **{"facet.field": '["organization", "tags"]'})
    assert narrowed["facets"] == {"organization": {"turku": 1}, "tags": {"air quality": 1, "sensors": 1}}


def test_facet_values_filter_back(catalogue):
    found = search(**{"facet.field": ["res_format", "groups", "license_id", "organization", "tags"]})
    for field, counts in found["facets"].items():
        for value, count in counts.items():
            assert search(fq=f'{field}:"{value}"')["count"] == count, (field, value)


def test_facet_limit_and_mincount(catalogue):
    assert search(**{"facet.field": ["tags"], "facet.limit": 1})["facets"]["tags"] == {"traffic": 2}
    assert len(search(**{"facet.field": ["tags"], "facet.limit": -1})["facets"]["tags"]) == 4
    assert search(**{"facet.field": ["tags"], "facet.mincount": 2})["facets"]["tags"] == {"traffic": 2}


def test_our_own_facets_and_unknown_ones(catalogue):
    found = search(**{"facet.field": ["city", "frequency", "res_type"]})
    assert found["facets"]["city"] == {"Rotterdam": 2, "Turku": 1}
    assert found["facets"]["frequency"] == {}
    assert found["facets"]["res_type"] == {}
    assert found["search_facets"]["res_type"] == {"title": "res_type", "items": []}


def test_no_facets_unless_asked(catalogue):
    found = search()
    assert found["facets"] == {} and found["search_facets"] == {}


def test_facet_field_must_be_a_list_of_strings(db):
    problem = error(call("package_search", {"facet.field": "[not json"}), 409, "Validation Error")
    assert "facet.field" in problem


# --- visibility ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_editor"])
def test_outsiders_never_see_drafts_in_results_counts_or_facets(catalogue, request, token_for, who):
    token = None if who == "anonymous" else token_for(request.getfixturevalue(who))
    found = result(
        call(
            "package_search",
            {"include_private": True, "q": "noise", "facet.field": ["organization", "tags", "res_format"]},
            token=token,
        )
    )
    assert names(found) == ["rotterdam-noise-map"]
    assert found["count"] == 1
    assert found["facets"]["organization"] == {"rotterdam": 1}
    assert found["facets"]["tags"] == {"noise": 1, "traffic": 1}
    everything = result(call("package_search", {"include_private": True, "rows": 100}, token=token))
    assert everything["count"] == 3
    assert not any(package["private"] for package in everything["results"])


def test_members_see_drafts_only_with_include_private(catalogue, member, token_for):
    token = token_for(member, scopes=["read"])
    default = result(call("package_search", {"q": "noise", "facet.field": ["tags"]}, token=token))
    assert names(default) == ["rotterdam-noise-map"]
    assert default["facets"]["tags"] == {"noise": 1, "traffic": 1}

    private = result(
        call("package_search", {"q": "noise", "include_private": True, "facet.field": ["tags"]}, token=token)
    )
    assert set(names(private)) == {"rotterdam-noise-map", "rotterdam-noise-draft"}
    assert private["facets"]["tags"] == {"noise": 2, "traffic": 1}
    states = {package["name"]: (package["private"], package["state"]) for package in private["results"]}
    assert states["rotterdam-noise-draft"] == (True, "draft")

    everything = result(call("package_search", {"include_private": "true", "rows": 100}, token=token))
    assert everything["count"] == 5  # with the withdrawn one ("deleted")
    assert {p["state"] for p in everything["results"]} == {"active", "draft", "deleted"}


def test_query_count_does_not_grow_with_rows(catalogue, publisher_org, django_assert_max_num_queries):
    for n in range(15):
        dataset = PublishedDatasetFactory(publisher=publisher_org, keywords=[f"k{n}"], themes=["TRAN"])
        DistributionFactory(dataset=dataset)
    params = {"rows": 100, "facet.field": ["organization", "groups", "tags", "res_format", "license_id"]}
    with django_assert_max_num_queries(20):
        found = result(call("package_search", params))
    assert len(found["results"]) == 18
