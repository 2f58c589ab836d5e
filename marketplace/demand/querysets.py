"""Visibility of requests, comments and showcases: the only doors through which they are read."""

from django.db import models

from accounts.choices import Role
from catalog.querysets import _org_ids

from .choices import ShowcaseStatus


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


class DataRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DataRequestQuerySet":
        """Requests are public; one hidden by a moderator (spam, abuse) stays visible only to the
        requesting organisation's members and site admins."""
        if not _signed_in(user):
            return self.filter(is_hidden=False)
        if user.is_superuser:
            return self.all()
        return self.filter(models.Q(is_hidden=False) | models.Q(organization_id__in=_org_ids(user)))

    def moderated_by(self, user) -> "DataRequestQuerySet":
        """Requests whose comments `user` may hide and lock: site admins, the requesting org's admins."""
        if not _signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organization_id__in=_org_ids(user, [Role.ADMIN]))


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommentQuerySet":
        """Comments of requests `user` may see; hidden comments only for moderators and their author."""
        from .models import DataRequest

        requests = DataRequest.objects.visible_to(user)
        base = self.filter(data_request__in=requests.values("pk"))
        if not _signed_in(user):
            return base.filter(is_hidden=False)
        if user.is_superuser:
            return base
        moderated = DataRequest.objects.moderated_by(user).values("pk")
        return base.filter(
            models.Q(is_hidden=False) | models.Q(author=user) | models.Q(data_request__in=moderated)
        )


class ShowcaseQuerySet(models.QuerySet):
    def published(self) -> "ShowcaseQuerySet":
        return self.filter(status=ShowcaseStatus.PUBLISHED)

    def visible_to(self, user) -> "ShowcaseQuerySet":
        """Published showcases for everyone; drafts only for the organisation's members and site admins."""
        if not _signed_in(user):
            return self.published()
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(status=ShowcaseStatus.PUBLISHED) | models.Q(organization_id__in=_org_ids(user))
        )

    def editable_by(self, user) -> "ShowcaseQuerySet":
        """Showcases `user` may edit: any member of the organisation that presents them."""
        if not _signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organization_id__in=_org_ids(user))
