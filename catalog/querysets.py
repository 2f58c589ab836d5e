"""Visibility of catalogue objects: the only doors through which datasets and distributions are read."""

from django.db import models

from accounts.choices import EDITING_ROLES

from .choices import DatasetStatus


def _org_ids(user, roles=None):
    """Subquery of the ids of organisations where `user` holds one of `roles` (any when None)."""
    from accounts.models import Membership

    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("organization_id")


class DatasetQuerySet(models.QuerySet):
    def published(self) -> "DatasetQuerySet":
        return self.filter(status=DatasetStatus.PUBLISHED)

    def visible_to(self, user) -> "DatasetQuerySet":
        """Published datasets for everyone; drafts and withdrawn ones only for members of the
        publishing organisation (any role) and site admins. A subquery, not a join: no duplicates."""
        if user is None or not user.is_authenticated:
            return self.published()
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(status=DatasetStatus.PUBLISHED) | models.Q(publisher_id__in=_org_ids(user))
        )

    def editable_by(self, user) -> "DatasetQuerySet":
        """Datasets `user` may edit: those of organisations where they are admin or editor."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(publisher_id__in=_org_ids(user, EDITING_ROLES))


class DistributionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DistributionQuerySet":
        """Distributions of the datasets `user` may see."""
        from .models import Dataset

        return self.filter(dataset__in=Dataset.objects.visible_to(user).values("pk"))

    def editable_by(self, user) -> "DistributionQuerySet":
        from .models import Dataset

        return self.filter(dataset__in=Dataset.objects.editable_by(user).values("pk"))
