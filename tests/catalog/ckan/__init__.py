"""Tests of the CKAN-compatible Action API (catalog.ckan), and `call`, the helper they share."""

import json

from django.test import Client
from django.urls import reverse


def call(
    action: str,
    data: dict | None = None,
    *,
    client: Client | None = None,
    method: str = "post",
    token: str | None = None,
    namespace: str = "ckan",
):
    """Call an action the way CKAN clients do — POST with a JSON body (or GET with query parameters) —
    with `token` in the Authorization header; returns the response (`.status_code`, `.json()`)."""
    client = client or Client()
    url = reverse(f"{namespace}:action", args=[action])
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    if method == "get":
        return client.get(url, data or {}, **headers)
    return client.post(url, json.dumps(data or {}), content_type="application/json", **headers)


def result(response):
    """The `result` of a successful answer (asserting the envelope)."""
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["success"] is True
    return body["result"]


def error(response, status: int, error_type: str) -> dict:
    """The `error` of a failed answer (asserting status, envelope and `__type`)."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["success"] is False
    assert body["error"]["__type"] == error_type
    return body["error"]
