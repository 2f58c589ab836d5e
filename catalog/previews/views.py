"""Preview pages: the fragment a dataset page loads by htmx per distribution, thumbnails, and the
publisher's sample form."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Dataset, Distribution
from catalog.uploads import upload_too_large

from . import services
from .choices import PreviewSource
from .forms import PreviewSampleForm
from .models import Preview, PreviewSample
from .selectors import has_sample, preview_source_for

# The fragment is data from a file: nothing in it may run or load from elsewhere (the page's own
# scripts draw the map from its data attributes).
FRAGMENT_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'none'"
)


def _distribution(request, pk) -> Distribution:
    queryset = Distribution.objects.visible_to(request.user).select_related("dataset", "format")
    return get_object_or_404(queryset, pk=pk)


def _extent(dataset):
    """The dataset's spatial extent as a GeoJSON geometry (drawn under the file's features)."""
    if dataset.spatial_geojson:
        return dataset.spatial_geojson
    if dataset.bbox:
        w, s, e, n = dataset.bbox
        return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
    return None


def _link_url(distribution, source) -> str:
    """Where the previewed file itself is (for formats shown as a link, PDF)."""
    if source == PreviewSource.SAMPLE:
        sample = PreviewSample.objects.filter(distribution=distribution).first()
        if sample is None:
            return ""
        return (
            reverse("previews:sample_download", kwargs={"pk": distribution.pk}) if sample.file else sample.url
        )
    if source == PreviewSource.DATA:
        return distribution.effective_download_url
    return ""


@require_GET
def preview_fragment(request, pk):
    """The preview tab's content: the preview (queued when missing or stale, polled while pending)."""
    distribution = _distribution(request, pk)
    source = preview_source_for(request.user, distribution, request.GET.get("source", ""))
    preview = None
    if source is not None:
        preview = services.preview_request(distribution=distribution, source=source)
        preview.refresh_from_db()
    can_edit = Dataset.objects.editable_by(request.user).filter(pk=distribution.dataset_id).exists()
    extent = _extent(distribution.dataset)
    response = render(
        request,
        "previews/_fragment.html",
        {
            "distribution": distribution,
            "preview": preview,
            "source": source,
            "has_sample": has_sample(distribution),
            "can_edit": can_edit,
            "extent_json": json.dumps(extent) if extent else "",
            "link_url": _link_url(distribution, source),
        },
    )
    response["Content-Security-Policy"] = FRAGMENT_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def preview_thumbnail(request, pk, source):
    distribution = _distribution(request, pk)
    if source not in PreviewSource.values or preview_source_for(request.user, distribution, source) != source:
        raise Http404
    preview = Preview.objects.filter(distribution=distribution, source=source).first()
    if preview is None or not preview.image:
        raise Http404
    response = FileResponse(preview.image.open("rb"), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def sample_download(request, pk):
    """The uploaded sample file: public to everyone who may see the dataset (that is what a sample is)."""
    distribution = _distribution(request, pk)
    sample = PreviewSample.objects.filter(distribution=distribution).first()
    if sample is None or not sample.file:
        raise Http404
    response = FileResponse(sample.file.open("rb"), as_attachment=True, filename=sample.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def sample_edit(request, pk):
    """Upload or designate the public sample of a distribution (editors of the publisher)."""
    distribution = _distribution(request, pk)
    if not Dataset.objects.editable_by(request.user).filter(pk=distribution.dataset_id).exists():
        raise Http404
    sample = PreviewSample.objects.filter(distribution=distribution).first()
    posted = request.method == "POST"
    form = PreviewSampleForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        upload_too_large=upload_too_large(request),
        initial={"description": sample.description, "url": sample.url} if sample else None,
    )
    if posted and form.is_valid():
        try:
            services.preview_sample_set(
                distribution=distribution,
                actor=request.user,
                file=form.cleaned_data.get("file"),
                url=form.cleaned_data.get("url", ""),
                description=form.cleaned_data.get("description", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The sample is saved; its preview is being prepared."))
            return redirect(distribution.get_absolute_url())
    return render(
        request, "previews/sample_form.html", {"distribution": distribution, "sample": sample, "form": form}
    )


@login_required
@require_POST
def sample_delete(request, pk):
    distribution = _distribution(request, pk)
    try:
        services.preview_sample_delete(distribution=distribution, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The sample was removed."))
    return redirect(distribution.get_absolute_url())
