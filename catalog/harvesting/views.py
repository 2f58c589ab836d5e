"""Harvesting pages for site admins and admins of the owning organisation: sources, jobs (live), items."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization

from . import services
from .choices import ItemStatus
from .forms import HarvestSourceForm
from .models import HarvestItem, HarvestJob, HarvestSource


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _source(request, slug) -> HarvestSource:
    return get_object_or_404(
        HarvestSource.objects.visible_to(request.user).select_related("organization"), slug=slug
    )


@login_required
def source_list(request):
    latest = HarvestJob.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    sources = list(
        HarvestSource.objects.visible_to(request.user)
        .select_related("organization")
        .annotate(latest_job_id=Subquery(latest))
    )
    jobs = HarvestJob.objects.in_bulk([s.latest_job_id for s in sources if s.latest_job_id])
    rows = [(source, jobs.get(source.latest_job_id)) for source in sources]
    can_create = Organization.objects.administered_by(request.user).exists()
    return render(request, "catalog/harvesting/source_list.html", {"rows": rows, "can_create": can_create})


@login_required
def source_create(request):
    if not Organization.objects.administered_by(request.user).exists():
        messages.info(request, _("Only admins of an organisation can register harvest sources."))
        return redirect("harvesting:source_list")
    form = HarvestSourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.harvest_source_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Source “%(title)s” registered.") % {"title": source.title})
            return redirect(source)
    return render(request, "catalog/harvesting/source_form.html", {"form": form, "source": None})


@login_required
def source_edit(request, slug):
    source = _source(request, slug)
    form = HarvestSourceForm(request.POST or None, instance=source, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.harvest_source_update(
                source=HarvestSource.objects.get(pk=source.pk), actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(source)
    return render(
        request,
        "catalog/harvesting/source_form.html",
        {"form": form, "source": HarvestSource.objects.get(pk=source.pk)},
    )


@login_required
def source_detail(request, slug):
    source = _source(request, slug)
    jobs = Paginator(source.jobs.all(), 20).get_page(request.GET.get("page"))
    active = source.jobs.active().first()
    counts = dict(source.items.values_list("status").annotate(n=Count("pk")))
    item_counts = {label: counts.get(value, 0) for value, label in ItemStatus.choices}
    problems = source.items.filter(~Q(error="")).order_by("-harvested_at")[:20]
    context = {
        "source": source,
        "jobs": jobs,
        "active": active,
        "item_counts": item_counts,
        "problems": problems,
    }
    return render(request, "catalog/harvesting/source_detail.html", context)


@login_required
@require_POST
def source_run(request, slug):
    source = _source(request, slug)
    job, created = services.harvest_job_create(
        source=source, actor=request.user, full=request.POST.get("full") == "1"
    )
    if created:
        messages.success(request, _("Harvest queued."))
    else:
        messages.info(request, _("A harvest of this source is already queued or running."))
    return redirect(job)


def _job(request, pk) -> HarvestJob:
    return get_object_or_404(HarvestJob.objects.visible_to(request.user).select_related("source"), pk=pk)


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    items = job.source.items.filter(last_job=job).exclude(error="").order_by("guid")[:50]
    return render(request, "catalog/harvesting/job_detail.html", {"job": job, "items": items})


@login_required
def job_progress(request, pk):
    """The job's live part (counters, progress bar); htmx polls it while the job is active."""
    job = _job(request, pk)
    return render(request, "catalog/harvesting/_job_progress.html", {"job": job})


@login_required
@require_POST
def job_cancel(request, pk):
    job = _job(request, pk)
    services.harvest_job_cancel(job=job, actor=request.user)
    messages.info(request, _("Cancellation requested."))
    return redirect(job)


@login_required
def item_detail(request, pk):
    item = get_object_or_404(
        HarvestItem.objects.filter(
            source__in=HarvestSource.objects.visible_to(request.user).values("pk")
        ).select_related("source", "dataset", "last_job"),
        pk=pk,
    )
    return render(
        request, "catalog/harvesting/item_detail.html", {"item": item, "original": _readable(item.original)}
    )


def _readable(original: str) -> str:
    """The original record for reading: JSON (stored compact) indented; RDF as it is."""
    if original.startswith("{"):
        try:
            return json.dumps(json.loads(original), ensure_ascii=False, indent=2)
        except ValueError:
            pass  # a record cut at the size limit: shown as stored
    return original
