"""Every write of the accounts app: organisations, memberships, invitations, API tokens."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import hooks
from .choices import Role
from .models import ApiToken, Invitation, Membership, Organization, User

logger = logging.getLogger(__name__)

# read: GET the API; publish: create and change datasets (REST and CKAN); download: fetch entitled files.
TOKEN_SCOPES = ("read", "publish", "download")
# Scope names of earlier versions, still accepted on input: "write" is now "publish".
LEGACY_SCOPES = {"write": "publish"}
TOKEN_PREFIX = "tp_"  # noqa: S105 - a public marker, not a secret


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest of a secret (tokens are high-entropy, so no slow KDF is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_org_admin(*, user, organization: Organization) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organization=organization, role=Role.ADMIN).exists()


@transaction.atomic
def organization_create(*, creator: User, **fields) -> Organization:
    """Create an organisation; its creator becomes its first admin."""
    organization = Organization(**fields)
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=creator, organization=organization, role=Role.ADMIN)
    logger.info("organization created", extra={"organization": organization.pk})
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, actor: User, **fields) -> Organization:
    """Change an organisation's public details (its admins, or a site admin)."""
    _ensure_admin(actor, organization)
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    for hook in hooks.organization_changed:
        hook(organization)
    return organization


def membership_set(*, organization: Organization, user: User, role: str) -> Membership:
    """Give `user` the `role` in `organization` (creating or updating the membership)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return membership


def _ensure_admin(actor, organization):
    if not is_org_admin(user=actor, organization=organization):
        raise PermissionDenied(_("Only an admin of the organisation can manage its members."))


def _other_admins_exist(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization=membership.organization, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Change a member's role; an organisation always keeps at least one admin."""
    _ensure_admin(actor, membership.organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    # Lock the organisation's admin rows so two admins cannot demote each other at once.
    list(Membership.objects.select_for_update().filter(organization=membership.organization, role=Role.ADMIN))
    if membership.role == Role.ADMIN and role != Role.ADMIN and not _other_admins_exist(membership):
        raise ValidationError({"role": _("An organisation needs at least one admin.")})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member (admins may remove anyone, members may leave); the last admin stays."""
    if actor != membership.user:
        _ensure_admin(actor, membership.organization)
    list(Membership.objects.select_for_update().filter(organization=membership.organization, role=Role.ADMIN))
    if membership.role == Role.ADMIN and not _other_admins_exist(membership):
        raise ValidationError(_("An organisation needs at least one admin."))
    membership.delete()


def invitation_create(*, organization: Organization, email: str, role: str, invited_by: User) -> Invitation:
    """Invite `email` to join with `role` and e-mail them a single-use link (valid INVITATION_DAYS)."""
    _ensure_admin(invited_by, organization)
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    with transaction.atomic():
        # A fresh invitation replaces older pending ones for the same address.
        Invitation.objects.pending().filter(organization=organization, email=email).update(
            revoked_at=timezone.now()
        )
        invitation.save()
    link = settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "site_name": settings.PORTAL_NAME}
    transaction.on_commit(
        lambda: send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + _("Invitation to join %(org)s") % {"org": organization.name},
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    logger.info("invitation created", extra={"organization": organization.pk, "invitation": invitation.pk})
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation a link's token belongs to, or None."""
    return (
        Invitation.objects.pending()
        .select_related("organization")
        .filter(token_hash=hash_secret(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation: the user joins with the invited role (never lowering an existing role)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer valid."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s; log in with that address to accept it.")
            % {"email": invitation.email}
        )
    order = list(Role.values)
    existing = Membership.objects.filter(user=user, organization=invitation.organization).first()
    role = invitation.role
    if existing and order.index(existing.role) < order.index(role):
        role = existing.role
    membership = membership_set(organization=invitation.organization, user=user, role=role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    _ensure_admin(actor, invitation.organization)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def api_token_create(
    *, user: User, name: str, scopes: list[str] | None = None, expires_at=None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and shown only once."""
    scopes = ["read", "publish"] if scopes is None else scopes
    scopes = sorted({LEGACY_SCOPES.get(scope, scope) for scope in scopes})
    if not scopes or not set(scopes) <= set(TOKEN_SCOPES):
        raise ValidationError({"scopes": _("Choose at least one of the scopes: read, publish, download.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_secret(secret),
        scopes=scopes,
        expires_at=expires_at,
    )
    token.full_clean()
    for _attempt in range(3):
        try:
            token.save()
            break
        except IntegrityError:  # pragma: no cover - a 256-bit collision
            secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
            token.key_hash = hash_secret(secret)
    return token, secret


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token for `secret`, touching its last-used time at most once a minute."""
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def user_update_profile(*, user: User, full_name: str) -> User:
    user.full_name = full_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name"])
    return user


def user_export_data(*, user: User) -> dict:
    """Everything the portal holds about `user`, for GDPR self-service (no secrets, no token hashes)."""
    from allauth.account.models import EmailAddress

    from . import hooks

    data = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "organization": m.organization.slug,
                "name": m.organization.name,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in user.memberships.select_related("organization")
        ],
        "coordinated_programmes": list(user.coordinated_programmes.values_list("slug", flat=True)),
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scopes": t.scopes,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in user.api_tokens.all()
        ],
    }
    # The catalogue, the exchange and the demand side add what they hold (registered hooks).
    for key, exporter in sorted(hooks.user_data_exporters.items()):
        data[key] = exporter(user)
    return data


def user_delete_blockers(*, user: User) -> list[Organization]:
    """Organisations that would be left without an admin if `user` went away."""
    blocking = []
    for membership in user.memberships.filter(role=Role.ADMIN).select_related("organization"):
        if not _other_admins_exist(membership):
            blocking.append(membership.organization)
    return blocking


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account and what belongs only to it (memberships, tokens); the datasets it created
    stay with their organisations. Refused while the user is the last admin of an organisation."""
    blockers = user_delete_blockers(user=user)
    if blockers:
        raise ValidationError(
            _("You are the only admin of %(orgs)s: make someone else admin first.")
            % {"orgs": ", ".join(o.name for o in blockers)}
        )
    logger.info("account deleted", extra={"user": user.pk})
    from . import hooks

    for callback in hooks.user_deleted:
        callback(user)
    user.delete()
