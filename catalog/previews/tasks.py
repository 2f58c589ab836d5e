"""Celery task of the previews: id in, one service call (queue `fetch` for downloads, else `default`)."""

from celery import shared_task


# A 64 MB download plus parsing: well under two minutes.
@shared_task(queue="default", acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def preview_generate_task(preview_id: int) -> None:
    """Generate one preview; a second delivery of a preview already made returns at once."""
    from .choices import PreviewStatus
    from .models import Preview
    from .services import preview_generate

    preview = Preview.objects.select_related("distribution__format").filter(pk=preview_id).first()
    if preview is None or preview.status != PreviewStatus.PENDING:
        return
    preview_generate(preview=preview)
