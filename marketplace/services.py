"""Every write of the exchange: policies and plans, access requests and their decisions, agreements,
entitlements, downloads, subscriptions and notifications.

Race safety: a state change locks its row (`select_for_update`) and re-reads the state under the lock,
or is a conditional UPDATE that only one caller can win; unique constraints stop double submits. So a
double approval, an approval racing a revocation or a double subscription ends the same way on SQLite
and PostgreSQL: the first wins, the second is refused (or answered with the existing row).
"""

import logging
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from catalog.choices import DatasetStatus
from catalog.models import Dataset

from . import notifications
from .choices import (
    NOT_FOR_PERSONAL_DATA,
    AgreementBasis,
    DownloadChannel,
    EventAction,
    NotificationKind,
    PolicyKind,
    RequestStatus,
)
from .metrics import exchange as metrics
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
)
from .policies import active_entitlement, effective_kind, is_publisher_member, policy_of

logger = logging.getLogger(__name__)

POLICY_FIELDS = {"kind", "terms", "allowed_purposes", "default_duration_days"}
PLAN_FIELDS = {
    "name",
    "terms",
    "allowed_purposes",
    "duration_days",
    "monthly_quota",
    "api_rate",
    "price",
    "requires_approval",
    "active",
    "position",
}


def _ensure_editor(actor: User, dataset: Dataset) -> None:
    if not Dataset.objects.editable_by(actor).filter(pk=dataset.pk).exists():
        raise PermissionDenied(_("You are not an editor of %(org)s.") % {"org": dataset.publisher.name})


def _unknown(fields: dict, allowed: set) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _clean_purposes(values) -> list[str]:
    cleaned = []
    for value in values or []:
        value = " ".join(str(value).split())[:100]
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def _event(access_request: AccessRequest, actor: User | None, action: str, detail: str = "") -> None:
    AccessEvent.objects.create(access_request=access_request, actor=actor, action=action, detail=detail)


# --- policies and plans -------------------------------------------------------------------------------


@transaction.atomic
def access_policy_set(*, dataset: Dataset, actor: User, **fields) -> AccessPolicy:
    """Create or change the dataset's access policy (editors of the publisher only). A dataset with
    personal data cannot be OPEN or REGISTERED; a RESTRICTED policy is offered through its plans."""
    _unknown(fields, POLICY_FIELDS)
    _ensure_editor(actor, dataset)
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()
    policy = AccessPolicy.objects.filter(dataset=dataset).first() or AccessPolicy(dataset=dataset)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.allowed_purposes = _clean_purposes(policy.allowed_purposes)
    policy.updated_by = actor
    if dataset.contains_personal_data and policy.kind in NOT_FOR_PERSONAL_DATA:
        raise ValidationError(
            {"kind": _("This dataset contains personal data: choose approval or restricted access.")}
        )
    policy.full_clean()
    policy.save()
    dataset.access_policy = policy
    logger.info("access policy set", extra={"dataset": dataset.pk, "kind": policy.kind})
    return policy


@transaction.atomic
def plan_create(*, policy: AccessPolicy, actor: User, **fields) -> Plan:
    """Add a plan to a policy (plans are what a RESTRICTED policy offers)."""
    _unknown(fields, PLAN_FIELDS)
    _ensure_editor(actor, policy.dataset)
    plan = Plan(policy=policy, **fields)
    plan.allowed_purposes = _clean_purposes(plan.allowed_purposes)
    if "position" not in fields:
        plan.position = policy.plans.count()
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, actor: User, **fields) -> Plan:
    """Change a plan; agreements already made keep the terms they snapshotted."""
    _unknown(fields, PLAN_FIELDS)
    _ensure_editor(actor, plan.policy.dataset)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.allowed_purposes = _clean_purposes(plan.allowed_purposes)
    plan.full_clean()
    plan.save()
    return plan


# --- agreements and entitlements -------------------------------------------------------------------


def _licence_snapshot(dataset: Dataset) -> dict | None:
    licence = dataset.licence
    if licence is None:
        return None
    return {"id": licence.id, "title": licence.title, "uri": licence.uri, "open": licence.is_open}


def _party(organization: Organization | None, user: User) -> dict:
    if organization is not None:
        return {
            "organization": organization.name,
            "organization_slug": organization.slug,
            "uri": settings.SITE_URL + organization.get_absolute_url(),
            "user": user.email,
        }
    return {"user": user.email}


def _agreement_create(
    *,
    basis: str,
    dataset: Dataset,
    user: User,
    organization: Organization | None,
    plan: Plan | None = None,
    access_request: AccessRequest | None = None,
    valid_until=None,
    purpose: str = "",
    purpose_category: str = "",
    conditions: str = "",
    approver: User | None = None,
) -> Agreement:
    """Snapshot what is agreed now and grant the entitlement that follows from it."""
    now = timezone.now()
    policy = policy_of(dataset)
    snapshot = {
        "dataset": {
            "uri": dataset.uri,
            "title": dataset.title,
            "identifier": dataset.identifier or dataset.uri,
        },
        "licence": _licence_snapshot(dataset),
        "policy": {
            "kind": effective_kind(dataset),
            "terms": policy.terms if policy else "",
            "allowed_purposes": policy.allowed_purposes if policy else [],
        },
        "plan": None
        if plan is None
        else {
            "name": plan.name,
            "terms": plan.terms,
            "allowed_purposes": plan.allowed_purposes,
            "duration_days": plan.duration_days,
            "monthly_quota": plan.monthly_quota,
            "price": plan.price,
        },
        "purpose": purpose,
        "purpose_category": purpose_category,
        "conditions": conditions,
        "provider": {
            "organization": dataset.publisher.name,
            "organization_slug": dataset.publisher.slug,
            "uri": settings.SITE_URL + dataset.publisher.get_absolute_url(),
            "approved_by": approver.email if approver else None,
        },
        "consumer": _party(organization, user),
        "valid_from": now.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
    }
    agreement = Agreement.objects.create(
        basis=basis,
        access_request=access_request,
        dataset=dataset,
        plan=plan,
        provider=dataset.publisher,
        consumer_user=user,
        consumer_organization=organization,
        snapshot=snapshot,
        valid_from=now,
        valid_until=valid_until,
    )
    Entitlement.objects.create(
        agreement=agreement,
        dataset=dataset,
        user=user,
        organization=organization,
        plan=plan,
        monthly_quota=plan.monthly_quota if plan else None,
        valid_from=now,
        valid_until=valid_until,
    )
    metrics.agreement_made(agreement)
    return agreement


def _consumer_organization(user: User, organization: Organization | None) -> Organization | None:
    if organization is not None and not user.memberships.filter(organization=organization).exists():
        raise ValidationError({"organization": _("You can only act for an organisation you belong to.")})
    return organization


def _ensure_obtainable(dataset: Dataset, user: User) -> None:
    if dataset.status != DatasetStatus.PUBLISHED:
        raise ValidationError(_("Only a published dataset can be requested."))
    if is_publisher_member(user, dataset) and not user.is_superuser:
        raise ValidationError(_("Your organisation publishes this dataset: you already have its data."))
    if active_entitlement(user, dataset) is not None:
        raise ValidationError(_("You already have access to this dataset."))


@transaction.atomic
def licence_accept(*, dataset: Dataset, user: User, organization: Organization | None = None) -> Agreement:
    """Accept the licence of a REGISTERED dataset: an agreement and an entitlement at once. Accepting
    twice returns the agreement already in force."""
    if effective_kind(dataset) != PolicyKind.REGISTERED:
        raise ValidationError(_("This dataset's data is not offered on licence acceptance."))
    organization = _consumer_organization(user, organization)
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()  # serialises concurrent accepts
    existing = active_entitlement(user, dataset)
    if existing is not None:
        return existing.agreement
    _ensure_obtainable(dataset, user)
    agreement = _agreement_create(
        basis=AgreementBasis.LICENCE, dataset=dataset, user=user, organization=organization
    )
    logger.info("licence accepted", extra={"dataset": dataset.pk, "agreement": agreement.pk})
    return agreement


@transaction.atomic
def plan_subscribe(
    *, plan: Plan, user: User, organization: Organization | None = None, purpose: str = ""
) -> Agreement:
    """Take a RESTRICTED plan that needs no approval: an agreement and an entitlement at once."""
    dataset = plan.policy.dataset
    if effective_kind(dataset) != PolicyKind.RESTRICTED or not plan.active:
        raise ValidationError({"plan": _("This plan is not offered.")})
    if plan.requires_approval:
        raise ValidationError({"plan": _("This plan needs the publisher's approval: request access.")})
    organization = _consumer_organization(user, organization)
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()
    _ensure_obtainable(dataset, user)
    valid_until = timezone.now() + timedelta(days=plan.duration_days) if plan.duration_days else None
    return _agreement_create(
        basis=AgreementBasis.PLAN,
        dataset=dataset,
        user=user,
        organization=organization,
        plan=plan,
        valid_until=valid_until,
        purpose=purpose,
    )


# --- access requests ---------------------------------------------------------------------------------


def access_request_create(
    *,
    dataset: Dataset,
    requester: User,
    purpose: str,
    organization: Organization | None = None,
    plan: Plan | None = None,
    purpose_category: str = "",
) -> AccessRequest:
    """A consumer asks for an APPROVAL or RESTRICTED dataset's data, stating a purpose (and a plan)."""
    kind = effective_kind(dataset)
    errors = {}
    if kind not in (PolicyKind.APPROVAL, PolicyKind.RESTRICTED):
        raise ValidationError(_("This dataset's data needs no request."))
    policy = policy_of(dataset)
    if kind == PolicyKind.RESTRICTED:
        if plan is None:
            errors["plan"] = _("Choose a plan.")
        elif plan.policy_id != getattr(policy, "pk", None) or not plan.active:
            errors["plan"] = _("This plan is not offered for this dataset.")
    elif plan is not None:
        errors["plan"] = _("This dataset has no plans.")
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("Say what you will use the data for.")
    allowed = (plan.allowed_purposes if plan is not None and plan.allowed_purposes else None) or (
        policy.allowed_purposes if policy else []
    )
    if allowed and purpose_category not in allowed:
        errors["purpose_category"] = _("Choose one of the allowed purposes: %(list)s.") % {
            "list": ", ".join(allowed)
        }
    if errors:
        raise ValidationError(errors)
    organization = _consumer_organization(requester, organization)
    _ensure_obtainable(dataset, requester)
    access_request = AccessRequest(
        dataset=dataset,
        requester=requester,
        organization=organization,
        plan=plan,
        purpose=purpose,
        purpose_category=purpose_category,
    )
    access_request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            access_request.save()
            _event(access_request, requester, EventAction.REQUESTED, purpose)
            notifications.request_created(access_request)
            metrics.request_created(access_request)
    except IntegrityError:
        # The one-open-request constraint: a double submit (or a second tab) is refused.
        raise ValidationError(_("You already have an open request for this dataset.")) from None
    logger.info("access requested", extra={"dataset": dataset.pk, "access_request": access_request.pk})
    return access_request


def _locked(access_request: AccessRequest) -> AccessRequest:
    return (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("dataset__publisher", "plan")
        .get(pk=access_request.pk)
    )


def _ensure_decider(access_request: AccessRequest, actor: User) -> None:
    """Only the publisher's admins and editors decide, and never for their own organisation's request."""
    if AccessRequest.objects.decidable_by(actor).filter(pk=access_request.pk).exists():
        return
    if AccessRequest.objects.incoming_for(actor).filter(pk=access_request.pk).exists():
        raise PermissionDenied(_("Four-eyes rule: you cannot decide a request of your own organisation."))
    raise PermissionDenied(_("Only the publisher's admins and editors decide on this request."))


@transaction.atomic
def access_request_approve(
    *, access_request: AccessRequest, approver: User, access_until=None, conditions: str = ""
) -> Agreement:
    """Approve a pending request and grant the entitlement it asked for (four-eyes). The access lasts
    until `access_until`, else the plan's duration, else the policy's default, else until revoked."""
    _ensure_decider(access_request, approver)
    access_request = _locked(access_request)
    if access_request.status != RequestStatus.REQUESTED:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": access_request.get_status_display().lower()}
        )
    now = timezone.now()
    if access_until is not None and access_until <= now:
        raise ValidationError({"access_until": _("The end of access must be in the future.")})
    if access_until is None:
        plan = access_request.plan
        policy = policy_of(access_request.dataset)
        days = (plan.duration_days if plan else None) or (policy.default_duration_days if policy else None)
        access_until = now + timedelta(days=days) if days else None
    access_request.status = RequestStatus.APPROVED
    access_request.decided_by = approver
    access_request.decided_at = now
    access_request.conditions = conditions.strip()
    access_request.access_until = access_until
    access_request.save(
        update_fields=["status", "decided_by", "decided_at", "conditions", "access_until", "updated_at"]
    )
    agreement = _agreement_create(
        basis=AgreementBasis.APPROVAL,
        dataset=access_request.dataset,
        user=access_request.requester,
        organization=access_request.organization,
        plan=access_request.plan,
        access_request=access_request,
        valid_until=access_until,
        purpose=access_request.purpose,
        purpose_category=access_request.purpose_category,
        conditions=access_request.conditions,
        approver=approver,
    )
    _event(access_request, approver, EventAction.APPROVED, access_request.conditions)
    metrics.request_decided(access_request, approved=True)
    notifications.request_decided(access_request, NotificationKind.REQUEST_APPROVED)
    logger.info("access approved", extra={"access_request": access_request.pk, "agreement": agreement.pk})
    return agreement


@transaction.atomic
def access_request_reject(*, access_request: AccessRequest, approver: User, reason: str) -> AccessRequest:
    """Reject a pending request with a reason the requester reads."""
    _ensure_decider(access_request, approver)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the requester a reason.")})
    access_request = _locked(access_request)
    if access_request.status != RequestStatus.REQUESTED:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": access_request.get_status_display().lower()}
        )
    access_request.status = RequestStatus.REJECTED
    access_request.decided_by = approver
    access_request.decided_at = timezone.now()
    access_request.reason = reason
    access_request.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    _event(access_request, approver, EventAction.REJECTED, reason)
    metrics.request_decided(access_request, approved=False)
    notifications.request_decided(access_request, NotificationKind.REQUEST_REJECTED)
    return access_request


@transaction.atomic
def access_request_cancel(*, access_request: AccessRequest, actor: User) -> AccessRequest:
    """The requester (or a member of the organisation asked for) withdraws a pending request."""
    if not AccessRequest.objects.outgoing_for(actor).filter(pk=access_request.pk).exists():
        raise PermissionDenied(_("Only the requester's side can cancel a request."))
    access_request = _locked(access_request)
    if access_request.status != RequestStatus.REQUESTED:
        raise ValidationError(_("Only a pending request can be cancelled."))
    access_request.status = RequestStatus.CANCELLED
    access_request.save(update_fields=["status", "updated_at"])
    _event(access_request, actor, EventAction.CANCELLED)
    notifications.request_cancelled(access_request)
    return access_request


@transaction.atomic
def access_request_revoke(*, access_request: AccessRequest, actor: User, reason: str = "") -> AccessRequest:
    """End an approved access now: its entitlement stops at once (the next download is a 404)."""
    _ensure_decider(access_request, actor)
    access_request = _locked(access_request)
    if access_request.status != RequestStatus.APPROVED:
        raise ValidationError(_("Only an approved request can be revoked."))
    now = timezone.now()
    access_request.status = RequestStatus.REVOKED
    access_request.revoked_by = actor
    access_request.revoked_at = now
    access_request.reason = (reason or "").strip()
    access_request.save(update_fields=["status", "revoked_by", "revoked_at", "reason", "updated_at"])
    Entitlement.objects.filter(agreement__access_request=access_request, revoked_at__isnull=True).update(
        revoked_at=now
    )
    _event(access_request, actor, EventAction.REVOKED, access_request.reason)
    notifications.request_decided(access_request, NotificationKind.ACCESS_REVOKED)
    return access_request


def agreement_revoke(*, agreement: Agreement, actor: User) -> None:
    """End the entitlement of an agreement made without a request (licence or plan): the publisher's
    editors, or the consumer's side giving it up."""
    if agreement.access_request_id:
        access_request_revoke(access_request=agreement.access_request, actor=actor)
        return
    allowed = Agreement.objects.visible_to(actor).filter(pk=agreement.pk).exists()
    if not allowed:
        raise PermissionDenied(_("You are not a party to this agreement."))
    Entitlement.objects.filter(agreement=agreement, revoked_at__isnull=True).update(revoked_at=timezone.now())


def access_requests_expire(*, now=None) -> int:
    """Expire requests left unanswered for ACCESS_REQUEST_EXPIRY_DAYS and approvals whose access
    ended. Each row is moved by a conditional UPDATE, so a decision racing the sweep wins or loses
    cleanly. Returns how many requests expired."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_REQUEST_EXPIRY_DAYS)
    expired = 0
    stale = AccessRequest.objects.filter(
        Q(status=RequestStatus.REQUESTED, created_at__lt=cutoff)
        | Q(status=RequestStatus.APPROVED, access_until__isnull=False, access_until__lte=now)
    ).values_list("pk", "status")
    for pk, status in list(stale):
        with transaction.atomic():
            if not AccessRequest.objects.filter(pk=pk, status=status).update(
                status=RequestStatus.EXPIRED, updated_at=now
            ):
                continue
            access_request = AccessRequest.objects.select_related("dataset").get(pk=pk)
            _event(access_request, None, EventAction.EXPIRED)
            if status == RequestStatus.REQUESTED:
                notifications.request_decided(access_request, NotificationKind.REQUEST_EXPIRED)
            expired += 1
    if expired:
        logger.info("access requests expired", extra={"count": expired})
    return expired


# --- downloads ---------------------------------------------------------------------------------------


def quota_used(entitlement: Entitlement, *, now=None) -> int:
    """Downloads under this entitlement in the current calendar month (UTC)."""
    now = now or timezone.now()
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Download.objects.filter(entitlement=entitlement, created_at__gte=start).count()


class QuotaExceeded(Exception):
    """The entitlement's monthly quota is used up (answered with 429)."""


@transaction.atomic
def download_record(
    *, dataset: Dataset, distribution, user: User | None, channel: str, entitlement: Entitlement | None = None
) -> Download:
    """Record one served file; under a quota the count and the record happen under the entitlement's
    lock, so two concurrent downloads cannot both take the last one."""
    if entitlement is not None and entitlement.monthly_quota is not None:
        Entitlement.objects.select_for_update().filter(pk=entitlement.pk).first()
        if quota_used(entitlement) >= entitlement.monthly_quota:
            raise QuotaExceeded
    download = Download.objects.create(
        dataset=dataset,
        distribution=distribution,
        user=user if user is not None and user.is_authenticated else None,
        organization=entitlement.organization if entitlement else None,
        entitlement=entitlement,
        channel=channel or DownloadChannel.ANONYMOUS,
    )
    if entitlement is not None and entitlement.agreement.access_request_id:
        _event(
            entitlement.agreement.access_request,
            download.user,
            EventAction.DOWNLOADED,
            getattr(distribution, "title", ""),
        )
    return download


# --- subscriptions -------------------------------------------------------------------------------


def _webhook_url_check(url: str) -> None:
    from catalog import net

    try:
        net.check_url(url)
    except (net.ForbiddenAddress, net.InvalidURL) as exc:
        # A name that does not resolve now may later: only addresses the SSRF rules forbid are refused
        # here (each delivery is checked again by the client).
        raise ValidationError(
            {"webhook_url": _("This webhook address is refused: %(why)s") % {"why": exc}}
        ) from exc


def subscription_create(
    *,
    user: User,
    organization: Organization | None = None,
    dataset: Dataset | None = None,
    search_query: str = "",
    email: bool = True,
    webhook_url: str = "",
) -> tuple[Subscription, bool]:
    """Follow a dataset (or a saved search) for oneself or an organisation one edits for. Subscribing
    twice returns the existing subscription (`created` False)."""
    if (dataset is None) == (not search_query.strip()):
        raise ValidationError(_("Subscribe to a dataset or to a search, not both."))
    if dataset is not None and not Dataset.objects.visible_to(user).filter(pk=dataset.pk).exists():
        raise ValidationError({"dataset": _("No such dataset.")})
    if (
        organization is not None
        and not Organization.objects.of_user(user).filter(pk=organization.pk).exists()
    ):
        raise ValidationError({"organization": _("You can only act for an organisation you belong to.")})
    if webhook_url:
        _webhook_url_check(webhook_url)
    search_query = search_query.strip().lstrip("?")
    lookup = {"dataset": dataset, "search_query": search_query, "organization": organization}
    if organization is None:
        lookup["user"] = user
    existing = Subscription.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    subscription = Subscription(**{**lookup, "user": user}, webhook_url=webhook_url, email=email)
    subscription.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            subscription.save()
            metrics.subscription_changed(subscription, started=True)
    except IntegrityError:
        # A concurrent subscribe won: answer with its row.
        return Subscription.objects.get(**lookup), False
    return subscription, True


@transaction.atomic
def subscription_update(
    *, subscription: Subscription, actor: User, email: bool | None = None, webhook_url: str | None = None
) -> Subscription:
    if not Subscription.objects.manageable_by(actor).filter(pk=subscription.pk).exists():
        raise PermissionDenied(_("You cannot change this subscription."))
    if email is not None:
        subscription.email = email
    if webhook_url is not None:
        if webhook_url:
            _webhook_url_check(webhook_url)
        subscription.webhook_url = webhook_url
    subscription.full_clean(validate_constraints=False)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, subscription: Subscription, actor: User) -> Subscription:
    if not Subscription.objects.manageable_by(actor).filter(pk=subscription.pk).exists():
        raise PermissionDenied(_("You cannot change this subscription."))
    Subscription.objects.filter(pk=subscription.pk).update(secret_version=subscription.secret_version + 1)
    subscription.refresh_from_db()
    return subscription


def subscription_delete(*, subscription: Subscription, actor: User) -> None:
    """Unsubscribe (any time; deleting twice is harmless)."""
    if not Subscription.objects.manageable_by(actor).filter(pk=subscription.pk).exists():
        raise PermissionDenied(_("You cannot end this subscription."))
    with transaction.atomic():
        deleted, _rows = Subscription.objects.filter(pk=subscription.pk).delete()
        if deleted:
            metrics.subscription_changed(subscription, started=False)


# --- notifications -------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one notification (or, without one, the whole inbox) read; returns how many changed."""
    from .selectors import unread_count_forget

    rows = Notification.objects.visible_to(user).unread()
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    changed = rows.update(read_at=timezone.now())
    unread_count_forget([user.pk])
    return changed
