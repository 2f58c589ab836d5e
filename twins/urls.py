"""/twins/… and /models/…: city twins and twin models."""

from django.urls import path

from catalog.dcat import urls as _dcat_urls  # noqa: F401 - registers the "rdfformat" path converter

from . import views

app_name = "twins"

urlpatterns = [
    path("twins/", views.twin_list, name="twin_list"),
    path("twins/new/", views.twin_create, name="twin_create"),
    path("twins/<slug:slug>/", views.twin_detail, name="twin_detail"),
    path("twins/<slug:slug>/edit/", views.twin_edit, name="twin_edit"),
    path("twins/<slug:slug>/maturity/", views.twin_maturity, name="twin_maturity"),
    path("twins/<slug:slug>/links/", views.twin_links, name="twin_links"),
    path("twins/<slug:slug>/status/", views.twin_status, name="twin_status"),
    path("twins/<slug:slug>/services/", views.twin_service_add, name="twin_service_add"),
    path(
        "twins/<slug:slug>/services/<int:pk>/delete/", views.twin_service_delete, name="twin_service_delete"
    ),
    path("twins/<slug:slug>/services/<int:pk>/check/", views.twin_service_check, name="twin_service_check"),
    path("models/", views.model_list, name="model_list"),
    path("models/new/", views.model_create, name="model_create"),
    path("models/<slug:slug>.<rdfformat:fmt>", views.model_dcat, name="model_dcat"),
    path("models/<slug:slug>/", views.model_detail, name="model_detail"),
    path("models/<slug:slug>/edit/", views.model_edit, name="model_edit"),
    path("models/<slug:slug>/upload/", views.model_upload, name="model_upload"),
    path("models/<slug:slug>/status/", views.model_status, name="model_status"),
    path("models/<slug:slug>/versions/<int:pk>/", views.model_version, name="model_version"),
    path("models/<slug:slug>/versions/<int:pk>/download/", views.model_download, name="model_download"),
    path(
        "models/<slug:slug>/versions/<int:pk>/validate/", views.validation_run_restart, name="model_validate"
    ),
    path("models/<slug:slug>/runs/<int:pk>/", views.validation_run, name="validation_run"),
]
