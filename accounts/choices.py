"""Enumerations of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COMPANY = "company", _("Company")
    RESEARCH = "research", _("Research institute")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """Roles inside an organisation, strongest first."""

    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    MEMBER = "member", _("Member")


# Roles that may publish and edit the organisation's datasets.
EDITING_ROLES = (Role.ADMIN, Role.EDITOR)
