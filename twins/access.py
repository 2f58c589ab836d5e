"""Who may download a model's files. The catalogue's download view has no entitlement hook yet (the
marketplace, issue 7, adds it); until then open models are served to whoever sees them, and models with
restricted or non-public access rights only to their publisher's members and site admins. The
marketplace plugs its entitlement decision in by appending to `download_checks` in its AppConfig.ready():
a check returns True (entitled), False (refused) or None (no opinion)."""

from collections.abc import Callable

from catalog.querysets import _org_ids

from .models import TwinModel

# (user, model) -> True | False | None; the first non-None answer decides.
download_checks: list[Callable] = []


def may_download(user, model: TwinModel) -> bool:
    """May `user` (who can see `model`) download its files?"""
    if (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or _org_ids(user).filter(organization_id=model.publisher_id).exists())
    ):
        return True
    for check in download_checks:
        answer = check(user, model)
        if answer is not None:
            return bool(answer)
    return model.is_open
