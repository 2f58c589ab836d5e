"""Full-text search, filters and facets — the same tests run on SQLite (FTS5) and PostgreSQL (tsvector)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from accounts.services import organization_update
from catalog import services
from catalog.choices import AccessRights
from catalog.models import FileType, Licence
from catalog.selectors import dataset_facets, dataset_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(publisher_org, other_org, editor, other_editor):
    """Five published Rotterdam/Turku datasets and one Rotterdam draft."""

    def make(org, actor, title, description="", keywords=(), themes=(), publish=True, **fields):
        dataset = services.dataset_create(
            publisher=org,
            actor=actor,
            title=title,
            description=description or f"About {title.lower()}.",
            keywords=keywords,
            themes=themes,
            **fields,
        )
        if publish:
            dataset = services.dataset_publish(dataset=dataset, actor=actor)
        return dataset

    box = {"bbox_west": 4.35, "bbox_south": 51.85, "bbox_east": 4.6, "bbox_north": 51.99}
    items = {
        "flow": make(
            publisher_org, editor, "Traffic flow counts", "Vehicles per hour at counting stations.",
            keywords=["traffic", "mobility"], themes=["TRAN"], licence=Licence.objects.get(pk="cc-by"),
            temporal_start=date(2020, 1, 1), temporal_end=date(2022, 12, 31), **box,
        ),
        "noise": make(
            publisher_org, editor, "Noise map", "Road traffic noise, day and night levels.",
            keywords=["noise"], themes=["ENVI"], licence=Licence.objects.get(pk="other-closed"),
            access_rights=AccessRights.RESTRICTED, temporal_start=date(2023, 1, 1), **box,
        ),
        "air": make(
            other_org, other_editor, "Air quality measurements", "Hourly NO2 and PM10 at six stations.",
            keywords=["air quality"], themes=["ENVI", "HEAL"], licence=Licence.objects.get(pk="cc-zero"),
            bbox_west=22.15, bbox_south=60.38, bbox_east=22.4, bbox_north=60.53,
        ),
        "heat": make(
            other_org, other_editor, "Urban heat islands", "Surface temperatures in summer.", themes=["ENVI"],
        ),
        "tram": make(
            other_org, other_editor, "Tram stops", "Stops and platforms of the trams.", themes=["TRAN"],
        ),
        "secret": make(
            publisher_org, editor, "Traffic signal timings", "Green phases of traffic lights.",
            keywords=["secret-keyword"], themes=["TRAN"], publish=False,
        ),
    }  # fmt: skip
    services.distribution_create(
        dataset=items["tram"],
        actor=other_editor,
        title="GTFS feed",
        access_url="https://example.org/gtfs",
        format=FileType.objects.get(code="ZIP"),
    )
    return items


def search(user=None, **params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    _filterset, queryset = dataset_search(user=user or AnonymousUser(), params=query)
    return [d.slug for d in queryset]


def slugs(catalogue, *names):
    return [catalogue[name].slug for name in names]


def test_words_match_title_keywords_description_and_rank_titles_first(catalogue):
    assert search(q="traffic") == slugs(catalogue, "flow", "noise")


def test_stemming_and_prefixes(catalogue):
    assert search(q="flows") == slugs(catalogue, "flow")
    assert search(q="measurement") == slugs(catalogue, "air")
    assert search(q="temperat") == slugs(catalogue, "heat")


def test_phrase_or_and_exclusion(catalogue):
    assert search(q='"air quality"') == slugs(catalogue, "air")
    assert set(search(q="tram OR heat")) == set(slugs(catalogue, "tram", "heat"))
    assert search(q="traffic -night") == slugs(catalogue, "flow")


def test_publisher_place_and_distribution_titles_are_searchable(catalogue, other_org):
    assert set(search(q="Turku")) == set(slugs(catalogue, "air", "heat", "tram"))
    assert search(q="gtfs") == slugs(catalogue, "tram")


@pytest.mark.parametrize(
    "text", ['& | ! : * ( <-> "', "a:* & !b", "NEAR(x y)", "'; DROP TABLE x; --", "-", '"""']
)
def test_hostile_input_never_errors(catalogue, client, text):
    search(q=text)
    assert client.get("/datasets/", {"q": text}).status_code == 200
    assert client.get("/api/v1/datasets/", {"q": text}).status_code == 200


def test_drafts_are_found_only_by_their_organisation(catalogue, editor, other_editor):
    assert search(q="signal") == []
    assert search(other_editor, q="signal") == []
    assert search(editor, q="signal") == slugs(catalogue, "secret")


def test_the_index_follows_edits(catalogue, editor, publisher_org, django_capture_on_commit_callbacks):
    flow = catalogue["flow"]
    services.dataset_update(dataset=flow, actor=editor, title="Bicycle counts")
    assert search(q="bicycle") == [flow.slug]

    services.distribution_create(
        dataset=flow, actor=editor, title="Hourly CSV export", access_url="https://x.org/a"
    )
    assert search(q="export") == [flow.slug]

    # A publisher's new name reaches its datasets' documents through a task run after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        organization_update(
            organization=publisher_org, actor=editor_admin(publisher_org), name="Gemeente Rotterdam"
        )
    assert set(search(q="gemeente")) == set(slugs(catalogue, "flow", "noise"))


def editor_admin(organization):
    from tests.factories import MembershipFactory, UserFactory

    admin = UserFactory(email="boss@rotterdam.example")
    MembershipFactory(user=admin, organization=organization, role="admin")
    return admin


def test_deleted_drafts_leave_the_index(catalogue, editor):
    services.dataset_delete(dataset=catalogue["secret"], actor=editor)
    assert search(editor, q="signal") == []


def test_facet_filters_or_within_and_across(catalogue):
    assert set(search(theme=["TRAN", "HEAL"])) == set(slugs(catalogue, "flow", "air", "tram"))
    assert search(theme="ENVI", publisher="rotterdam") == slugs(catalogue, "noise")
    assert search(format="ZIP") == slugs(catalogue, "tram")
    assert search(keyword="noise") == slugs(catalogue, "noise")
    assert search(access_rights="RESTRICTED") == slugs(catalogue, "noise")
    assert set(search(city="Turku")) == set(slugs(catalogue, "air", "heat", "tram"))
    assert set(search(open="true")) == set(slugs(catalogue, "flow", "air"))


def test_bbox_intersects_and_crosses_the_antimeridian(catalogue):
    assert set(search(bbox="4.5,51.9,4.7,52.1")) == set(slugs(catalogue, "flow", "noise"))
    assert search(bbox="20,60,23,61") == slugs(catalogue, "air")
    assert search(bbox="170,-10,-170,10") == []
    assert set(search(bbox="170,50,10,70")) == set(slugs(catalogue, "flow", "noise"))


def test_temporal_overlap(catalogue):
    assert search(temporal_from="2022-06-01", temporal_to="2022-07-01") == slugs(catalogue, "flow")
    # An open-ended coverage (from 2023 on) overlaps any later period.
    assert search(temporal_from="2030-01-01") == slugs(catalogue, "noise")
    assert set(search(temporal_to="2021-01-01")) == set(slugs(catalogue, "flow"))


def test_sorts(catalogue):
    assert search(sort="title") == sorted(search(sort="title"), key=lambda s: s)
    titles = search(sort="title")
    assert titles[0] == catalogue["air"].slug
    assert search(q="traffic", sort="title") == slugs(catalogue, "noise", "flow")


def test_facets_count_with_the_other_filters_applied(catalogue):
    facets = dataset_facets(user=AnonymousUser(), params=QueryDict("theme=ENVI"))

    themes = {f.value: (f.count, f.selected) for f in facets["theme"]}
    # The theme facet ignores the theme filter itself: every theme keeps its count.
    assert themes["ENVI"] == (3, True)
    assert themes["TRAN"] == (2, False)
    publishers = {f.value: f.count for f in facets["publisher"]}
    # Other facets are counted among the ENVI datasets only.
    assert publishers == {"rotterdam": 1, "turku": 2}


def test_facets_never_count_what_the_user_may_not_see(catalogue, editor):
    anonymous = dataset_facets(user=AnonymousUser(), params=QueryDict("q=traffic"))
    assert {f.value: f.count for f in anonymous["theme"]} == {"TRAN": 1, "ENVI": 1}
    assert "secret-keyword" not in [f.value for f in anonymous["keyword"]]

    member = dataset_facets(user=editor, params=QueryDict("q=traffic"))
    assert {f.value: f.count for f in member["theme"]} == {"TRAN": 2, "ENVI": 1}


def test_facet_labels_are_readable(catalogue):
    facets = dataset_facets(user=AnonymousUser(), params=QueryDict(""))
    labels = {f.value: f.label for f in facets["licence"]}
    assert labels["cc-by"] == "Creative Commons Attribution 4.0"
    assert {f.value: f.label for f in facets["access_rights"]}["RESTRICTED"] == "Restricted"


def test_search_page_shows_results_facets_and_suggestions(catalogue, client):
    page = client.get("/datasets/", {"q": "trafic"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0
    assert page.context["suggestion"] == "traffic"
    assert "Did you mean" in page.content.decode()

    found = client.get("/datasets/", {"q": "traffic", "theme": "TRAN"})
    assert [d.slug for d in found.context["page"]] == slugs(catalogue, "flow")
    assert "Remove filter Transport" in found.content.decode()


def test_suggestions_never_reveal_draft_keywords(catalogue, client):
    assert client.get("/datasets/", {"q": "secret-keywrd"}).context["suggestion"] is None


def test_bad_bbox_is_explained_on_the_page_and_refused_by_the_api(catalogue, client):
    page = client.get("/datasets/", {"bbox": "nonsense"})
    assert page.status_code == 200
    assert "minlon,minlat,maxlon,maxlat" in page.content.decode()
    assert client.get("/api/v1/datasets/", {"bbox": "1,2,3,4,5"}).status_code == 400


def test_api_uses_the_same_search(catalogue, client):
    response = client.get("/api/v1/datasets/", {"q": "traffic", "sort": "title"})
    assert [d["slug"] for d in response.json()["results"]] == slugs(catalogue, "noise", "flow")


def test_api_list_carries_the_facets_of_the_page(catalogue, client):
    response = client.get("/api/v1/datasets/", {"theme": "ENVI"}).json()

    assert response["count"] == 3
    themes = {f["value"]: f["count"] for f in response["facets"]["theme"]}
    assert themes["ENVI"] == 3
    assert "facets" not in client.get("/api/v1/datasets/", {"facets": "false"}).json()


def test_cached_counts_and_facets_follow_every_change(catalogue, editor, client, publisher_org):
    client.force_login(editor)

    def page():
        response = client.get("/datasets/", {"theme": "TRAN"})
        themes = {f.value: f.count for f in response.context["facets"]["theme"]}
        return response.context["page"].paginator.count, themes["TRAN"]

    assert page() == (3, 3)  # the editor sees Rotterdam's draft too
    assert page() == (3, 3)  # served from the cache

    services.dataset_delete(dataset=catalogue["secret"], actor=editor)
    assert page() == (2, 2)

    new = services.dataset_create(publisher=publisher_org, actor=editor, title="Parking", themes=["TRAN"])
    assert page() == (3, 3)
    services.dataset_update(dataset=new, actor=editor, themes=["ENVI"])
    assert page() == (2, 2)


def test_cached_facets_are_per_visibility_scope(catalogue, editor, other_editor, client):
    def count_for(user):
        if user:
            client.force_login(user)
        else:
            client.logout()
        return client.get("/api/v1/datasets/", {"q": "traffic"}).json()["count"]

    assert count_for(editor) == 3
    assert count_for(None) == 2
    assert count_for(other_editor) == 2
    assert count_for(editor) == 3
