"""Visibility of twins and twin models: the same rules as datasets (design.md §5), the only doors to them."""

from django.db import models

from accounts.choices import EDITING_ROLES
from catalog.querysets import _org_ids

from .choices import PublicationStatus


class PublishableQuerySet(models.QuerySet):
    """Objects with an owning organisation (`owner_field`) and a draft/published/withdrawn status."""

    owner_field = "publisher"

    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        """Published objects for everyone; drafts and withdrawn ones only for members of the owning
        organisation (any role) and site admins. A subquery, not a join: no duplicates."""
        if user is None or not user.is_authenticated:
            return self.published()
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(status=PublicationStatus.PUBLISHED)
            | models.Q(**{f"{self.owner_field}_id__in": _org_ids(user)})
        )

    def editable_by(self, user):
        """Objects `user` may edit: those of organisations where they are admin or editor."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(**{f"{self.owner_field}_id__in": _org_ids(user, EDITING_ROLES)})


class CityTwinQuerySet(PublishableQuerySet):
    owner_field = "owner"


class TwinModelQuerySet(PublishableQuerySet):
    owner_field = "publisher"


class TwinModelVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Versions of the models `user` may see."""
        from .models import TwinModel

        return self.filter(model__in=TwinModel.objects.visible_to(user).values("pk"))


class ValidationRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .models import TwinModel

        return self.filter(version__model__in=TwinModel.objects.visible_to(user).values("pk"))


class TwinServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Services of the twins `user` may see."""
        from .models import CityTwin

        return self.filter(twin__in=CityTwin.objects.visible_to(user).values("pk"))
