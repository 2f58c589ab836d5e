from django.urls import path

from . import views

app_name = "previews"

urlpatterns = [
    path("distributions/<int:pk>/", views.preview_fragment, name="fragment"),
    path("distributions/<int:pk>/<str:source>/thumbnail.png", views.preview_thumbnail, name="thumbnail"),
    path("distributions/<int:pk>/sample/", views.sample_edit, name="sample_edit"),
    path("distributions/<int:pk>/sample/file/", views.sample_download, name="sample_download"),
    path("distributions/<int:pk>/sample/delete/", views.sample_delete, name="sample_delete"),
]
