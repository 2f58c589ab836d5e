"""The Action API's envelope, error types and HTTP codes, request formats and authentication."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.catalog.ckan import call, error, result

pytestmark = pytest.mark.django_db


def test_success_envelope_has_help_link_and_result(published_dataset):
    response = call("package_show", {"id": published_dataset.slug})
    body = response.json()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert body["success"] is True
    assert body["help"] == "http://testserver/api/3/action/help_show?name=package_show"
    assert body["result"]["name"] == published_dataset.slug


def test_legacy_address_answers_the_same(published_dataset):
    assert reverse("ckan-legacy:action", args=["package_list"]) == "/api/action/package_list"
    assert reverse("ckan:action", args=["package_list"]) == "/api/3/action/package_list"
    legacy = result(call("package_list", namespace="ckan-legacy"))
    assert legacy == result(call("package_list")) == [published_dataset.slug]


def test_not_found_error(db):
    found = error(call("package_show", {"id": "no-such-dataset"}), 404, "Not Found Error")
    assert found["message"].startswith("Not found")


def test_validation_error_lists_fields():
    problem = error(call("package_show", {}), 409, "Validation Error")
    assert problem == {"__type": "Validation Error", "id": ["Missing value"]}


def test_search_query_error(db):
    problem = error(call("package_search", {"sort": "popularity desc"}), 400, "Search Query Error")
    assert "sort" in problem["message"]


def test_authorization_error_for_an_invalid_token(published_dataset):
    denied = error(
        call("package_show", {"id": published_dataset.slug}, token="tp_forged"), 403, "Authorization Error"
    )
    assert denied["message"].startswith("Access denied")
    error(call("package_list", token="Bearer not-ours"), 403, "Authorization Error")


def test_expired_and_revoked_tokens_are_refused(editor, token_for):
    expired = token_for(editor, expires_at=timezone.now() - timedelta(days=1))
    error(call("package_list", token=expired), 403, "Authorization Error")


def test_unknown_action_is_a_bad_request():
    response = call("package_frobnicate")
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: package_frobnicate"


def test_write_action_over_get_is_a_bad_request(editor, token_for):
    response = call("package_create", {"name": "x"}, method="get", token=token_for(editor))
    assert response.status_code == 400
    assert "Please use POST" in response.json()


def test_malformed_json_is_a_bad_request():
    response = Client().post("/api/3/action/package_list", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json().startswith("Bad request - JSON Error")


def test_other_methods_are_not_allowed():
    assert Client().put("/api/3/action/package_list").status_code == 405


def test_get_reads_query_parameters_and_json_encoded_values(published_dataset):
    found = result(call("package_search", {"fq": "tags:traffic", "facet.field": '["tags"]'}, method="get"))
    assert found["count"] == 1
    assert found["facets"]["tags"] == {"traffic": 1}


def test_post_accepts_a_json_object_sent_as_a_form(published_dataset):
    # `curl -d '{"id": …}' …` sends JSON with a form content type; CKAN reads it as JSON.
    response = Client().post(
        "/api/3/action/package_show",
        json.dumps({"id": published_dataset.slug}),
        content_type="application/x-www-form-urlencoded",
    )
    assert result(response)["id"] == str(published_dataset.uuid)


def test_post_accepts_a_plain_form(published_dataset):
    response = Client().post("/api/3/action/package_show", {"id": published_dataset.slug})
    assert result(response)["name"] == published_dataset.slug


def test_no_csrf_token_is_needed_for_post(published_dataset):
    client = Client(enforce_csrf_checks=True)
    assert result(call("package_list", client=client)) == [published_dataset.slug]


@pytest.mark.parametrize(
    "headers",
    [
        lambda secret: {"HTTP_AUTHORIZATION": secret},
        lambda secret: {"HTTP_AUTHORIZATION": f"Bearer {secret}"},
        lambda secret: {"HTTP_AUTHORIZATION": f"Token {secret}"},
        lambda secret: {"HTTP_X_CKAN_API_KEY": secret},
    ],
    ids=["raw", "bearer", "token", "x-ckan-api-key"],
)
def test_token_in_any_supported_header_identifies_the_user(headers, member, draft_dataset, token_for):
    secret = token_for(member, scopes=["read"])
    response = Client().post(
        "/api/3/action/package_show",
        json.dumps({"id": draft_dataset.slug}),
        content_type="application/json",
        **headers(secret),
    )
    assert result(response)["state"] == "draft"


def test_other_authorization_schemes_are_not_ours_to_judge(published_dataset):
    response = Client().post(
        "/api/3/action/package_list",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic dXNlcjpwdw==",
    )
    assert result(response) == [published_dataset.slug]


def test_session_counts_for_get_but_not_for_post(client_for, member, draft_dataset):
    client = client_for(member)
    assert result(call("package_show", {"id": draft_dataset.slug}, client=client, method="get"))["private"]
    error(call("package_show", {"id": draft_dataset.slug}, client=client), 404, "Not Found Error")


def test_help_show_returns_the_actions_documentation():
    text = result(call("help_show", {"name": "package_search"}, method="get"))
    assert "fq" in text and "facet.field" in text
    error(call("help_show", {"name": "nope"}), 404, "Not Found Error")


def test_status_show_and_site_read(settings):
    settings.SITE_URL = "https://twinport.example.org"
    status = result(call("status_show", method="get"))
    assert status["ckan_version"] == "2.10.4"
    assert status["site_url"] == "https://twinport.example.org"
    assert status["site_title"] == settings.PORTAL_NAME
    assert isinstance(status["extensions"], list)
    assert result(call("site_read")) is True


def test_invalid_numbers_are_validation_errors():
    assert error(call("package_search", {"rows": "many"}), 409, "Validation Error")["rows"] == [
        "Invalid integer"
    ]
    assert error(call("package_search", {"start": -1}), 409, "Validation Error")["start"] == [
        "Must be a natural number"
    ]
