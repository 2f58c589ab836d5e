"""URLs of organisation, programme, invitation and token pages."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<slug:slug>/members/", views.organization_members, name="organization_members"),
    path("organizations/<slug:slug>/members/<int:pk>/", views.membership_update, name="membership_update"),
    path("organizations/<slug:slug>/leave/", views.organization_leave, name="organization_leave"),
    path(
        "organizations/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/data-export/", views.data_export, name="data_export"),
    path("accounts/delete/", views.account_delete, name="account_delete"),
    path("accounts/tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
