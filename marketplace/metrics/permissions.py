"""Who sees which usage figures (everything else answers 404).

* A programme's dashboard: its coordinators, and site admins.
* A publisher's dashboard — with its per-consumer details — and its datasets' usage: the
  organisation's members (any role), and site admins. Coordinators see a city's figures on the
  programme's dashboard, never which companies use its data.
"""

from accounts.models import Organization, Programme
from catalog.models import Dataset


def programmes_for(user):
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(coordinators=user)


def organizations_for(user):
    if user.is_authenticated and user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.of_user(user)


def datasets_for(user):
    """The datasets whose usage `user` may read: those of the organisations they belong to."""
    return Dataset.objects.visible_to(user).filter(publisher__in=organizations_for(user).values("pk"))
