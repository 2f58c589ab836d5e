"""Reads of the previews app: which preview a person may see."""

from catalog import hooks

from .choices import PreviewSource
from .models import PreviewSample


def has_sample(distribution) -> bool:
    return PreviewSample.objects.filter(distribution=distribution).exists()


def preview_source_for(user, distribution, requested: str = "") -> str | None:
    """The source of the preview `user` sees for `distribution` (whose dataset they may see): the data
    when they may get it (open data, publisher members, entitled consumers), otherwise the publisher's
    sample, otherwise None — restricted data is never previewed for people who are not entitled.
    `requested` ("data"/"sample") picks one of the allowed sources."""
    entitled = hooks.get_access().data_visible_to(user, distribution.dataset)
    sample = has_sample(distribution)
    if requested == PreviewSource.SAMPLE and sample:
        return PreviewSource.SAMPLE
    if entitled and requested in ("", PreviewSource.DATA):
        return PreviewSource.DATA
    if sample:
        return PreviewSource.SAMPLE
    return None
