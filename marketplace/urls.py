"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from catalog.sitemaps import DatasetSitemap, OrganizationSitemap
from marketplace.demand.sitemaps import SITEMAPS as DEMAND_SITEMAPS
from twins.sitemaps import SITEMAPS as TWIN_SITEMAPS

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(
        "sitemap.xml",
        sitemap,
        {
            "sitemaps": {
                "datasets": DatasetSitemap,
                "organizations": OrganizationSitemap,
                **TWIN_SITEMAPS,
                **DEMAND_SITEMAPS,
            }
        },
        name="sitemap",
    ),
    path("api/3/action/", include("catalog.ckan.urls")),
    path("api/action/", include(("catalog.ckan.urls", "ckan"), namespace="ckan-legacy")),
    path("api/v1/", include("marketplace.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("harvest/", include("catalog.harvesting.urls")),
    path("quality/", include("catalog.quality.urls")),
    path("previews/", include("catalog.previews.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("marketplace.access_urls")),
    path("", include("marketplace.demand.urls")),
    path("", include("marketplace.metrics.urls", namespace="metrics")),
    path("", include("accounts.urls")),
    path("", include("twins.urls")),
    path("", include("catalog.dcat.urls")),
    path("", include("catalog.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
