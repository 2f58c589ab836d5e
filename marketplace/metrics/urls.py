"""Usage dashboards and their exports, under /dashboard/metrics/."""

from django.urls import path, re_path

from . import views

app_name = "metrics"

urlpatterns = [
    path("dashboard/metrics/", views.index, name="index"),
    path("dashboard/metrics/programmes/<slug:slug>/", views.programme, name="programme"),
    path("dashboard/metrics/publishers/<slug:slug>/", views.publisher, name="publisher"),
    path("dashboard/metrics/datasets/<slug:slug>/", views.dataset, name="dataset"),
    re_path(
        r"^dashboard/metrics/(?P<scope>programmes|publishers|datasets)/(?P<slug>[-a-zA-Z0-9_]+)/export/"
        r"(?P<table>[-a-zA-Z0-9_]+)\.(?P<fmt>[a-z]+)$",
        views.export,
        name="export",
    ),
]
