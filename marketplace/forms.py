"""Forms of the exchange pages (input only: the services validate the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import BootstrapFormMixin
from accounts.models import Organization

from .choices import PolicyKind
from .models import Plan


def _style(form) -> None:
    """Bootstrap classes for fields added after BootstrapFormMixin styled the declared ones."""
    for field in form.fields.values():
        widget = field.widget
        if "class" in widget.attrs or isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"


def _organization_field(user, *, required=False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organization.objects.of_user(user).order_by("name"),
        required=required,
        empty_label=_("Myself only"),
    )


class PurposesField(forms.CharField):
    """One purpose per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        value = super().to_python(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value


class AccessRequestForm(BootstrapFormMixin, forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What you will use the data for; the publisher decides on it."),
    )

    def __init__(self, *args, user, plans, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(user)
        if plans:
            self.fields["plan"] = forms.ModelChoiceField(
                label=_("Plan"), queryset=Plan.objects.filter(pk__in=[p.pk for p in plans]), empty_label=None
            )
        if purposes:
            self.fields["purpose_category"] = forms.ChoiceField(
                label=_("Kind of use"), choices=[(p, p) for p in purposes]
            )
        _style(self)  # the fields added above


class OrganizationChoiceForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(user)
        _style(self)


class SubscriptionForm(BootstrapFormMixin, forms.Form):
    email = forms.BooleanField(label=_("Send me e-mails"), required=False, initial=True)
    webhook_url = forms.URLField(
        label=_("Webhook URL"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("Optional: we POST each change as JSON, signed with HMAC-SHA256 (X-Twinport-Signature)."),
    )


class SearchSubscriptionForm(SubscriptionForm):
    search_query = forms.CharField(
        label=_("Search"),
        max_length=1000,
        help_text=_("The part after “?” of a search page's address, e.g. q=traffic&theme=TRAN."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(user)
        _style(self)


class ApproveForm(BootstrapFormMixin, forms.Form):
    access_until = forms.DateTimeField(
        label=_("Access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the plan's or policy's duration, else until revoked."),
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class PolicyForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("access policy form field", "Access"),
        choices=PolicyKind.choices,
        widget=forms.RadioSelect,
    )
    terms = forms.CharField(label=_("Terms of use"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    allowed_purposes = PurposesField(label=_("Allowed purposes (one per line)"), required=False)
    default_duration_days = forms.IntegerField(
        label=_("Default access period (days)"), required=False, min_value=1
    )


class PlanForm(BootstrapFormMixin, forms.ModelForm):
    allowed_purposes = PurposesField(label=_("Allowed purposes (one per line)"), required=False)

    class Meta:
        model = Plan
        fields = [
            "name",
            "terms",
            "allowed_purposes",
            "duration_days",
            "monthly_quota",
            "api_rate",
            "price",
            "requires_approval",
            "active",
        ]
        widgets = {"terms": forms.Textarea(attrs={"rows": 3})}
