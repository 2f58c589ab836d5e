"""Validators shared across apps (lower layers own them so higher layers may import them)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RESERVED_SLUGS = {"new", "edit", "create", "search", "api", "admin", "export", "catalog", "feed", "tokens"}


def validate_slug_not_reserved(value: str) -> None:
    """Slugs that would collide with a fixed path segment (/organizations/new/, …) are refused."""
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved; choose another URL name."), params={"slug": value})


# Only web URLs: no javascript:, data:, file:, ftp: (DCAT access points are http(s) resources).
safe_url_validator = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address starting with http:// or https://."),
    # Its own code, so that forms.URLField does not replace the message with its generic one.
    code="invalid_web_url",
)


class SafeURLField(models.URLField):
    """A URLField that accepts http(s) only."""

    default_validators = [safe_url_validator]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 1000)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from django import forms

        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("form_class", forms.URLField)
        field = super().formfield(**kwargs)
        field.validators = [v for v in field.validators if not isinstance(v, URLValidator)] + [
            safe_url_validator
        ]
        return field
