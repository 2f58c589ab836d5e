"""Who sees which dataset (design.md §5): querysets, and every list, count, facet and feed built on them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from catalog.models import Dataset, Distribution
from tests.factories import PublishedDatasetFactory

pytestmark = pytest.mark.django_db

HIDDEN_TITLES = ("Rotterdam noise sensors (draft)", "Rotterdam parking (withdrawn)")


@pytest.fixture
def catalogue(draft_dataset, published_dataset, withdrawn_dataset, other_org):
    """Rotterdam: one draft, one published, one withdrawn dataset; Turku: one published dataset."""
    turku = PublishedDatasetFactory(publisher=other_org, title="Turku tram stops", slug="turku-tram-stops")
    return {
        "draft": draft_dataset,
        "published": published_dataset,
        "withdrawn": withdrawn_dataset,
        "turku": turku,
    }


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


PUBLIC = ["rotterdam-traffic-flow", "turku-tram-stops"]
EVERYTHING = [
    "rotterdam-noise-draft",
    "rotterdam-parking-withdrawn",
    "rotterdam-traffic-flow",
    "turku-tram-stops",
]


@pytest.mark.parametrize(
    ("who", "visible", "editable"),
    [
        ("anonymous", PUBLIC, []),
        ("consumer", PUBLIC, []),
        ("member", EVERYTHING, []),
        (
            "editor",
            EVERYTHING,
            ["rotterdam-noise-draft", "rotterdam-parking-withdrawn", "rotterdam-traffic-flow"],
        ),
        (
            "org_admin",
            EVERYTHING,
            ["rotterdam-noise-draft", "rotterdam-parking-withdrawn", "rotterdam-traffic-flow"],
        ),
        ("other_editor", PUBLIC, ["turku-tram-stops"]),
        ("admin_user", EVERYTHING, EVERYTHING),
    ],
)
def test_visible_to_and_editable_by(request, catalogue, who, visible, editable):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert slugs(Dataset.objects.visible_to(user)) == visible
    assert slugs(Dataset.objects.editable_by(user)) == editable
    assert Dataset.objects.visible_to(user).count() == len(visible)  # no duplicate rows from joins


def test_visible_to_none_is_anonymous(catalogue):
    assert slugs(Dataset.objects.visible_to(None)) == PUBLIC
    assert slugs(Dataset.objects.editable_by(None)) == []


def test_membership_elsewhere_adds_only_that_organisations_drafts(catalogue, editor, other_org):
    """An editor of Rotterdam who is also a member of Turku sees Turku's drafts, not more."""
    from tests.factories import DatasetFactory, MembershipFactory, OrganizationFactory

    stranger = DatasetFactory(publisher=OrganizationFactory(), slug="stranger-draft")
    MembershipFactory(user=editor, organization=other_org)

    assert stranger.slug not in slugs(Dataset.objects.visible_to(editor))
    assert "turku-tram-stops" not in slugs(Dataset.objects.editable_by(editor))


def test_distributions_follow_their_dataset(catalogue, consumer, member, other_editor):
    draft_distribution = catalogue["draft"].distributions.get()

    assert draft_distribution not in Distribution.objects.visible_to(AnonymousUser())
    assert draft_distribution not in Distribution.objects.visible_to(consumer)
    assert draft_distribution in Distribution.objects.visible_to(member)
    assert draft_distribution not in Distribution.objects.editable_by(member)
    assert draft_distribution not in Distribution.objects.editable_by(other_editor)


# --- Lists, counts and facets never reveal hidden datasets -------------------------------------------


@pytest.fixture(params=["anonymous", "consumer", "other_editor"])
def outsider_client(request, catalogue, client_for):
    user = None if request.param == "anonymous" else request.getfixturevalue(request.param)
    return client_for(user)


def assert_no_hidden_titles(response):
    body = response.content.decode()
    for title in HIDDEN_TITLES:
        assert title not in body


def test_home_counts_only_published(outsider_client):
    response = outsider_client.get("/")

    assert response.status_code == 200
    assert response.context["counts"] == {"datasets": 2, "publishers": 2, "cities": 2}
    cities = {city.slug: city.n for city in response.context["cities"]}
    assert cities == {"rotterdam": 1, "turku": 1}
    assert [d.slug for d in response.context["latest"]] == ["turku-tram-stops", "rotterdam-traffic-flow"]
    assert_no_hidden_titles(response)


def test_home_counts_include_drafts_for_nobody(client_for, catalogue, editor):
    """Headline numbers are about the public catalogue, also for the publisher's own editors."""
    response = client_for(editor).get("/")

    assert response.context["counts"]["datasets"] == 2


def test_search_page_lists_and_facets_only_published(outsider_client):
    response = outsider_client.get("/datasets/")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    facets = {key: {f.value: f.count for f in values} for key, values in response.context["facets"].items()}
    assert facets["publisher"] == {"rotterdam": 1, "turku": 1}
    assert facets["theme"] == {"TRAN": 1}  # the draft's ENVI theme is not counted
    assert facets["licence"] == {"cc-by": 2}
    assert_no_hidden_titles(response)


def test_search_cannot_find_hidden_datasets_by_filter(outsider_client):
    for query in (
        "?q=noise",
        "?q=parking",
        "?keyword=noise",
        "?theme=ENVI",
        "?status=draft",
        "?status=withdrawn",
    ):
        response = outsider_client.get("/datasets/" + query)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0, query


def test_search_page_shows_drafts_to_their_organisation(client_for, catalogue, member):
    response = client_for(member).get("/datasets/?status=draft")

    assert [d.slug for d in response.context["page"]] == ["rotterdam-noise-draft"]


def test_organisation_page_counts_only_visible(outsider_client):
    response = outsider_client.get("/organizations/rotterdam/")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    assert "1 dataset" in response.content.decode()
    assert_no_hidden_titles(response)


def test_organisation_page_shows_drafts_to_members(client_for, catalogue, member):
    response = client_for(member).get("/organizations/rotterdam/")

    assert response.context["page"].paginator.count == 3


def test_organisation_list_counts_only_published(outsider_client):
    response = outsider_client.get("/organizations/")

    counts = {org.slug: org.n_datasets for org in response.context["organizations"]}
    assert counts["rotterdam"] == 1
    assert counts["turku"] == 1


def test_programme_page_lists_only_published(outsider_client, publisher_org):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(slug="twin-cities")
    programme.organizations.add(publisher_org)

    response = outsider_client.get("/programmes/twin-cities/")

    assert response.status_code == 200
    assert [d.slug for d in response.context["latest"]] == ["rotterdam-traffic-flow"]
    assert {org.slug: org.n_datasets for org in response.context["organizations"]} == {"rotterdam": 1}
    assert_no_hidden_titles(response)


def test_sitemap_lists_only_published(outsider_client):
    response = outsider_client.get("/sitemap.xml")

    body = response.content.decode()
    assert response.status_code == 200
    assert "/datasets/rotterdam-traffic-flow/" in body
    assert "/datasets/turku-tram-stops/" in body
    assert "rotterdam-noise-draft" not in body
    assert "rotterdam-parking-withdrawn" not in body


def test_sitemap_is_the_same_for_the_publisher(client_for, catalogue, editor):
    body = client_for(editor).get("/sitemap.xml").content.decode()

    assert "rotterdam-noise-draft" not in body


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_editor"])
def test_api_lists_and_counts_only_published(request, catalogue, api_client, who):
    if who != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(who))

    response = api_client.get("/api/v1/datasets/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    assert sorted(d["slug"] for d in response.data["results"]) == PUBLIC


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_editor"])
def test_api_organisation_and_distribution_counts_only_published(request, catalogue, api_client, who):
    if who != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(who))

    organisations = api_client.get("/api/v1/organizations/").data["results"]
    distributions = api_client.get("/api/v1/distributions/").data

    assert {o["slug"]: o["dataset_count"] for o in organisations}["rotterdam"] == 1
    assert distributions["count"] == 1  # the published dataset's link, not the draft's file
    assert distributions["results"][0]["dataset"] == "rotterdam-traffic-flow"


def test_api_lists_drafts_to_their_organisation(catalogue, api_client, member):
    api_client.force_authenticate(member)

    response = api_client.get("/api/v1/datasets/")

    assert response.data["count"] == 4


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_editor"])
@pytest.mark.parametrize("which", ["draft", "withdrawn"])
def test_hidden_dataset_pages_are_404(request, catalogue, client_for, api_client, who, which):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    dataset = catalogue[which]
    if user:
        api_client.force_authenticate(user)

    assert client_for(user).get(dataset.get_absolute_url()).status_code == 404
    assert api_client.get(f"/api/v1/datasets/{dataset.slug}/").status_code == 404


def test_hidden_file_download_is_404(catalogue, client_for, consumer, other_editor, member):
    distribution = catalogue["draft"].distributions.get()

    for user in (None, consumer, other_editor):
        assert client_for(user).get(distribution.file_url).status_code == 404
    assert client_for(member).get(distribution.file_url).status_code == 200


def test_withdrawn_dataset_page_is_visible_to_its_organisation(catalogue, client_for, member):
    response = client_for(member).get(catalogue["withdrawn"].get_absolute_url())

    assert response.status_code == 200
    assert "withdrawn" in response.content.decode()
