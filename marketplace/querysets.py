"""Visibility of the exchange's objects: the only doors through which they are read.

Two parties see an exchange object: the consumer (the requesting user and the members of the
organisation they act for) and the provider (admins and editors of the publishing organisation).
Site admins see everything. Everyone else gets nothing — so 404s, empty lists and zero counts.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.choices import EDITING_ROLES


def org_ids(user, roles=None):
    """Subquery of the ids of organisations where `user` holds one of `roles` (any role when None)."""
    from accounts.models import Membership

    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("organization_id")


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated


class AccessRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AccessRequestQuerySet":
        """The requester, members of the organisation requested for, and the publisher's editors."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(requester=user)
            | Q(organization_id__in=org_ids(user))
            | Q(dataset__publisher_id__in=org_ids(user, EDITING_ROLES))
        )

    def decidable_by(self, user) -> "AccessRequestQuerySet":
        """Requests `user` may approve, reject or revoke: their publishers' (admin or editor), never one
        they made or one made for an organisation they belong to (four-eyes)."""
        if _anonymous(user):
            return self.none()
        mine = Q(requester=user) | Q(organization_id__in=org_ids(user))
        if user.is_superuser:
            return self.exclude(mine)
        return self.filter(dataset__publisher_id__in=org_ids(user, EDITING_ROLES)).exclude(mine)

    def incoming_for(self, user) -> "AccessRequestQuerySet":
        """The publisher inbox: requests to the datasets of organisations `user` edits for."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(dataset__publisher_id__in=org_ids(user, EDITING_ROLES))

    def outgoing_for(self, user) -> "AccessRequestQuerySet":
        """Requests `user` made or that were made for one of their organisations."""
        if _anonymous(user):
            return self.none()
        return self.filter(Q(requester=user) | Q(organization_id__in=org_ids(user)))


class _PartiesQuerySet(models.QuerySet):
    """Objects with a consumer (user + organisation) and a providing dataset publisher."""

    user_field = "user"
    organization_field = "organization"

    def _consumer(self, user) -> Q:
        return Q(**{self.user_field: user}) | Q(**{f"{self.organization_field}_id__in": org_ids(user)})

    def visible_to(self, user):
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(self._consumer(user) | Q(dataset__publisher_id__in=org_ids(user, EDITING_ROLES)))

    def held_by(self, user):
        """The consumer's side only."""
        if _anonymous(user):
            return self.none()
        return self.filter(self._consumer(user))


class AgreementQuerySet(_PartiesQuerySet):
    user_field = "consumer_user"
    organization_field = "consumer_organization"


class EntitlementQuerySet(_PartiesQuerySet):
    def active(self, at=None) -> "EntitlementQuerySet":
        """Neither revoked nor expired, already started."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=at).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )


class DownloadQuerySet(_PartiesQuerySet):
    pass


class SubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SubscriptionQuerySet":
        """A person's own subscriptions and those of their organisations (site admins: all)."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(user=user) | Q(organization_id__in=org_ids(user)))

    def manageable_by(self, user) -> "SubscriptionQuerySet":
        """Subscriptions `user` may change or end: their own, or their organisations' as admin or editor."""
        if _anonymous(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(user=user) | Q(organization_id__in=org_ids(user, EDITING_ROLES)))


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A user's own inbox; nobody else's (not even a site admin's business)."""
        if _anonymous(user):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)
