"""The Action API endpoint: request data, authentication, CKAN's envelope and error answers.

`{"help": …, "success": true, "result": …}` on success; on failure `"success": false` with an `error`
carrying CKAN's `__type` and HTTP status (404 / 403 / 409 / 400). An unknown action, a write action
over GET or an unreadable body is CKAN's plain 400 "Bad request - …" (a JSON string, not an envelope).

CSRF does not apply: writes need an API token in a header (which a browser never adds by itself), and
a session is only honoured for GET, which changes nothing.
"""

import json
import logging

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from accounts.authentication import note_token, token_from_header
from accounts.services import api_token_authenticate
from catalog.uploads import upload_too_large

from . import ActionError, NotAuthorized
from .actions import ACTIONS, Context
from .throttle import throttle_wait

logger = logging.getLogger(__name__)


class BadRequest(Exception):
    """CKAN's "Bad request - …": answered as a bare JSON string with status 400."""


def _mixed(query_dict) -> dict:
    """A QueryDict as CKAN reads one: a repeated key gives a list, a single one its value."""
    return {key: values[0] if len(values) == 1 else values for key, values in query_dict.lists()}


def request_data(request) -> dict:
    """The action's parameters: the query string for GET; for POST a JSON body, a form, or multipart
    (files included). A JSON object posted as a form (`curl -d '{…}'`) is read as JSON, as CKAN does."""
    if request.method == "GET":
        data = _mixed(request.GET)
    elif request.content_type == "multipart/form-data":
        data = _mixed(request.POST)
        data.update({key: files[0] for key, files in request.FILES.lists()})
    else:
        body = request.body
        if not body.strip():
            return {}
        try:
            data = json.loads(body)
        except ValueError as exc:
            if request.content_type != "application/x-www-form-urlencoded":
                raise BadRequest(f"JSON Error: Error decoding JSON data. Error: {exc!r}") from None
            data = _mixed(request.POST)
    if not isinstance(data, dict):
        raise BadRequest(
            f"Bad request data: Request data JSON decoded to {data!r} but it needs to be a dictionary."
        )
    # JSONP and cache-busting parameters of browser clients are not the action's.
    data.pop("callback", None)
    data.pop("_", None)
    return data


def _presented_token(request) -> tuple[bool, str | None]:
    """Whether the request presents an API token, and its secret if it has our form.

    `X-CKAN-API-Key` always counts; `Authorization` counts when raw or Bearer/Token (another scheme,
    e.g. Basic from a proxy, is not ours to judge)."""
    presented = False
    for header in ("X-CKAN-API-Key", "Authorization"):
        value = request.headers.get(header, "").strip()
        if not value:
            continue
        parts = value.split()
        if header == "Authorization" and len(parts) == 2 and parts[0].lower() not in ("bearer", "token"):
            continue
        presented = True
        secret = token_from_header(value)
        if secret is not None:
            return True, secret
    return presented, None


def authenticate(request) -> Context:
    """Who calls: a token's user (an invalid, expired or revoked token is an Authorization Error), the
    session's user for GET, else anonymous."""
    base_url = request.build_absolute_uri("/").rstrip("/")
    presented, secret = _presented_token(request)
    too_large = upload_too_large(request)
    if presented:
        token = api_token_authenticate(secret) if secret else None
        if token is None:
            raise NotAuthorized("Invalid, expired or revoked API token.")
        note_token(request, token)
        return Context(
            user=token.user, token=token, base_url=base_url, upload_too_large=too_large, request=request
        )
    user = request.user if request.method == "GET" and request.user.is_authenticated else AnonymousUser()
    return Context(user=user, token=None, base_url=base_url, upload_too_large=too_large, request=request)


def _throttle_key(context: Context) -> str | None:
    if context.token is not None:
        return f"token:{context.token.pk}"
    if context.user.is_authenticated:
        return f"user:{context.user.pk}"
    return None


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse(f"Bad request - {message}", status=400, safe=False)


@csrf_exempt
def action(request, name: str):
    """Run the action `name` and answer in CKAN's envelope."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    spec = ACTIONS.get(name)
    if spec is None:
        return _bad_request(f"Action name not known: {name}")
    if request.method == "GET" and not spec.read:
        return _bad_request("JSON Error: Invalid request. Please use POST method for your request")
    help_url = request.build_absolute_uri(reverse("ckan:action", args=["help_show"])) + f"?name={name}"
    try:
        data = request_data(request)
    except BadRequest as exc:
        return _bad_request(str(exc))
    try:
        context = authenticate(request)
        wait = throttle_wait(request, user_key=_throttle_key(context))
        if wait is not None:
            response = JsonResponse(
                {
                    "help": help_url,
                    "success": False,
                    "error": {"__type": "Throttled", "message": f"Too many requests: retry in {wait:.0f} s."},
                },
                status=429,
            )
            response["Retry-After"] = str(int(wait) + 1)
            return response
        if spec.read:
            result = spec.function(context, data)
        else:
            with transaction.atomic():
                result = spec.function(context, data)
    except ActionError as exc:
        logger.info("ckan action refused", extra={"action": name, "error": exc.type, "status": exc.status})
        return JsonResponse(
            {"help": help_url, "success": False, "error": exc.error_dict()}, status=exc.status
        )
    return JsonResponse({"help": help_url, "success": True, "result": result}, safe=False)
