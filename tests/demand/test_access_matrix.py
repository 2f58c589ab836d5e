"""Access matrix (design.md §9) of every URL of the demand app, for every kind of user.

The world: Acme (the consumer's company) has a request hidden by a moderator, with a comment, and a
draft showcase with an image. Each role walks every URL pattern (GETs first, then the POSTs, ordered so
that none changes a later answer). What a user may not see answers 404 — never 403, never 500."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from marketplace.demand import services
from marketplace.demand.choices import ShowcaseStatus
from tests.catalog.test_access_matrix import app_url_names
from tests.demand.factories import ShowcaseFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "consumer", "editor", "other_editor", "admin_user"]
OK, REDIRECT, HIDDEN = 200, 302, 404
ALL_OK = dict.fromkeys(ROLES, OK)
LOGIN_THEN_OK = {**ALL_OK, "anonymous": REDIRECT}
# Acme hidden request and draft showcase: Acme's members and site admins.
SEES = {"anonymous": HIDDEN, "consumer": OK, "editor": HIDDEN, "other_editor": HIDDEN, "admin_user": OK}
SEES_EDIT = {**SEES, "anonymous": REDIRECT}
SEES_POST = {
    **{role: REDIRECT if status == OK else status for role, status in SEES.items()},
    "anonymous": REDIRECT,
}

MATRIX = [
    ("demand:request_list", "get", ALL_OK),
    ("demand:request_create", "get", LOGIN_THEN_OK),
    ("demand:request_suggest", "get", ALL_OK),
    ("demand:request_detail", "get", SEES),
    ("demand:request_edit", "get", SEES_EDIT),
    ("demand:showcase_list", "get", ALL_OK),
    ("demand:showcase_create", "get", LOGIN_THEN_OK),
    ("demand:showcase_detail", "get", SEES),
    ("demand:showcase_edit", "get", SEES_EDIT),
    ("demand:showcase_image", "get", SEES),
    ("demand:request_vote", "post", SEES_POST),
    ("demand:request_follow", "post", SEES_POST),
    ("demand:request_moderate", "post", SEES_POST),  # no action: nothing changes
    ("demand:comment_create", "post", SEES_POST),  # no body: a message, nothing saved
    ("demand:comment_report", "post", SEES_POST),
    ("demand:comment_hide", "post", SEES_POST),  # Acme's plain member is refused with a message
    ("demand:request_respond", "post", SEES_POST),  # nobody here may answer, or the form is empty
    ("demand:showcase_feature", "post", SEES_POST),  # a draft cannot be featured
    ("demand:request_withdraw", "post", SEES_POST),
    ("demand:showcase_delete", "post", SEES_POST),
]


def test_the_matrix_covers_every_url_pattern():
    assert {name for name, _method, _expected in MATRIX} == app_url_names("demand")
    assert all(set(expected) == set(ROLES) for _name, _method, expected in MATRIX)


def _jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10)).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="x.jpg")


@pytest.fixture
def world(consumer, admin_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    acme = consumer.organizations.get()
    hidden = services.data_request_create(
        actor=consumer, organization=acme, title="Acme hidden request", description="secret"
    )
    comment = services.comment_create(data_request=hidden, author=consumer, body="A comment")
    services.data_request_moderate(data_request=hidden, actor=admin_user, hide=True)
    showcase = ShowcaseFactory(
        organization=acme, slug="acme-draft", title="Acme draft showcase", status=ShowcaseStatus.DRAFT
    )
    showcase.image.save("x.jpg", _jpeg())
    kwargs = {"pk": hidden.pk}
    by_name = {
        **{
            name: kwargs
            for name, _m, _e in MATRIX
            if name.startswith("demand:request_") and "list" not in name
        },
        "demand:comment_create": kwargs,
        "demand:comment_report": {**kwargs, "comment_pk": comment.pk},
        "demand:comment_hide": {**kwargs, "comment_pk": comment.pk},
        **{name: {"slug": showcase.slug} for name, _m, _e in MATRIX if name.startswith("demand:showcase_")},
    }
    for name in (
        "demand:request_create",
        "demand:request_suggest",
        "demand:showcase_list",
        "demand:showcase_create",
    ):
        by_name.pop(name, None)
    return {"kwargs": by_name, "secrets": ["Acme hidden request", "Acme draft showcase"]}


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
        if method == "get" and expected[role] != OK and response.status_code != 302:
            body = b"".join(response) if response.streaming else response.content
            assert not any(secret.encode() in body for secret in world["secrets"]), url
        if response.status_code == REDIRECT and role == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next="), url
    assert mismatches == [], f"access matrix for {role}"


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_counts_leave_out_what_the_role_may_not_see(request, client_for, world, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    sees = SEES[role] == OK
    for url in ("/requests/", "/showcases/", "/", "/api/v1/data-requests/", "/api/v1/showcases/"):
        body = client.get(url).content.decode()
        assert any(secret in body for secret in world["secrets"]) is sees, (role, url)
    assert client.get("/api/v1/data-requests/").json()["count"] == (1 if sees else 0)
    assert client.get("/api/v1/showcases/").json()["count"] == (1 if sees else 0)


def test_sitemap_lists_only_public_requests_and_showcases(world, client_for, consumer):
    from tests.demand.factories import DataRequestFactory, ShowcaseFactory

    public = DataRequestFactory(organization=consumer.organizations.get())
    ShowcaseFactory(organization=consumer.organizations.get(), slug="public-app")
    body = client_for(consumer).get("/sitemap.xml").content.decode()
    assert public.get_absolute_url() in body and "/showcases/public-app/" in body
    assert "/showcases/acme-draft/" not in body
    hidden_pk = [pk for pk in world["kwargs"]["demand:request_detail"].values()][0]
    assert f"/requests/{hidden_pk}/<" not in body
