"""The demo loader: complete, idempotent, and its logins work."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from accounts.models import Membership, Organization, Programme, User
from catalog.choices import AccessRights, DatasetStatus
from catalog.demo import DATASETS, DEMO_PASSWORD, USERS, demo_summary, load_demo
from catalog.models import Dataset, Distribution

CITIES = ["rotterdam", "turku", "gdansk", "wroclaw", "vilnius", "helsinki", "amsterdam"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    return load_demo()


def _counts() -> dict[str, int]:
    return {
        "organisations": Organization.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "programmes": Programme.objects.count(),
        "datasets": Dataset.objects.count(),
        "distributions": Distribution.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
    }


def test_loading_twice_creates_no_duplicates(demo):
    first = _counts()
    second_summary = load_demo()
    assert _counts() == first
    assert second_summary == demo
    assert demo.organisations == 10
    assert demo.users == len(USERS)


def test_reloading_restores_metadata_but_keeps_changed_passwords(demo):
    dataset = Dataset.objects.get(slug="rotterdam-traffic-intensities")
    Dataset.objects.filter(pk=dataset.pk).update(title="Changed")
    anna = User.objects.get(email="anna@rotterdam.example")
    anna.set_password("a-new-password")
    anna.save()

    load_demo()

    assert Dataset.objects.get(pk=dataset.pk).title == "Traffic intensities at counting loops"
    assert authenticate(email="anna@rotterdam.example", password="a-new-password") is not None


def test_there_are_at_least_forty_datasets_with_distributions(demo):
    assert demo.datasets == len(DATASETS) >= 40
    assert not Dataset.objects.filter(distributions__isnull=True).exists()
    assert not Distribution.objects.filter(file__gt="").exists()
    for dataset in Dataset.objects.all():
        assert 3 <= dataset.keywords.count() <= 7, dataset.slug
        assert dataset.themes.exists(), dataset.slug
        assert dataset.licence is not None, dataset.slug
        assert dataset.bbox_west < dataset.bbox_east and dataset.bbox_south < dataset.bbox_north


def test_all_seven_cities_exist_and_publish(demo):
    cities = Organization.objects.filter(slug__in=CITIES, kind="municipality")
    assert sorted(cities.values_list("slug", flat=True)) == sorted(CITIES)
    for city in cities:
        assert Dataset.objects.filter(publisher=city, status=DatasetStatus.PUBLISHED).exists(), city.slug


def test_programme_has_four_cities_and_a_coordinator(demo):
    programme = Programme.objects.get(slug="smart-city-digital-twins")
    assert sorted(programme.organizations.values_list("slug", flat=True)) == [
        "gdansk",
        "turku",
        "vilnius",
        "wroclaw",
    ]
    assert list(programme.coordinators.values_list("email", flat=True)) == ["marta@sctwins.example"]


def test_demo_users_can_log_in(demo):
    for spec in USERS:
        user = authenticate(email=spec["email"], password=DEMO_PASSWORD)
        assert user is not None, spec["email"]
        assert EmailAddress.objects.filter(
            user=user, email=spec["email"], verified=True, primary=True
        ).exists()
    admin = User.objects.get(email="admin@twinport.example")
    assert admin.is_staff and admin.is_superuser
    anna = User.objects.get(email="anna@rotterdam.example")
    assert anna.full_name == "Anna de Vries"
    assert Membership.objects.get(user=anna).role == "editor"


def test_states_and_access_rights_are_mixed(demo):
    statuses = set(Dataset.objects.values_list("status", flat=True))
    assert statuses == {DatasetStatus.PUBLISHED, DatasetStatus.DRAFT, DatasetStatus.WITHDRAWN}
    assert Dataset.objects.filter(status=DatasetStatus.DRAFT).count() >= 3
    assert Dataset.objects.filter(status=DatasetStatus.WITHDRAWN).count() >= 2
    assert Dataset.objects.filter(access_rights=AccessRights.RESTRICTED).exists()
    assert Dataset.objects.filter(access_rights=AccessRights.NON_PUBLIC).exists()
    assert Dataset.objects.filter(contains_personal_data=True).exists()
    assert demo.published == Dataset.objects.filter(status=DatasetStatus.PUBLISHED).count()


def test_published_datasets_are_back_dated(demo):
    published = Dataset.objects.filter(status=DatasetStatus.PUBLISHED)
    assert not published.filter(published_at__isnull=True).exists()
    dates = sorted(published.values_list("issued", flat=True))
    assert (dates[-1] - dates[0]).days > 365


def test_anonymous_visitors_see_published_datasets_only(demo):
    visible = Dataset.objects.visible_to(AnonymousUser())
    assert visible.count() == demo.published
    assert not visible.filter(status__in=[DatasetStatus.DRAFT, DatasetStatus.WITHDRAWN]).exists()


def test_command_loads_and_prints_a_summary(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert str(demo_summary()) in out
    assert Dataset.objects.count() == len(DATASETS)


def test_command_logins_prints_the_table_without_loading(capsys):
    call_command("load_demo", "--logins")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert "marta@sctwins.example" in out
    assert Dataset.objects.count() == 0
    assert not User.objects.exists()
