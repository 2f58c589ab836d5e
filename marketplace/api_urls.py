"""/api/v1/: one router for every app's REST endpoints."""

from rest_framework.routers import DefaultRouter

from accounts.api.views import OrganizationViewSet
from catalog.api.views import (
    DatasetViewSet,
    DistributionViewSet,
    FileTypeViewSet,
    FrequencyViewSet,
    LicenceViewSet,
    ThemeViewSet,
)
from catalog.harvesting.api import HarvestJobViewSet, HarvestSourceViewSet
from catalog.previews.api.urls import urlpatterns as PREVIEW_URLS
from catalog.quality.api.urls import ROUTES as QUALITY_ROUTES
from marketplace.api.views import (
    AccessPolicyViewSet,
    AccessRequestViewSet,
    AgreementViewSet,
    DownloadViewSet,
    NotificationViewSet,
    PlanViewSet,
    SubscriptionViewSet,
    TokenViewSet,
)
from marketplace.demand.api.urls import ROUTES as DEMAND_ROUTES
from marketplace.metrics.api.views import MetricsViewSet
from twins.api.urls import ROUTES as TWIN_ROUTES

router = DefaultRouter()
router.register("datasets", DatasetViewSet, basename="dataset")
router.register("distributions", DistributionViewSet, basename="distribution")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("licences", LicenceViewSet, basename="licence")
router.register("themes", ThemeViewSet, basename="theme")
router.register("frequencies", FrequencyViewSet, basename="frequency")
router.register("file-types", FileTypeViewSet, basename="file-type")

router.register("harvest-sources", HarvestSourceViewSet, basename="harvest-source")
router.register("harvest-jobs", HarvestJobViewSet, basename="harvest-job")
for prefix, viewset, basename in QUALITY_ROUTES:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in TWIN_ROUTES:
    router.register(prefix, viewset, basename=basename)

router.register("access-policies", AccessPolicyViewSet, basename="access-policy")
router.register("plans", PlanViewSet, basename="plan")
router.register("access-requests", AccessRequestViewSet, basename="access-request")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("downloads", DownloadViewSet, basename="download")
router.register("tokens", TokenViewSet, basename="token")
for prefix, viewset, basename in DEMAND_ROUTES:
    router.register(prefix, viewset, basename=basename)
router.register("metrics", MetricsViewSet, basename="metrics")

# Before the router: /distributions/{id}/preview/ (catalog.previews) beside the distribution routes.
urlpatterns = [*PREVIEW_URLS, *router.urls]
