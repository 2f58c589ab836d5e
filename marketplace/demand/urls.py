"""URLs of /requests/ and /showcases/."""

from django.urls import path

from . import views

app_name = "demand"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/suggest/", views.request_suggest, name="request_suggest"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/vote/", views.request_vote, name="request_vote"),
    path("requests/<int:pk>/follow/", views.request_follow, name="request_follow"),
    path("requests/<int:pk>/respond/", views.request_respond, name="request_respond"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/moderate/", views.request_moderate, name="request_moderate"),
    path("requests/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("requests/<int:pk>/comments/<int:comment_pk>/report/", views.comment_report, name="comment_report"),
    path("requests/<int:pk>/comments/<int:comment_pk>/hide/", views.comment_hide, name="comment_hide"),
    path("showcases/", views.showcase_list, name="showcase_list"),
    path("showcases/new/", views.showcase_create, name="showcase_create"),
    path("showcases/<slug:slug>/", views.showcase_detail, name="showcase_detail"),
    path("showcases/<slug:slug>/edit/", views.showcase_edit, name="showcase_edit"),
    path("showcases/<slug:slug>/image.jpg", views.showcase_image, name="showcase_image"),
    path("showcases/<slug:slug>/feature/", views.showcase_feature, name="showcase_feature"),
    path("showcases/<slug:slug>/delete/", views.showcase_delete, name="showcase_delete"),
]
