"""URLs of the catalogue pages and the publisher workspace."""

from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<slug:slug>/files/<int:pk>/", views.distribution_download, name="distribution_download"),
    path(
        "datasets/<slug:slug>/links/<int:pk>/<str:kind>/",
        views.distribution_link,
        name="distribution_link",
    ),
    path("dashboard/", views.workspace, name="workspace"),
    path("dashboard/datasets/new/", views.dataset_create, name="dataset_create"),
    path("dashboard/datasets/<slug:slug>/edit/", views.dataset_edit, name="dataset_edit"),
    path("dashboard/datasets/<slug:slug>/status/", views.dataset_status, name="dataset_status"),
    path(
        "dashboard/datasets/<slug:slug>/distributions/new/",
        views.distribution_create,
        name="distribution_create",
    ),
    path(
        "dashboard/datasets/<slug:slug>/distributions/<int:pk>/edit/",
        views.distribution_edit,
        name="distribution_edit",
    ),
    path(
        "dashboard/datasets/<slug:slug>/distributions/<int:pk>/delete/",
        views.distribution_delete,
        name="distribution_delete",
    ),
]
