"""Forms of the publishing UI; validation rules live in the models and services, not here."""

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapFormMixin
from accounts.models import Organization

from .models import Dataset, Distribution, Theme


class KeywordsField(forms.CharField):
    """Comma-separated keywords ⇄ list of names."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [part.strip() for part in value.split(",") if part.strip()]


class LanguagesField(forms.CharField):
    """Comma-separated ISO 639-1 codes ⇄ list."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        codes = [part.strip().lower() for part in super().to_python(value).split(",") if part.strip()]
        for code in codes:
            if not (len(code) == 2 and code.isalpha()):
                raise forms.ValidationError(_("Use two-letter language codes such as en, fi, nl."))
        return codes


class GeoJSONField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "class": "font-monospace"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value)
        return value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            geometry = json.loads(value)
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON.")) from exc
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        return geometry


class DatasetForm(BootstrapFormMixin, forms.ModelForm):
    keywords = KeywordsField(
        label=_("Keywords"), required=False, help_text=_("Separate keywords with commas.")
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = LanguagesField(label=_("Languages"), required=False, help_text=_("e.g. en, nl"))
    spatial_geojson = GeoJSONField(
        label=_("Spatial extent (GeoJSON geometry)"),
        required=False,
        help_text=_("Optional: a precise geometry. Otherwise draw a box on the map or type its coordinates."),
    )

    class Meta:
        model = Dataset
        fields = [
            "publisher",
            "title",
            "slug",
            "description",
            "keywords",
            "themes",
            "licence",
            "access_rights",
            "contains_personal_data",
            "contact_name",
            "contact_email",
            "spatial_name",
            "bbox_west",
            "bbox_south",
            "bbox_east",
            "bbox_north",
            "spatial_geojson",
            "temporal_start",
            "temporal_end",
            "accrual_periodicity",
            "languages",
            "version",
            "version_notes",
            "landing_page",
            "conforms_to",
            "identifier",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "version_notes": forms.Textarea(attrs={"rows": 2}),
            "temporal_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "temporal_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = Organization.objects.editable_by(user)
        self.fields["publisher"].empty_label = None
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave empty to derive it from the title.")
        if self.instance.pk:
            # The publisher of an existing dataset does not change through this form.
            del self.fields["publisher"]
            self.initial["keywords"] = [k.name for k in self.instance.keywords.all()]
        for name in ("bbox_west", "bbox_south", "bbox_east", "bbox_north"):
            self.fields[name].widget.attrs.update({"step": "any", "data-bbox": name.removeprefix("bbox_")})

    def service_fields(self) -> dict:
        """The cleaned data as keyword arguments for dataset_create / dataset_update."""
        data = dict(self.cleaned_data)
        data.pop("publisher", None)
        return data


class DistributionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Distribution
        # The file comes last: if an oversized upload is cut off, the fields before it still arrive.
        fields = [
            "title",
            "description",
            "access_url",
            "download_url",
            "format",
            "media_type",
            "licence",
            "rights",
            "status",
            "language",
            "file",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "rights": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, upload_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_too_large = upload_too_large
        self.fields["file"].help_text = _("At most %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        too_big = self.upload_too_large or (
            upload and getattr(upload, "size", 0) and upload.size > settings.UPLOAD_MAX_BYTES
        )
        if too_big:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(mb)d MB."),
                params={"mb": settings.UPLOAD_MAX_BYTES // 2**20},
            )
        return upload


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("withdraw", _("Withdraw")), ("delete", _("Delete"))]
    )
