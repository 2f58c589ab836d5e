"""Forms of harvesting: a source (URL checked by the SSRF rules in the service, config as JSON)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

from .models import HarvestSource


class HarvestSourceForm(forms.ModelForm):
    config = forms.CharField(
        label=_("Filters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control font-monospace"}),
        help_text=_(
            'Optional. CKAN: {"organization": "…", "tags": ["…"], "fq": "…", "rows": 1000}; '
            'any type: {"max_pages": 100, "max_bytes": 52428800}.'
        ),
    )

    class Meta:
        model = HarvestSource
        fields = [
            "title",
            "url",
            "source_type",
            "organization",
            "schedule",
            "config",
            "active",
            "allow_local_edits",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.administered_by(user).order_by("name")
        if self.instance.pk:
            self.initial["config"] = (
                json.dumps(self.instance.config or {}, indent=1) if self.instance.config else ""
            )
        for name, field in self.fields.items():
            if name in ("active", "allow_local_edits"):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def clean_config(self):
        from .services import validate_config

        value = self.cleaned_data.get("config") or ""
        if not value.strip():
            return {}
        try:
            return validate_config(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("config", exc.messages)) from exc

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
