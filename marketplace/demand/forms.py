"""Forms of the demand pages: they validate input and hand clean values to one service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganizationKind
from accounts.forms import BootstrapFormMixin
from accounts.models import Organization
from catalog.filters import BBoxField
from catalog.models import Dataset, FileType, Frequency, Theme

from .choices import RequestStatus, ShowcaseKind, ShowcaseStatus
from .images import MAX_UPLOAD_BYTES


class DataRequestForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("What data do you need?"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is supported."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    spatial_name = forms.CharField(label=_("Area (place name)"), max_length=200, required=False)
    bbox = BBoxField(
        label=_("Area (bounding box)"),
        required=False,
        help_text=_("minlon,minlat,maxlon,maxlat — e.g. 18.5,54.3,18.8,54.45 for Gdańsk."),
    )
    formats = forms.ModelMultipleChoiceField(
        label=_("Wanted formats"), queryset=FileType.objects.all(), required=False
    )
    frequency = forms.ModelChoiceField(
        label=_("Wanted update frequency"), queryset=Frequency.objects.all(), required=False
    )
    intended_use = forms.CharField(
        label=_("Intended use"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    deadline = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    willing_to_pay = forms.BooleanField(label=_("We would pay for this data"), required=False)
    addressed_to = forms.ModelChoiceField(
        label=_("Addressed to (optional)"),
        queryset=Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY),
        required=False,
        help_text=_("Leave empty to ask every publisher."),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )
        self.fields["formats"].widget.attrs["size"] = 6


class RespondForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (s.value, s.label)
            for s in (RequestStatus.PLANNED, RequestStatus.FULFILLED, RequestStatus.DECLINED)
        ],
        widget=forms.RadioSelect,
    )
    organization = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organization.objects.none())
    planned_for = forms.DateField(
        label=_("Planned for"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dataset = forms.CharField(
        label=_("Answering dataset (URL name)"),
        required=False,
        max_length=100,
        help_text=_("e.g. turku-bus-stops"),
    )
    model = forms.CharField(label=_("Or answering model (URL name)"), required=False, max_length=100)
    response = forms.CharField(
        label=_("Message (reason when declining)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )

    def clean_dataset(self):
        slug = self.cleaned_data["dataset"].strip()
        if not slug:
            return None
        dataset = Dataset.objects.published().filter(slug=slug).first()
        if dataset is None:
            raise forms.ValidationError(_("No published dataset has this URL name."))
        return dataset

    def clean_model(self):
        from twins.models import TwinModel

        slug = self.cleaned_data["model"].strip()
        if not slug:
            return None
        model = TwinModel.objects.published().filter(slug=slug).first()
        if model is None:
            raise forms.ValidationError(_("No published model has this URL name."))
        return model


class CommentForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SlugListField(forms.CharField):
    """Comma- or space-separated URL names of datasets or models."""

    def to_python(self, value):
        value = super().to_python(value)
        return [part for part in value.replace(",", " ").split() if part][:50]


class ShowcaseForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Presented by"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ShowcaseKind.choices)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is supported."),
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF up to 5 MB; it is re-encoded and its metadata removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    image_alt = forms.CharField(
        label=_("Image description (for screen readers)"), max_length=200, required=False
    )
    datasets = SlugListField(
        label=_("Datasets used (URL names)"), required=False, help_text=_("Separate with commas.")
    )
    models_used = SlugListField(label=_("Models used (URL names)"), required=False)
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args, organizations=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and image.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The image is larger than 5 MB."))
        return image

    def clean_datasets(self):
        slugs = self.cleaned_data["datasets"]
        found = list(Dataset.objects.visible_to(self.user).filter(slug__in=slugs))
        missing = set(slugs) - {d.slug for d in found}
        if missing:
            raise forms.ValidationError(
                _("Unknown datasets: %(slugs)s") % {"slugs": ", ".join(sorted(missing))}
            )
        return found

    def clean_models_used(self):
        from twins.models import TwinModel

        slugs = self.cleaned_data["models_used"]
        found = list(TwinModel.objects.visible_to(self.user).filter(slug__in=slugs))
        missing = set(slugs) - {m.slug for m in found}
        if missing:
            raise forms.ValidationError(
                _("Unknown models: %(slugs)s") % {"slugs": ", ".join(sorted(missing))}
            )
        return found

    @property
    def status(self) -> str:
        return ShowcaseStatus.PUBLISHED if self.cleaned_data.get("publish") else ShowcaseStatus.DRAFT
