"""Who may do what with requests and showcases (reads only; the services enforce them)."""

from django.db.models import Exists, OuterRef, Q

from accounts.choices import EDITING_ROLES, OrganizationKind
from accounts.models import Organization
from catalog.models import Dataset

from .choices import ACTIVE_STATUSES


def member_organizations(user):
    """Organisations `user` may post requests and showcases for (any role; site admins: all)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.of_user(user)


def responder_organizations(user, data_request):
    """Organisations on whose behalf `user` may answer `data_request` (planned / fulfilled / declined):
    the addressed publisher if there is one, else any municipality or publishing organisation where
    `user` is an editor or admin. Site admins may answer for any of them."""
    if not user.is_authenticated:
        return Organization.objects.none()
    organisations = (
        Organization.objects.all() if user.is_superuser else Organization.objects.of_user(user, EDITING_ROLES)
    )
    if data_request.addressed_to_id:
        return organisations.filter(pk=data_request.addressed_to_id)
    publishes = Exists(Dataset.objects.published().filter(publisher=OuterRef("pk")))
    return organisations.filter(Q(kind=OrganizationKind.MUNICIPALITY) | Q(publishes)).exclude(
        pk=data_request.organization_id
    )


def can_respond(user, data_request) -> bool:
    return data_request.status in ACTIVE_STATUSES and responder_organizations(user, data_request).exists()


def can_withdraw(user, data_request) -> bool:
    """The requester (its author, or an editor/admin of the requesting organisation) withdraws."""
    if not user.is_authenticated or data_request.status not in ACTIVE_STATUSES:
        return False
    if user.is_superuser or data_request.created_by_id == user.pk:
        return True
    return Organization.objects.of_user(user, EDITING_ROLES).filter(pk=data_request.organization_id).exists()


def can_moderate(user, data_request) -> bool:
    """Site admins and admins of the requesting organisation hide comments and lock the thread."""
    from .models import DataRequest

    return DataRequest.objects.moderated_by(user).filter(pk=data_request.pk).exists()


def can_feature(user, showcase) -> bool:
    """Site admins and editors of a publisher whose published dataset or model the showcase uses."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    editing = Organization.objects.of_user(user, EDITING_ROLES).values("pk")
    return (
        showcase.datasets.filter(publisher__in=editing).exists()
        or showcase.models_used.filter(publisher__in=editing).exists()
    )
