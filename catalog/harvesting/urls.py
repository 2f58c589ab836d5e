"""URLs of harvesting pages (included at /harvest/)."""

from django.urls import path

from . import views

app_name = "harvesting"

urlpatterns = [
    path("", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("sources/<slug:slug>/edit/", views.source_edit, name="source_edit"),
    path("sources/<slug:slug>/run/", views.source_run, name="source_run"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
]
