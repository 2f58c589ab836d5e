"""Forms of the twins UI; rules live in the models and services, not here."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapFormMixin
from accounts.models import Organization
from catalog.forms import GeoJSONField, KeywordsField
from catalog.models import Dataset, Distribution

from .choices import MATURITY_LABELS, Capability, Domain
from .models import CityTwin, TwinModel, TwinModelVersion, TwinService
from .services import too_large_message


class TwinForm(BootstrapFormMixin, forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=Domain.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    area_geojson = GeoJSONField(
        label=_("Area (GeoJSON geometry)"),
        required=False,
        help_text=_("The area the twin covers, in WGS 84."),
    )

    class Meta:
        model = CityTwin
        fields = [
            "owner",
            "name",
            "slug",
            "summary",
            "description",
            "use_cases",
            "domains",
            "area_name",
            "area_geojson",
            "website",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "use_cases": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organization.objects.editable_by(user)
        self.fields["owner"].empty_label = None
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave empty to derive it from the name.")
        if self.instance.pk:
            del self.fields["owner"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("owner", None)
        return data


class MaturityForm(forms.Form):
    """Level (0–4) and evidence for each of the five capabilities."""

    def __init__(self, *args, initial_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = {row.capability: row for row in initial_rows}
        for value, label in Capability.choices:
            row = current.get(value)
            self.fields[f"{value}_level"] = forms.TypedChoiceField(
                label=_("%(capability)s: level") % {"capability": label},
                choices=[(n, f"{n} — {text}") for n, text in MATURITY_LABELS.items()],
                coerce=int,
                initial=row.level if row else 0,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{value}_evidence"] = forms.CharField(
                label=_("%(capability)s: evidence") % {"capability": label},
                required=False,
                max_length=500,
                initial=row.evidence if row else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def levels(self) -> dict:
        return {
            c: (self.cleaned_data[f"{c}_level"], self.cleaned_data[f"{c}_evidence"])
            for c in Capability.values
        }


class TwinLinksForm(BootstrapFormMixin, forms.Form):
    datasets = forms.ModelMultipleChoiceField(
        label=_("Datasets"),
        queryset=Dataset.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    more_datasets = forms.CharField(
        label=_("Other datasets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("URL names (slugs) of datasets of other publishers, one a line."),
    )
    models = forms.ModelMultipleChoiceField(
        label=_("Models"),
        queryset=TwinModel.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, twin: CityTwin, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        linked = twin.dataset_links.values("dataset_id")
        # The owner's datasets plus those already linked (others are added by their URL name).
        self.fields["datasets"].queryset = (
            Dataset.objects.visible_to(user)
            .filter(Q(publisher=twin.owner) | Q(pk__in=linked))
            .order_by("title")
        )
        self.fields["models"].queryset = TwinModel.objects.visible_to(user).order_by("title")

    def clean_more_datasets(self):
        slugs = [
            line.strip().rstrip("/").rsplit("/", 1)[-1]
            for line in self.cleaned_data["more_datasets"].splitlines()
            if line.strip()
        ]
        found = list(Dataset.objects.visible_to(self.user).filter(slug__in=slugs))
        missing = sorted(set(slugs) - {d.slug for d in found})
        if missing:
            raise forms.ValidationError(_("Unknown dataset: %(slugs)s.") % {"slugs": ", ".join(missing)})
        return found

    def chosen_datasets(self) -> list:
        return list(self.cleaned_data["datasets"]) + self.cleaned_data["more_datasets"]


class TwinServiceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TwinService
        fields = ["title", "kind", "url", "distribution"]

    def __init__(self, *args, twin: CityTwin, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].required = False
        self.fields["url"].help_text = _("Leave empty to use the access URL of the chosen distribution.")
        self.fields["distribution"].queryset = (
            Distribution.objects.visible_to(user)
            .filter(dataset__twin_links__twin=twin)
            .select_related("dataset")
            .order_by("dataset__title", "title")
        )
        self.fields["distribution"].label_from_instance = lambda d: f"{d.dataset.title} — {d.title}"
        self.fields["distribution"].help_text = _("The catalogue distribution that publishes this service.")

    def clean(self):
        data = super().clean()
        distribution = data.get("distribution")
        if not data.get("url") and not (
            distribution and (distribution.access_url or distribution.download_url)
        ):
            self.add_error("url", _("Give the endpoint URL, or choose a distribution that has one."))
        return data


class TwinModelForm(BootstrapFormMixin, forms.ModelForm):
    keywords = KeywordsField(
        label=_("Keywords"), required=False, help_text=_("Separate keywords with commas.")
    )

    class Meta:
        model = TwinModel
        fields = [
            "publisher",
            "title",
            "slug",
            "kind",
            "description",
            "keywords",
            "licence",
            "access_rights",
            "offer",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = Organization.objects.editable_by(user)
        self.fields["publisher"].empty_label = None
        from catalog.models import Dataset

        self.fields["offer"].queryset = Dataset.objects.editable_by(user).order_by("title")
        self.fields["offer"].empty_label = _("— none: open models to all, others to members only —")
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave empty to derive it from the title.")
        if self.instance.pk:
            del self.fields["publisher"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("publisher", None)
        return data


class ModelVersionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TwinModelVersion
        fields = ["version", "notes", "file"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, upload_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_too_large = upload_too_large
        self.fields["file"].help_text = _(
            "A JSON file, or a zip of many (DTDL interfaces, NGSI-LD examples with their schema, "
            "CityJSON). At most %(mb)d MB."
        ) % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.upload_too_large or (upload and upload.size > settings.UPLOAD_MAX_BYTES):
            raise forms.ValidationError(too_large_message())
        return upload


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("withdraw", _("Withdraw")), ("delete", _("Delete"))]
    )
