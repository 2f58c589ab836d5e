"""Enumerations of the catalogue (with their EU vocabulary URIs where DCAT-AP names one)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
ADMS_STATUS = "http://purl.org/adms/status/"


class DatasetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AccessRights(models.TextChoices):
    """dct:accessRights from the EU access-right authority table."""

    PUBLIC = "PUBLIC", _("Public")
    RESTRICTED = "RESTRICTED", _("Restricted")
    NON_PUBLIC = "NON_PUBLIC", _("Non-public")

    @property
    def uri(self) -> str:
        return EU_ACCESS_RIGHT + self.value


class DistributionStatus(models.TextChoices):
    """adms:status of a distribution."""

    COMPLETED = "Completed", _("Completed")
    DEVELOP = "UnderDevelopment", _("Under development")
    DEPRECATED = "Deprecated", _("Deprecated")
    WITHDRAWN = "Withdrawn", _("Withdrawn")
