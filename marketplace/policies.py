"""Reading access policies: a dataset's effective policy and whether a user holds access to its data."""

from django.db.models import Q

from catalog.choices import AccessRights

from .choices import NOT_FOR_PERSONAL_DATA, PolicyKind
from .models import AccessPolicy, Entitlement
from .querysets import org_ids


def policy_of(dataset) -> AccessPolicy | None:
    """The dataset's policy row, or None (cached on the instance; free after select_related)."""
    try:
        return dataset.access_policy
    except AccessPolicy.DoesNotExist:
        return None


def default_kind(dataset) -> str:
    """The policy of a dataset nobody set one for: open when its access rights are public."""
    return PolicyKind.OPEN if dataset.access_rights == AccessRights.PUBLIC else PolicyKind.APPROVAL


def effective_kind(dataset) -> str:
    """The kind that rules the dataset's data. Personal data is never open or merely registered: such
    a dataset asks for approval whatever was stored (the flag may be set after the policy)."""
    policy = policy_of(dataset)
    kind = policy.kind if policy is not None else default_kind(dataset)
    if dataset.contains_personal_data and kind in NOT_FOR_PERSONAL_DATA:
        return PolicyKind.APPROVAL
    return kind


def is_publisher_member(user, dataset) -> bool:
    """Members of the publishing organisation (any role) and site admins always get the data."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(organization_id=dataset.publisher_id).exists()


def active_entitlement(user, dataset) -> Entitlement | None:
    """The user's (or their organisations') current entitlement to the dataset, the longest-lasting first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return (
        Entitlement.objects.active()
        .filter(dataset=dataset)
        .filter(Q(user=user) | Q(organization_id__in=org_ids(user)))
        .select_related("plan", "agreement")
        .order_by("valid_until", "-pk")
        .first()
    )


def has_data_access(user, dataset) -> bool:
    """Whether `user` may get the dataset's files and see its data links (its metadata is public)."""
    if effective_kind(dataset) == PolicyKind.OPEN:
        return True
    if is_publisher_member(user, dataset):
        return True
    return active_entitlement(user, dataset) is not None
