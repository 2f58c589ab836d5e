"""DRF authentication with personal API tokens (`Authorization: Bearer tp_…`, `Token tp_…` or raw)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import TOKEN_PREFIX, api_token_authenticate


def token_from_header(value: str) -> str | None:
    """Extract a Twinport token from an Authorization header value, whatever the scheme word."""
    value = value.strip()
    if not value:
        return None
    parts = value.split()
    if len(parts) == 2 and parts[0].lower() in ("bearer", "token"):
        value = parts[1]
    elif len(parts) != 1:
        return None
    return value if value.startswith(TOKEN_PREFIX) else None


def note_token(request, token) -> None:
    """Remember which token a request used (the usage metering counts API calls per token)."""
    getattr(request, "_request", request).api_token = token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        secret = token_from_header(request.headers.get("Authorization", ""))
        if secret is None:
            return None
        token = api_token_authenticate(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        note_token(request, token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
