"""URLs of the exchange's pages: /access/… for consumers, /dashboard/access/… for publishers."""

from django.urls import path

from . import views

app_name = "marketplace"

urlpatterns = [
    path("access/", views.my_access, name="my_access"),
    path("access/notifications/", views.notification_list, name="notifications"),
    path("access/notifications/read/", views.notification_read, name="notifications_read"),
    path("access/notifications/badge/", views.unread_badge, name="unread_badge"),
    path("access/notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("access/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("access/requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("access/agreements/<uuid:uuid>/", views.agreement_detail, name="agreement_detail"),
    path("access/agreements/<uuid:uuid>/odrl.jsonld", views.agreement_odrl_download, name="agreement_odrl"),
    path("access/agreements/<uuid:uuid>/end/", views.agreement_end, name="agreement_end"),
    path("access/subscriptions/<uuid:uuid>/", views.subscription_detail, name="subscription_detail"),
    path("access/subscriptions/search/", views.search_subscribe, name="search_subscribe"),
    path("access/datasets/<slug:slug>/request/", views.request_create, name="request_create"),
    path("access/datasets/<slug:slug>/accept-licence/", views.licence_accept, name="licence_accept"),
    path("access/datasets/<slug:slug>/subscribe/", views.dataset_subscribe, name="dataset_subscribe"),
    path("access/plans/<int:pk>/subscribe/", views.plan_subscribe, name="plan_subscribe"),
    path("dashboard/access/", views.inbox, name="inbox"),
    path(
        "dashboard/access/requests/<int:pk>/<str:decision>/",
        views.request_decide,
        name="request_decide",
    ),
    path("dashboard/access/datasets/<slug:slug>/policy/", views.policy_edit, name="policy_edit"),
    path("dashboard/access/plans/<int:pk>/toggle/", views.plan_toggle, name="plan_toggle"),
]
