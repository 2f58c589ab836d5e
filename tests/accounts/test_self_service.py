"""Account self-service: profile, two-factor set-up page, data export (GDPR) and account deletion."""

import json

import pytest

from accounts.models import ApiToken, Membership, User
from catalog.models import Dataset
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_page_saves_the_full_name(client_for, consumer):
    client = client_for(consumer)

    response = client.post("/accounts/profile/", {"full_name": "  Jonas Berg "})

    assert response.status_code == 302
    consumer.refresh_from_db()
    assert consumer.full_name == "Jonas Berg"
    assert "Jonas Berg" in client.get("/accounts/profile/").content.decode()


def test_self_service_pages_need_a_login(client_for):
    for path in ("/accounts/profile/", "/accounts/data-export/", "/accounts/delete/", "/accounts/2fa/"):
        response = client_for(None).get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_two_factor_page_offers_an_authenticator_app(client_for, consumer):
    response = client_for(consumer).get("/accounts/2fa/")

    assert response.status_code == 200
    assert "Authenticator" in response.content.decode()


def test_data_export_has_the_account_and_no_secrets(client_for, editor, token_for, draft_dataset):
    token_for(editor, scopes=["read"])

    response = client_for(editor).get("/accounts/data-export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == editor.email
    assert [m["organization"] for m in data["memberships"]] == ["rotterdam"]
    assert data["api_tokens"][0]["scopes"] == ["read"]
    assert data["datasets_created"] == [draft_dataset.slug]
    assert ApiToken.objects.get(user=editor).key_hash not in response.content.decode()


def test_deleting_the_account_keeps_the_datasets(client_for, editor, org_admin, draft_dataset):
    client = client_for(editor)

    wrong = client.post("/accounts/delete/", {"password": "not it"})
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    assert User.objects.filter(pk=editor.pk).exists()

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=editor.pk).exists()
    assert not Membership.objects.filter(user_id=editor.pk).exists()
    assert Dataset.objects.get(pk=draft_dataset.pk).created_by is None
    assert client.get("/accounts/profile/").status_code == 302  # logged out


def test_last_admin_cannot_delete_the_account(client_for, org_admin):
    response = client_for(org_admin).post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 200
    assert "only admin" in response.content.decode()
    assert User.objects.filter(pk=org_admin.pk).exists()
