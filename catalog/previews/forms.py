"""The publisher's sample form: upload a file or give a URL (same size limit as distributions)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapFormMixin
from catalog import net


class PreviewSampleForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("Description"), max_length=250, required=False)
    url = forms.URLField(label=_("Sample URL"), required=False, assume_scheme="https")
    # Last: if an oversized upload is cut off, the fields before it still arrive.
    file = forms.FileField(label=_("Sample file"), required=False)

    def __init__(self, *args, upload_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_too_large = upload_too_large
        self.fields["file"].help_text = _(
            "At most %(mb)d MB. Anyone may preview it, also without access."
        ) % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if url:
            try:
                net.check_url(url)
            except net.FetchError as exc:
                raise ValidationError(_("This URL cannot be fetched: %(error)s") % {"error": exc}) from exc
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.upload_too_large or (upload and upload.size > settings.UPLOAD_MAX_BYTES):
            raise ValidationError(
                _("The file is larger than the limit of %(mb)d MB.")
                % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
            )
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("url")):
            raise ValidationError(_("Upload a sample file or give a sample URL (one of them)."))
        return data
