"""The portal's URLs plus ``bench/floor``: a bare view that measures request overhead alone."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

FLOOR_PATH = "/bench/floor"


def floor(request: HttpRequest) -> JsonResponse:
    """A small JSON answer with no database work: what the middleware stack and routing cost."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path(FLOOR_PATH.lstrip("/"), floor, name="bench-floor"),
    path("", include("marketplace.urls")),
]
