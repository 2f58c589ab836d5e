"""Access matrix of every twins URL (design.md §9): a draft twin and a draft model of Rotterdam, walked
by every kind of user. What a user may not see answers 404 — never 403, never 500."""

import pytest
from django.urls import get_resolver, reverse

from twins.models import TwinService

from .factories import CityTwinFactory, ModelVersionFactory, TwinModelFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "consumer", "member", "editor", "other_editor", "admin_user"]
OK, REDIRECT, HIDDEN = 200, 302, 404
ALL_OK = dict.fromkeys(ROLES, OK)
LOGIN_THEN_OK = {**ALL_OK, "anonymous": REDIRECT}
CREATES = {**LOGIN_THEN_OK, "consumer": REDIRECT, "member": REDIRECT}  # no organisation to publish for
SEES_DRAFT = {
    "anonymous": HIDDEN,
    "consumer": HIDDEN,
    "member": OK,
    "editor": OK,
    "other_editor": HIDDEN,
    "admin_user": OK,
}
EDITS_DRAFT = {**SEES_DRAFT, "anonymous": REDIRECT, "member": HIDDEN}
EDITS_DRAFT_POST = {role: REDIRECT if status == OK else status for role, status in EDITS_DRAFT.items()}

MATRIX = [
    ("twins:twin_list", "get", ALL_OK),
    ("twins:twin_create", "get", CREATES),
    ("twins:twin_detail", "get", SEES_DRAFT),
    ("twins:twin_edit", "get", EDITS_DRAFT),
    ("twins:twin_maturity", "get", EDITS_DRAFT),
    ("twins:twin_links", "get", EDITS_DRAFT),
    ("twins:model_list", "get", ALL_OK),
    ("twins:model_create", "get", CREATES),
    ("twins:model_detail", "get", SEES_DRAFT),
    ("twins:model_version", "get", SEES_DRAFT),
    ("twins:model_download", "get", SEES_DRAFT),
    ("twins:model_dcat", "get", SEES_DRAFT),
    ("twins:validation_run", "get", SEES_DRAFT),
    ("twins:model_edit", "get", EDITS_DRAFT),
    ("twins:model_upload", "get", EDITS_DRAFT),
    ("twins:twin_status", "post", EDITS_DRAFT_POST),
    ("twins:twin_service_add", "post", EDITS_DRAFT_POST),
    ("twins:twin_service_check", "post", EDITS_DRAFT_POST),
    ("twins:model_status", "post", EDITS_DRAFT_POST),
    ("twins:model_validate", "post", EDITS_DRAFT_POST),
    ("twins:twin_service_delete", "post", EDITS_DRAFT_POST),  # last: it removes the service
]


def test_every_twins_url_is_in_the_matrix():
    names = {
        f"twins:{name}"
        for name in get_resolver().namespace_dict["twins"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == {name for name, _method, _expected in MATRIX}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, request, client_for, publisher_org, settings):
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []  # the service check is refused before connecting
    twin = CityTwinFactory(owner=publisher_org, slug="draft-twin")
    service = TwinService.objects.create(
        twin=twin, title="Broker", kind="ngsi-ld", url="https://127.0.0.1:9/ngsi-ld/v1"
    )
    model = TwinModelFactory(publisher=publisher_org, slug="draft-model")
    version = ModelVersionFactory(model=model)
    run = version.runs.create()
    kwargs = {
        "twins:twin_detail": {"slug": twin.slug},
        "twins:model_version": {"slug": model.slug, "pk": version.pk},
        "twins:model_download": {"slug": model.slug, "pk": version.pk},
        "twins:model_dcat": {"slug": model.slug, "fmt": "ttl"},
        "twins:model_validate": {"slug": model.slug, "pk": version.pk},
        "twins:validation_run": {"slug": model.slug, "pk": run.pk},
        "twins:twin_service_check": {"slug": twin.slug, "pk": service.pk},
        "twins:twin_service_delete": {"slug": twin.slug, "pk": service.pk},
    }
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    failures = []
    for name, method, expected in MATRIX:
        if name in kwargs:
            url = reverse(name, kwargs=kwargs[name])
        elif name.startswith("twins:twin_") and name not in ("twins:twin_list", "twins:twin_create"):
            url = reverse(name, kwargs={"slug": twin.slug})
        elif name.startswith("twins:model_") and name not in ("twins:model_list", "twins:model_create"):
            url = reverse(name, kwargs={"slug": model.slug})
        else:
            url = reverse(name)
        data = {"action": "withdraw"} if method == "post" else None
        status = getattr(client, method)(url, data).status_code
        if status != expected[role]:
            failures.append((name, method, status, expected[role]))
    assert failures == []
