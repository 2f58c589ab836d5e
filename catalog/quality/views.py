"""Quality pages: overview, publisher and programme dashboards, "check now", runs with live progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization, Programme
from catalog.models import Dataset

from . import exports, selectors, services
from .choices import RunScope
from .models import QualityRun, QualitySnapshot


def overview(request):
    """Every publisher's score (yours first), the programmes and the portal's figure."""
    return render(request, "quality/overview.html", selectors.overview(user=request.user))


def organization_dashboard(request, slug):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), slug=slug)
    can_check = Organization.objects.editable_by(request.user).filter(pk=organization.pk).exists()
    # Failing links are listed by URL (secret for restricted offers) to the publisher's editors only.
    context = selectors.organization_dashboard(
        organization=organization, user=request.user, with_links=can_check
    )
    context["organization"] = organization
    context["can_check"] = can_check
    context["active_run"] = QualityRun.objects.active().filter(organization=organization).first()
    context["runs"] = (
        QualityRun.objects.visible_to(request.user)
        .filter(Q(organization=organization) | Q(dataset__publisher=organization) | Q(scope=RunScope.ALL))
        .select_related("dataset", "organization")[:10]
        if context["can_check"]
        else []
    )
    return render(request, "quality/organization_dashboard.html", context)


def programme_dashboard(request, slug):
    programme = get_object_or_404(Programme.objects.all(), slug=slug)
    context = selectors.programme_dashboard(programme=programme)
    context["programme"] = programme
    return render(request, "quality/programme_dashboard.html", context)


def _queued(request, run, created):
    if created:
        messages.success(request, _("Quality check queued."))
    else:
        messages.info(request, _("A quality check of this is already queued or running."))
    return redirect(run)


@login_required
@require_POST
def dataset_check(request, slug):
    dataset = get_object_or_404(Dataset.objects.visible_to(request.user), slug=slug)
    try:
        run, created = services.quality_run_create(
            scope=RunScope.DATASET, dataset=dataset, actor=request.user
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    return _queued(request, run, created)


@login_required
@require_POST
def organization_check(request, slug):
    organization = get_object_or_404(Organization.objects.editable_by(request.user), slug=slug)
    run, created = services.quality_run_create(
        scope=RunScope.ORGANIZATION, organization=organization, actor=request.user
    )
    return _queued(request, run, created)


def _run(request, pk) -> QualityRun:
    return get_object_or_404(
        QualityRun.objects.visible_to(request.user).select_related("dataset", "organization"), pk=pk
    )


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    return render(request, "quality/run_detail.html", {"run": run})


@login_required
def run_progress(request, pk):
    """The run's live part; htmx polls it while the run is active."""
    return render(request, "quality/_run_progress.html", {"run": _run(request, pk)})


@login_required
@require_POST
def run_cancel(request, pk):
    run = _run(request, pk)
    services.quality_run_cancel(run=run, actor=request.user)
    messages.info(request, _("Cancellation requested."))
    return redirect(run)


def _period(request):
    """(since, until) dates from ?since=&until= (ISO dates); 400 when one is not a date."""
    from django.utils.dateparse import parse_date

    bounds = []
    for name in ("since", "until"):
        value = request.GET.get(name, "").strip()
        try:
            day = parse_date(value) if value else None
        except ValueError:
            day = None
        if value and day is None:
            raise ValueError(_("“%(name)s” must be a date (YYYY-MM-DD).") % {"name": name})
        bounds.append(day)
    return bounds


def _snapshots_response(request, snapshots, filename: str):
    from django.http import HttpResponseBadRequest

    try:
        since, until = _period(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    if since:
        snapshots = snapshots.filter(date__gte=since)
    if until:
        snapshots = snapshots.filter(date__lte=until)
    snapshots = snapshots.select_related("organization", "programme").order_by("date", "kind", "subject_key")
    return exports.snapshots_csv(snapshots, filename=filename)


def organization_scores_csv(request, slug):
    """A publisher's daily figures as CSV (published datasets only: public)."""
    organization = get_object_or_404(Organization.objects.visible_to(request.user), slug=slug)
    snapshots = QualitySnapshot.objects.filter(organization=organization)
    return _snapshots_response(request, snapshots, f"quality-{organization.slug}.csv")


def programme_scores_csv(request, slug):
    """A programme's daily figures and its publishers' as CSV, e.g. for the funder's quarterly report."""
    programme = get_object_or_404(Programme.objects.all(), slug=slug)
    snapshots = QualitySnapshot.objects.filter(
        Q(programme=programme) | Q(organization__in=programme.organizations.values("pk"))
    )
    return _snapshots_response(request, snapshots, f"quality-{programme.slug}.csv")
