"""/api/v1/: one router for every app's REST endpoints."""

from rest_framework.routers import DefaultRouter

from accounts.api.views import OrganizationViewSet
from catalog.api.views import DatasetViewSet, DistributionViewSet, VocabularyViewSet

router = DefaultRouter()
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("distributions", DistributionViewSet, basename="distribution")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("vocabularies", VocabularyViewSet, basename="vocabulary")

urlpatterns = router.urls
