"""Counting API calls: per endpoint group, token and caller organisation, and — where a view names
the object it served (`catalog.hooks.note_subject`) — per dataset, twin or model and its publisher."""

import re

from .choices import EventKind
from .recorder import record_use

# Machine-readable answers outside /api/: the DCAT-AP catalogue and per-item RDF.
_RDF = re.compile(r"^/(?:[a-z]{2}/)?(?:catalog|datasets/[^/]+|models/[^/]+)\.(?:ttl|rdf|jsonld|nt)$")
_NOT_CALLS = ("schema", "docs", "redoc")


def endpoint_group(path: str) -> str | None:
    """ "datasets", "twins", "ckan", "dcat" …; None for a path that is not an API call."""
    if path.startswith("/api/"):
        parts = path.split("/")
        if parts[2] in ("3", "action"):
            return "ckan"
        if parts[2] == "v1" and len(parts) > 3 and parts[3]:
            return parts[3][:20]
        return None if parts[2] in _NOT_CALLS else (parts[2][:20] or None)
    if _RDF.match(path):
        return "dcat"
    return None


class ApiMeteringMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        group = endpoint_group(request.path_info)
        if group is not None:
            token = getattr(request, "api_token", None)
            record_use(
                request,
                EventKind.API_CALL,
                getattr(request, "metrics_subject", None),
                user=token.user if token is not None else None,
                channel=group,
                token_id=token.pk if token is not None else 0,
            )
        return response
