"""URLs of the quality pages (included at /quality/)."""

from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("publishers/<slug:slug>/", views.organization_dashboard, name="organization_dashboard"),
    path("publishers/<slug:slug>/check/", views.organization_check, name="organization_check"),
    path("publishers/<slug:slug>/scores.csv", views.organization_scores_csv, name="organization_scores_csv"),
    path("programmes/<slug:slug>/", views.programme_dashboard, name="programme_dashboard"),
    path("programmes/<slug:slug>/scores.csv", views.programme_scores_csv, name="programme_scores_csv"),
    path("datasets/<slug:slug>/check/", views.dataset_check, name="dataset_check"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
]
