"""Django admin of the exchange: policies and plans editable; requests, agreements, downloads and
deliveries read-only records (their state changes only through the services)."""

from django.contrib import admin

from .models import (
    AccessEvent,
    AccessPolicy,
    AccessRequest,
    Agreement,
    Download,
    Entitlement,
    Notification,
    Plan,
    Subscription,
    WebhookDelivery,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanInline(admin.TabularInline):
    model = Plan
    extra = 0


@admin.register(AccessPolicy)
class AccessPolicyAdmin(admin.ModelAdmin):
    list_display = ["dataset", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["dataset__title", "dataset__slug"]
    raw_id_fields = ["dataset", "updated_by"]
    inlines = [PlanInline]


class AccessEventInline(admin.TabularInline):
    model = AccessEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "detail", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "requester", "organization", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["dataset__title", "requester__email", "organization__name"]
    inlines = [AccessEventInline]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = [
        "uuid",
        "dataset",
        "basis",
        "consumer_organization",
        "consumer_user",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["basis"]
    search_fields = ["dataset__title", "consumer_user__email"]


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = [
        "dataset",
        "organization",
        "user",
        "valid_from",
        "valid_until",
        "revoked_at",
        "monthly_quota",
    ]


@admin.register(Download)
class DownloadAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "distribution", "user", "organization", "channel", "created_at"]
    list_filter = ["channel"]
    date_hierarchy = "created_at"


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "user", "email", "webhook_url", "created_at"]
    raw_id_fields = ["user", "organization", "dataset"]
    readonly_fields = ["uuid", "secret_version"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "subscription",
        "event",
        "status",
        "attempts",
        "response_status",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status"]
