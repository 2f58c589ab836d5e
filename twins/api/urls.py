"""Router registrations of the twins API (included by marketplace/api_urls.py)."""

from .views import CityTwinViewSet, TwinModelViewSet

ROUTES = [
    ("twins", CityTwinViewSet, "twin"),
    ("twin-models", TwinModelViewSet, "twin-model"),
]
