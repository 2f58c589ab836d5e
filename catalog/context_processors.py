"""Template context of the catalogue pages: map settings."""

from django.conf import settings


def maps(request):
    # Empty by default: the maps draw on a plain background and no browser calls a third party.
    return {"MAP_TILE_URL": settings.MAP_TILE_URL}
