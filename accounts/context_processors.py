"""Template context shared by every page: the user's organisations and roles."""

from django.utils.functional import SimpleLazyObject

from .models import Membership


def memberships(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}
    # Lazy: pages that never show the menu of organisations do not pay for the query.
    return {
        "my_memberships": SimpleLazyObject(
            lambda: list(
                Membership.objects.filter(user=user)
                .select_related("organization")
                .order_by("organization__name")
            )
        )
    }
