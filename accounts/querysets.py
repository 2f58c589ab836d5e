"""Querysets of the accounts app: the doors through which organisations and tokens are read."""

from django.db import models
from django.utils import timezone

from .choices import EDITING_ROLES, Role


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganizationQuerySet":
        """Organisations are public bodies: every organisation is listed for everyone."""
        return self.all()

    def of_user(self, user, roles=None) -> "OrganizationQuerySet":
        """Organisations where `user` holds one of `roles` (any role when None)."""
        if not user.is_authenticated:
            return self.none()
        q = models.Q(memberships__user=user)
        if roles is not None:
            q &= models.Q(memberships__role__in=list(roles))
        return self.filter(q).distinct()

    def editable_by(self, user) -> "OrganizationQuerySet":
        """Organisations whose datasets `user` may create and edit (admin/editor, or site admin)."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        return self.of_user(user, EDITING_ROLES)

    def administered_by(self, user) -> "OrganizationQuerySet":
        """Organisations whose members `user` may manage."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        return self.of_user(user, [Role.ADMIN])


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )
