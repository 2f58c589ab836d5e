"""Template helpers of the usage dashboards: figure formatting and the links other pages show."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from marketplace.metrics import permissions

register = template.Library()


@register.filter
def metric(value) -> str:
    """A figure as the page shows it: grouped digits, one decimal for fractions, “—” for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, int | float):
        return number_format(int(value), force_grouping=True)
    return str(value)


@register.filter
def change(value) -> str:
    """A change in per cent with its sign (“+12.5 %”, “−3 %”), “—” when there is nothing to compare."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{metric(abs(value))} %"


@register.simple_tag(takes_context=True)
def has_metrics(context) -> bool:
    """Whether the signed-in user has any usage dashboard (a programme they coordinate, an
    organisation they belong to). Reads the menu's memberships first: members cost no query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or context.get("my_memberships"):
        return True
    return permissions.programmes_for(user).exists()


@register.inclusion_tag("metrics/_dataset_link.html", takes_context=True)
def dataset_usage_link(context, dataset) -> dict:
    """The link to a dataset's usage, for those who may read it (`permissions.datasets_for`)."""
    user = context.get("user")
    allowed = (
        user is not None
        and user.is_authenticated
        and permissions.datasets_for(user).filter(pk=dataset.pk).exists()
    )
    return {"dataset": dataset, "allowed": allowed}
