"""Template tags of the exchange: the dataset page's access panel."""

from django import template

from ..selectors import access_panel as access_panel_context

register = template.Library()


@register.inclusion_tag("marketplace/_access_panel_body.html", takes_context=True)
def access_panel(context, dataset):
    """The policy of `dataset` and what the current user can do about it."""
    request = context["request"]
    data = access_panel_context(user=request.user, dataset=dataset)
    data["request"] = request
    data["csrf_token"] = context.get("csrf_token")
    data["my_memberships"] = context.get("my_memberships", [])
    return data
