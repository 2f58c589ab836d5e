"""Operational endpoints (liveness, readiness) and the exchange's pages: the dataset's access panel
actions, "My access", the publisher inbox (htmx one-click decisions), policies and plans."""

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import ApiToken, Organization
from catalog.models import Dataset

from . import selectors, services
from .choices import PolicyKind, RequestStatus
from .filters import AccessRequestFilterSet
from .forms import (
    AccessRequestForm,
    ApproveForm,
    OrganizationChoiceForm,
    PlanForm,
    PolicyForm,
    ReasonForm,
    SearchSubscriptionForm,
    SubscriptionForm,
)
from .models import AccessEvent, AccessPolicy, AccessRequest, Agreement, Notification, Plan, Subscription
from .odrl import agreement_odrl
from .policies import effective_kind, policy_of
from .webhooks import subscription_secret

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is alive and serving requests (no dependencies checked)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    from marketplace.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def readyz(request):
    """The database and the task broker answer; 503 with the failing parts otherwise."""
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            logger.warning("readiness check failed", extra={"check": name, "error": str(exc)})
            checks[name] = "error"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503
    )


# --- helpers -----------------------------------------------------------------------------------------


def _service(request, function, **kwargs):
    """Run a service for a page: (result, None) or (None, error messages) — a refusal is a message."""
    try:
        return function(**kwargs), None
    except ValidationError as exc:
        return None, exc.messages
    except PermissionDenied as exc:
        return None, [str(exc)]


def _flash(request, errors) -> None:
    for message in errors or []:
        messages.error(request, message)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _visible_dataset(request, slug) -> Dataset:
    return get_object_or_404(Dataset.objects.visible_to(request.user).select_related("publisher"), slug=slug)


# --- consumer: request, accept, subscribe -------------------------------------------------------------


@login_required
def request_create(request, slug):
    """The "Request access" form of an APPROVAL or RESTRICTED dataset."""
    dataset = _visible_dataset(request, slug)
    kind = effective_kind(dataset)
    if kind not in (PolicyKind.APPROVAL, PolicyKind.RESTRICTED):
        return redirect(dataset)
    policy = policy_of(dataset)
    plans = (
        [p for p in policy.plans.all() if p.active and p.requires_approval]
        if policy and kind == "restricted"
        else []
    )
    purposes = policy.allowed_purposes if policy else []
    for plan in plans:
        purposes = purposes + [p for p in plan.allowed_purposes if p not in purposes]
    form = AccessRequestForm(
        request.POST or None,
        user=request.user,
        plans=plans,
        purposes=purposes,
        initial={"plan": request.GET.get("plan")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            access_request = services.access_request_create(
                dataset=dataset,
                requester=request.user,
                purpose=form.cleaned_data["purpose"],
                purpose_category=form.cleaned_data.get("purpose_category", ""),
                organization=form.cleaned_data.get("organization"),
                plan=form.cleaned_data.get("plan"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Your request was sent to %(org)s.") % {"org": dataset.publisher.name}
            )
            return redirect(access_request)
    context = {"form": form, "dataset": dataset, "policy": policy, "kind": kind, "plans": plans}
    return render(request, "marketplace/request_form.html", context)


@login_required
@require_POST
def licence_accept(request, slug):
    dataset = _visible_dataset(request, slug)
    form = OrganizationChoiceForm(request.POST, user=request.user)
    organization = form.cleaned_data.get("organization") if form.is_valid() else None
    agreement, errors = _service(
        request, services.licence_accept, dataset=dataset, user=request.user, organization=organization
    )
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("Licence accepted: you can download the data now."))
    return redirect(dataset.get_absolute_url() + "#access")


@login_required
@require_POST
def plan_subscribe(request, pk):
    plan = get_object_or_404(
        Plan.objects.filter(policy__dataset__in=Dataset.objects.visible_to(request.user).values("pk")), pk=pk
    )
    form = OrganizationChoiceForm(request.POST, user=request.user)
    organization = form.cleaned_data.get("organization") if form.is_valid() else None
    agreement, errors = _service(
        request, services.plan_subscribe, plan=plan, user=request.user, organization=organization
    )
    if errors:
        _flash(request, errors)
        return redirect(plan.policy.dataset.get_absolute_url() + "#access")
    messages.success(request, _("You took the plan “%(plan)s”.") % {"plan": plan.name})
    return redirect(agreement)


@login_required
@require_POST
def dataset_subscribe(request, slug):
    """Follow (or, with action=unsubscribe, stop following) a dataset."""
    dataset = _visible_dataset(request, slug)
    if request.POST.get("action") == "unsubscribe":
        for subscription in Subscription.objects.manageable_by(request.user).filter(dataset=dataset):
            services.subscription_delete(subscription=subscription, actor=request.user)
        messages.success(request, _("You no longer follow this dataset."))
        return redirect(dataset.get_absolute_url() + "#access")
    form = OrganizationChoiceForm(request.POST, user=request.user)
    organization = form.cleaned_data.get("organization") if form.is_valid() else None
    result, errors = _service(
        request, services.subscription_create, user=request.user, organization=organization, dataset=dataset
    )
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("You follow this dataset: changes reach your inbox and e-mail."))
    return redirect(dataset.get_absolute_url() + "#access")


# --- My access ----------------------------------------------------------------------------------------


@login_required
def my_access(request):
    """The consumer's page: requests, agreements, subscriptions, tokens and the latest notifications."""
    requests_ = (
        AccessRequest.objects.outgoing_for(request.user)
        .select_related("dataset__publisher", "organization", "plan", "agreement")
        .order_by("-created_at")
    )
    context = {
        "requests": requests_[:100],
        "agreements": selectors.agreements_held(request.user)[:100],
        "subscriptions": selectors.subscriptions_of(request.user)[:100],
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50],
        "notifications": Notification.objects.visible_to(request.user)[:10],
        "search_form": SearchSubscriptionForm(user=request.user),
        "is_publisher": Organization.objects.editable_by(request.user).exists(),
        "tab": request.GET.get("tab", "requests"),
    }
    return render(request, "marketplace/my_access.html", context)


@login_required
def notification_list(request):
    notifications = Notification.objects.visible_to(request.user).select_related("dataset")
    if request.GET.get("unread"):
        notifications = notifications.unread()
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(
        request, "marketplace/notifications.html", {"page": page, "unread": request.GET.get("unread")}
    )


@never_cache
def unread_badge(request):
    """The menu's unread-notifications badge (loaded by htmx after the page)."""
    unread = selectors.unread_count(request.user) if request.user.is_authenticated else 0
    return render(request, "marketplace/_unread_badge.html", {"unread": unread})


@login_required
@require_POST
def notification_read(request, pk=None):
    """Mark one notification (or all) read; follows the notification's link when asked to."""
    notification = None
    if pk is not None:
        notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification is not None and request.POST.get("follow") and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("marketplace:notifications")


@login_required
def request_detail(request, pk):
    """One request for both parties: its state, history, agreement, and the actions each side has."""
    access_request = get_object_or_404(
        AccessRequest.objects.visible_to(request.user).select_related(
            "dataset__publisher", "organization", "requester", "decided_by", "revoked_by", "plan"
        ),
        pk=pk,
    )
    can_decide = AccessRequest.objects.decidable_by(request.user).filter(pk=pk).exists()
    is_consumer = AccessRequest.objects.outgoing_for(request.user).filter(pk=pk).exists()
    context = {
        "access_request": access_request,
        "events": AccessEvent.objects.filter(access_request=access_request).select_related("actor"),
        "agreement": Agreement.objects.filter(access_request=access_request).first(),
        "can_decide": can_decide,
        "four_eyes": not can_decide
        and AccessRequest.objects.incoming_for(request.user).filter(pk=pk).exists(),
        "is_consumer": is_consumer,
        "approve_form": ApproveForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "marketplace/request_detail.html", context)


@login_required
@require_POST
def request_cancel(request, pk):
    access_request = get_object_or_404(AccessRequest.objects.visible_to(request.user), pk=pk)
    _result, errors = _service(
        request, services.access_request_cancel, access_request=access_request, actor=request.user
    )
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("Request cancelled."))
    return redirect(access_request)


@login_required
def agreement_detail(request, uuid):
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related(
            "dataset__publisher", "consumer_user", "consumer_organization", "entitlement", "access_request"
        ),
        uuid=uuid,
    )
    return render(
        request,
        "marketplace/agreement_detail.html",
        {"agreement": agreement, "odrl": json.dumps(agreement_odrl(agreement), indent=2, ensure_ascii=False)},
    )


@login_required
def agreement_odrl_download(request, uuid):
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), uuid=uuid)
    response = HttpResponse(
        json.dumps(agreement_odrl(agreement), indent=2, ensure_ascii=False),
        content_type="application/ld+json",
    )
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.uuid}.jsonld"'
    return response


@login_required
@require_POST
def agreement_end(request, uuid):
    """Either party ends an agreement made without a request (licence or plan)."""
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), uuid=uuid)
    _result, errors = _service(request, services.agreement_revoke, agreement=agreement, actor=request.user)
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("The agreement has ended; its access stops now."))
    return redirect(agreement)


@login_required
def subscription_detail(request, uuid):
    """Change a subscription (e-mail, webhook), see its delivery log, rotate the secret, unsubscribe."""
    subscription = get_object_or_404(
        Subscription.objects.manageable_by(request.user).select_related("dataset", "organization"), uuid=uuid
    )
    form = SubscriptionForm(
        request.POST or None, initial={"email": subscription.email, "webhook_url": subscription.webhook_url}
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete":
            services.subscription_delete(subscription=subscription, actor=request.user)
            messages.success(request, _("Unsubscribed."))
            return redirect(reverse_tab("subscriptions"))
        if action == "rotate":
            services.subscription_rotate_secret(subscription=subscription, actor=request.user)
            messages.success(request, _("A new webhook secret was made; the old one no longer signs."))
            return redirect("marketplace:subscription_detail", uuid=uuid)
        if form.is_valid():
            try:
                services.subscription_update(
                    subscription=subscription,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    webhook_url=form.cleaned_data["webhook_url"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Subscription saved."))
                return redirect("marketplace:subscription_detail", uuid=uuid)
    context = {
        "subscription": subscription,
        "form": form,
        "secret": subscription_secret(subscription),
        "deliveries": subscription.deliveries.order_by("-created_at", "-pk")[:50],
    }
    return render(request, "marketplace/subscription_detail.html", context)


def reverse_tab(tab: str) -> str:
    from django.urls import reverse

    return reverse("marketplace:my_access") + f"?tab={tab}"


@login_required
@require_POST
def search_subscribe(request):
    form = SearchSubscriptionForm(request.POST, user=request.user)
    if form.is_valid():
        result, errors = _service(
            request,
            services.subscription_create,
            user=request.user,
            organization=form.cleaned_data.get("organization"),
            search_query=form.cleaned_data["search_query"],
            email=form.cleaned_data["email"],
            webhook_url=form.cleaned_data["webhook_url"],
        )
        if errors:
            _flash(request, errors)
        else:
            messages.success(request, _("You follow this search: datasets that match it reach your inbox."))
    else:
        for errors in form.errors.values():
            _flash(request, errors)
    return redirect(reverse_tab("subscriptions"))


# --- publisher: inbox and decisions ---------------------------------------------------------------------


@login_required
def inbox(request):
    """Requests to the datasets of the user's organisations, filterable, decided with one click."""
    params = request.GET.copy()
    if "status" not in params:
        params.setlist("status", [RequestStatus.REQUESTED])
    queryset = (
        AccessRequest.objects.incoming_for(request.user)
        .select_related("dataset__publisher", "organization", "requester", "plan", "decided_by")
        .order_by("-created_at", "-pk")
    )
    filterset = AccessRequestFilterSet(params, queryset=queryset, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    decidable = set(
        AccessRequest.objects.decidable_by(request.user)
        .filter(pk__in=[r.pk for r in page.object_list])
        .values_list("pk", flat=True)
    )
    context = {
        "filterset": filterset,
        "page": page,
        "decidable": decidable,
        "counts": selectors.inbox_counts(request.user),
        "statuses": RequestStatus.choices,
        "status": params.getlist("status"),
        "editable_datasets": Dataset.objects.editable_by(request.user).order_by("title")[:200],
    }
    return render(request, "marketplace/inbox.html", context)


@login_required
@require_POST
def request_decide(request, pk, decision):
    """Approve, reject or revoke; htmx swaps the request's row, a plain form goes back to where it was."""
    access_request = get_object_or_404(AccessRequest.objects.visible_to(request.user), pk=pk)
    errors = None
    if decision == "approve":
        form = ApproveForm(request.POST)
        if form.is_valid():
            _result, errors = _service(
                request,
                services.access_request_approve,
                access_request=access_request,
                approver=request.user,
                access_until=form.cleaned_data["access_until"],
                conditions=form.cleaned_data["conditions"],
            )
        else:
            errors = [e for field in form.errors.values() for e in field]
    elif decision in ("reject", "revoke"):
        form = ReasonForm(request.POST)
        reason = request.POST.get("reason", "")
        service = services.access_request_reject if decision == "reject" else services.access_request_revoke
        who = {"approver": request.user} if decision == "reject" else {"actor": request.user}
        _result, errors = _service(request, service, access_request=access_request, reason=reason, **who)
    else:
        raise Http404
    access_request.refresh_from_db()
    if request.htmx:
        context = {
            "r": access_request,
            "decidable": {access_request.pk}
            if AccessRequest.objects.decidable_by(request.user).filter(pk=pk).exists()
            else set(),
            "row_errors": errors,
        }
        return render(request, "marketplace/_inbox_row.html", context)
    if errors:
        _flash(request, errors)
    else:
        labels = {
            "approve": _("Request approved."),
            "reject": _("Request rejected."),
            "revoke": _("Access revoked."),
        }
        messages.success(request, labels[decision])
    return redirect(
        request.POST.get("next") if request.POST.get("next", "").startswith("/") else access_request
    )


# --- publisher: policy and plans -------------------------------------------------------------------------


@login_required
def policy_edit(request, slug):
    """The access policy of a dataset, its plans, and its downloads by organisation."""
    dataset = get_object_or_404(
        Dataset.objects.editable_by(request.user).select_related("publisher"), slug=slug
    )
    policy = AccessPolicy.objects.filter(dataset=dataset).first()
    initial = (
        {
            "kind": policy.kind,
            "terms": policy.terms,
            "allowed_purposes": policy.allowed_purposes,
            "default_duration_days": policy.default_duration_days,
        }
        if policy
        else {"kind": effective_kind(dataset)}
    )
    form = PolicyForm(request.POST or None, initial=initial, prefix="policy")
    plan_form = PlanForm(None, prefix="plan")
    if request.method == "POST" and request.POST.get("form") == "policy" and form.is_valid():
        try:
            services.access_policy_set(dataset=dataset, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Access policy saved."))
            return redirect("marketplace:policy_edit", slug=slug)
    if request.method == "POST" and request.POST.get("form") == "plan":
        form = PolicyForm(initial=initial, prefix="policy")
        plan_form = PlanForm(request.POST, prefix="plan")
        if policy is None:
            messages.error(request, _("Save the access policy first."))
        elif plan_form.is_valid():
            fields = {name: plan_form.cleaned_data[name] for name in PlanForm.Meta.fields}
            try:
                services.plan_create(policy=policy, actor=request.user, **fields)
            except ValidationError as exc:
                _form_errors(plan_form, exc)
            else:
                messages.success(request, _("Plan added."))
                return redirect("marketplace:policy_edit", slug=slug)
    context = {
        "dataset": dataset,
        "policy": policy,
        "form": form,
        "plan_form": plan_form,
        "plans": policy.plans.all() if policy else [],
        "usage": selectors.downloads_by_organization(user=request.user, dataset=dataset),
        "downloads": selectors.dataset_downloads(user=request.user, dataset=dataset)[:50],
    }
    return render(request, "marketplace/policy_form.html", context)


@login_required
@require_POST
def plan_toggle(request, pk):
    """Offer or withdraw a plan (a plan with agreements is never deleted)."""
    plan = get_object_or_404(
        Plan.objects.filter(policy__dataset__in=Dataset.objects.editable_by(request.user).values("pk")), pk=pk
    )
    services.plan_update(plan=plan, actor=request.user, active=not plan.active)
    return redirect("marketplace:policy_edit", slug=plan.policy.dataset.slug)
