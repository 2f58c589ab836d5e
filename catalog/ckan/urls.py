"""URLs of the CKAN Action API; included at /api/3/action/ (namespace `ckan`) and /api/action/
(instance namespace `ckan-legacy`, the same application)."""

from django.urls import path

from . import views

app_name = "ckan"

urlpatterns = [
    path("<str:name>", views.action, name="action"),
]
