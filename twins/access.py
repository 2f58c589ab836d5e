"""Who may download a model's files: its publisher's members and site admins always; then any check
appended to `download_checks` (True entitled, False refused, None no opinion); then, for a model
*offered through* a dataset of its publisher, whoever may get that dataset's data — the marketplace's
policies (open, registered, on approval, restricted plans), agreements, revocation and expiry apply to
the model as to the dataset; otherwise anyone who sees an open model."""

from collections.abc import Callable

from catalog import hooks
from catalog.models import Dataset
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
    if model.offer_id is not None:
        # Offered through a dataset: its access policy decides (the marketplace answers through the
        # catalogue's access hook — entitlements, agreements, plans, revocation, expiry).
        offer = Dataset.objects.visible_to(user).filter(pk=model.offer_id).first()
        return offer is not None and hooks.get_access().data_visible_to(user, offer)
    return model.is_open
