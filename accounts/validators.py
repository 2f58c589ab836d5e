"""Validators shared across apps (lower layers own them so higher layers may import them)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RESERVED_SLUGS = {"new", "edit", "create", "search", "api", "admin", "export", "catalog", "feed", "tokens"}


def validate_slug_not_reserved(value: str) -> None:
    """Slugs that would collide with a fixed path segment (/organizations/new/, …) are refused."""
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved; choose another URL name."), params={"slug": value})
