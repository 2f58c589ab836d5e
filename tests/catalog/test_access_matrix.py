"""Access matrix (design.md §9): every URL of the catalogue and accounts apps, for every kind of user.

The world: Rotterdam has a never-published draft with an uploaded file; its editor has an API token;
an invitation to Rotterdam is pending. Each role walks every URL pattern (GETs first, then the POSTs
whose side effects could hide later answers). What a user may not see answers 404 — never 403, never 500.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation
from accounts.services import api_token_create, hash_secret
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "consumer", "member", "editor", "other_editor", "admin_user"]
INVITATION_TOKEN = "matrix-invitation-token"

OK, REDIRECT, HIDDEN = 200, 302, 404
ALL_OK = dict.fromkeys(ROLES, OK)
LOGIN_THEN_OK = {**ALL_OK, "anonymous": REDIRECT}
# Seeing the draft: members of Rotterdam (any role) and site admins.
SEES_DRAFT = {
    "anonymous": HIDDEN, "consumer": HIDDEN, "member": OK, "editor": OK, "other_editor": HIDDEN,
    "admin_user": OK,
}  # fmt: skip
# Editing the draft: Rotterdam's admins/editors and site admins; anonymous users are sent to log in first.
EDITS_DRAFT = {
    "anonymous": REDIRECT, "consumer": HIDDEN, "member": HIDDEN, "editor": OK, "other_editor": HIDDEN,
    "admin_user": OK,
}  # fmt: skip
EDITS_DRAFT_POST = {role: REDIRECT if status == OK else status for role, status in EDITS_DRAFT.items()}
ADMINISTERS_ORG = {
    "anonymous": REDIRECT, "consumer": HIDDEN, "member": HIDDEN, "editor": HIDDEN, "other_editor": HIDDEN,
    "admin_user": OK,
}  # fmt: skip
ADMINISTERS_ORG_POST = {
    role: REDIRECT if status == OK else status for role, status in ADMINISTERS_ORG.items()
}

# (URL name, method, expected status per role). GETs first; POSTs ordered so that none changes a later answer.
MATRIX = [
    ("catalog:home", "get", ALL_OK),
    ("catalog:dataset_list", "get", ALL_OK),
    ("catalog:dataset_detail", "get", SEES_DRAFT),
    ("catalog:distribution_download", "get", SEES_DRAFT),
    # Following a link distribution's URL: a redirect for those who see the draft.
    (
        "catalog:distribution_link",
        "get",
        {role: REDIRECT if status == OK else status for role, status in SEES_DRAFT.items()},
    ),
    ("catalog:workspace", "get", LOGIN_THEN_OK),
    ("dcat:catalog_root", "get", dict.fromkeys(ROLES, 303)),
    ("dcat:catalog", "get", ALL_OK),
    ("dcat:dataset", "get", SEES_DRAFT),
    # Users who may publish for no organisation are sent to the list of organisations.
    ("catalog:dataset_create", "get", {**LOGIN_THEN_OK, "consumer": REDIRECT, "member": REDIRECT}),
    ("catalog:dataset_edit", "get", EDITS_DRAFT),
    ("catalog:distribution_create", "get", EDITS_DRAFT),
    ("catalog:distribution_edit", "get", EDITS_DRAFT),
    ("accounts:organization_list", "get", ALL_OK),
    ("accounts:organization_create", "get", LOGIN_THEN_OK),
    ("accounts:organization_detail", "get", ALL_OK),
    ("accounts:organization_edit", "get", ADMINISTERS_ORG),
    (
        "accounts:organization_members",
        "get",
        {**LOGIN_THEN_OK, "consumer": HIDDEN, "other_editor": HIDDEN},
    ),
    ("accounts:invitation_accept", "get", ALL_OK),  # whoever holds the link sees the invitation
    ("accounts:programme_list", "get", ALL_OK),
    ("accounts:programme_detail", "get", ALL_OK),
    ("accounts:api_tokens", "get", LOGIN_THEN_OK),
    ("accounts:profile", "get", LOGIN_THEN_OK),
    ("accounts:data_export", "get", LOGIN_THEN_OK),
    ("accounts:account_delete", "get", LOGIN_THEN_OK),  # a POST without the password deletes nothing
    ("catalog:dataset_status", "post", EDITS_DRAFT_POST),  # no action: "Unknown action", nothing changes
    ("accounts:membership_update", "post", ADMINISTERS_ORG_POST),  # no role: nothing changes
    ("accounts:invitation_revoke", "post", ADMINISTERS_ORG_POST),
    # The editor's own token: nobody else can even find it (a site admin included).
    (
        "accounts:api_token_revoke",
        "post",
        {**dict.fromkeys(ROLES, HIDDEN), "anonymous": REDIRECT, "editor": REDIRECT},
    ),
    ("catalog:distribution_delete", "post", EDITS_DRAFT_POST),
    (
        "accounts:organization_leave",
        "post",
        {**dict.fromkeys(ROLES, HIDDEN), "anonymous": REDIRECT, "member": REDIRECT, "editor": REDIRECT},
    ),
]


def app_url_names(namespace: str) -> set[str]:
    """Every named URL pattern of the app mounted under `namespace`."""
    names = set()
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace == namespace:
            for pattern in resolver.url_patterns:
                assert isinstance(pattern, URLPattern), "nested includes: extend this walk"
                names.add(f"{namespace}:{pattern.name}")
    return names


def test_the_matrix_covers_every_url_pattern():
    walked = app_url_names("catalog") | app_url_names("accounts") | app_url_names("dcat")
    assert {name for name, _method, _expected in MATRIX} == walked
    assert all(set(expected) == set(ROLES) for _name, _method, expected in MATRIX)


@pytest.fixture
def world(draft_dataset, editor, member, org_admin, publisher_org):
    distribution = draft_dataset.distributions.get()
    from tests.factories import DistributionFactory

    link = DistributionFactory(dataset=draft_dataset, title="Noise API")
    token, _secret = api_token_create(user=editor, name="matrix")
    invitation = Invitation.objects.create(
        organization=publisher_org,
        email="newcomer@example.org",
        role="editor",
        token_hash=hash_secret(INVITATION_TOKEN),
        invited_by=org_admin,
        expires_at="2999-01-01T00:00:00Z",
    )
    programme = ProgrammeFactory(slug="twin-cities")
    programme.organizations.add(publisher_org)
    membership = editor.memberships.get()
    kwargs = {
        "catalog:dataset_detail": {"slug": draft_dataset.slug},
        "dcat:catalog": {"fmt": "ttl"},
        "dcat:dataset": {"slug": draft_dataset.slug, "fmt": "ttl"},
        "catalog:distribution_download": {"slug": draft_dataset.slug, "pk": distribution.pk},
        "catalog:distribution_link": {"slug": draft_dataset.slug, "pk": link.pk, "kind": "access"},
        "catalog:dataset_edit": {"slug": draft_dataset.slug},
        "catalog:dataset_status": {"slug": draft_dataset.slug},
        "catalog:distribution_create": {"slug": draft_dataset.slug},
        "catalog:distribution_edit": {"slug": draft_dataset.slug, "pk": distribution.pk},
        "catalog:distribution_delete": {"slug": draft_dataset.slug, "pk": distribution.pk},
        "accounts:organization_detail": {"slug": publisher_org.slug},
        "accounts:organization_edit": {"slug": publisher_org.slug},
        "accounts:organization_members": {"slug": publisher_org.slug},
        "accounts:membership_update": {"slug": publisher_org.slug, "pk": membership.pk},
        "accounts:organization_leave": {"slug": publisher_org.slug},
        "accounts:invitation_revoke": {"slug": publisher_org.slug, "pk": invitation.pk},
        "accounts:invitation_accept": {"token": INVITATION_TOKEN},
        "accounts:programme_detail": {"slug": programme.slug},
        "accounts:api_token_revoke": {"pk": token.pk},
    }
    return {"dataset": draft_dataset, "kwargs": kwargs}


@pytest.fixture(params=ROLES)
def role_client(request, world, client_for):
    user = None if request.param == "anonymous" else request.getfixturevalue(request.param)
    return request.param, client_for(user)


def test_access_matrix(world, role_client):
    role, client = role_client
    mismatches = []
    for name, method, expected in MATRIX:
        url = reverse(name, kwargs=world["kwargs"].get(name, {}))
        response = getattr(client, method)(url)
        assert response.status_code not in (403, 500), (
            f"{role} {method.upper()} {url}: {response.status_code}"
        )
        if response.status_code != expected[role]:
            mismatches.append(
                f"{method.upper()} {url}: expected {expected[role]}, got {response.status_code}"
            )
        if response.status_code == HIDDEN and method == "get":
            assert world["dataset"].title not in response.content.decode()
        if response.status_code == REDIRECT and role == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next="), url

    assert mismatches == [], f"access matrix for {role}"


@pytest.mark.parametrize("url", ["/healthz", "/", "/datasets/", "/sitemap.xml", "/api/v1/"])
@pytest.mark.parametrize("role", ROLES)
def test_public_endpoints_answer_everyone(request, client_for, world, url, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)

    response = client_for(user).get(url)

    assert response.status_code == 200
    if SEES_DRAFT[role] == HIDDEN:
        assert world["dataset"].title not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_api_dataset_detail_of_the_draft(request, api_client, world, role):
    if role != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(role))

    response = api_client.get(f"/api/v1/datasets/{world['dataset'].slug}/")

    assert response.status_code == SEES_DRAFT[role]
