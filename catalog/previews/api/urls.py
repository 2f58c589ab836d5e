"""The previews API's routes, added before the /api/v1/ router's by marketplace.api_urls."""

from django.urls import path

from .views import DistributionPreviewSampleView, DistributionPreviewView

urlpatterns = [
    path("distributions/<int:pk>/preview/", DistributionPreviewView.as_view(), name="distribution-preview"),
    path(
        "distributions/<int:pk>/preview/sample/",
        DistributionPreviewSampleView.as_view(),
        name="distribution-preview-sample",
    ),
]
