"""Shared fixtures, imported by tests/conftest.py (`from tests.fixtures import *`, so keep `__all__` current).

Two municipalities — Rotterdam (the publisher under test) and Turku (an outsider) — and one user per
role that the visibility rules distinguish (design.md §5):

| fixture        | who                                             |
|----------------|-------------------------------------------------|
| `org_admin`    | admin of Rotterdam                              |
| `editor`       | editor of Rotterdam                             |
| `member`       | member (read-only role) of Rotterdam            |
| `other_editor` | editor of Turku                                 |
| `consumer`     | member of a company, editor of nothing          |
| `admin_user`   | site admin (superuser)                          |

`client_for(user)` gives a logged-in Django test client (anonymous with `None`); `token_for(user, scopes)`
an API token secret.
"""

import pytest
from django.test import Client

from accounts.choices import OrganizationKind, Role

__all__ = [
    "_fast_password_hashing",
    "admin_user",
    "client_for",
    "consumer",
    "draft_dataset",
    "editor",
    "member",
    "org_admin",
    "other_editor",
    "other_org",
    "publisher_org",
    "published_dataset",
    "token_for",
    "withdrawn_dataset",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords with MD5: PBKDF2's 10⁶ rounds would make user creation the slowest step."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def publisher_org(db):
    """Rotterdam, the municipality whose datasets the tests publish."""
    from tests.factories import MunicipalityFactory

    return MunicipalityFactory(name="Rotterdam", slug="rotterdam", country="NL", city="Rotterdam")


@pytest.fixture
def other_org(db):
    """Turku, another municipality: its editors are outsiders to Rotterdam's drafts."""
    from tests.factories import MunicipalityFactory

    return MunicipalityFactory(name="Turku", slug="turku", country="FI", city="Turku")


def _member_of(organization, role, email):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email=email)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def org_admin(publisher_org):
    return _member_of(publisher_org, Role.ADMIN, "admin@rotterdam.example")


@pytest.fixture
def editor(publisher_org):
    return _member_of(publisher_org, Role.EDITOR, "editor@rotterdam.example")


@pytest.fixture
def member(publisher_org):
    return _member_of(publisher_org, Role.MEMBER, "member@rotterdam.example")


@pytest.fixture
def other_editor(other_org):
    return _member_of(other_org, Role.EDITOR, "editor@turku.example")


@pytest.fixture
def consumer(db):
    """A signed-in data consumer: a (read-only) member of a company, no role in any municipality."""
    from tests.factories import OrganizationFactory

    company = OrganizationFactory(name="Acme Mobility", slug="acme-mobility", kind=OrganizationKind.COMPANY)
    return _member_of(company, Role.MEMBER, "consumer@acme.example")


@pytest.fixture
def admin_user(db):
    """The site admin (superuser, member of no organisation)."""
    from tests.factories import SuperUserFactory

    return SuperUserFactory(email="root@twinport.example")


@pytest.fixture
def draft_dataset(publisher_org, editor):
    """A never-published draft of Rotterdam with one uploaded file."""
    from tests.factories import DatasetFactory, FileDistributionFactory

    dataset = DatasetFactory(
        publisher=publisher_org,
        title="Rotterdam noise sensors (draft)",
        slug="rotterdam-noise-draft",
        created_by=editor,
        keywords=["noise"],
        themes=["ENVI"],
    )
    FileDistributionFactory(dataset=dataset, title="Noise readings CSV")
    return dataset


@pytest.fixture
def published_dataset(publisher_org, editor):
    """A published dataset of Rotterdam with a link distribution."""
    from tests.factories import DistributionFactory, PublishedDatasetFactory

    dataset = PublishedDatasetFactory(
        publisher=publisher_org,
        title="Rotterdam traffic flow",
        slug="rotterdam-traffic-flow",
        created_by=editor,
        keywords=["traffic"],
        themes=["TRAN"],
    )
    DistributionFactory(dataset=dataset, title="Traffic API")
    return dataset


@pytest.fixture
def withdrawn_dataset(publisher_org, editor):
    from tests.factories import WithdrawnDatasetFactory

    return WithdrawnDatasetFactory(
        publisher=publisher_org, title="Rotterdam parking (withdrawn)", slug="rotterdam-parking-withdrawn"
    )


@pytest.fixture
def client_for(db):
    """`client_for(user)` → a Django test client logged in as `user` (anonymous for None)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_for(db):
    """`token_for(user, scopes=("read", "write"))` → the secret of a fresh personal API token."""
    from accounts.services import api_token_create

    def make(user, scopes=("read", "write"), **kwargs) -> str:
        _token, secret = api_token_create(user=user, name="test token", scopes=list(scopes), **kwargs)
        return secret

    return make
