"""Pages of city twins and twin models: lists, detail pages with exploration, editing, validation runs."""

import json
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from catalog import hooks as catalog_hooks
from catalog.models import Dataset
from catalog.uploads import upload_too_large
from catalog.views import form_error_from_validation

from . import services
from .access import may_download
from .choices import Domain, ModelKind, PublicationStatus
from .filters import MODEL_SORTS, TWIN_SORTS, CityTwinFilterSet, TwinModelFilterSet
from .forms import (
    MaturityForm,
    ModelVersionForm,
    StatusForm,
    TwinForm,
    TwinLinksForm,
    TwinModelForm,
    TwinServiceForm,
)
from .models import CityTwin, TwinModel, TwinModelVersion, TwinService, ValidationRun
from .selectors import (
    dtdl_interface_view,
    dtdl_version_changes,
    maturity_rows,
    mim_badges,
    model_list_queryset,
    twin_datasets,
    twin_list_queryset,
    twin_models,
    twin_services,
)
from .svg import footprints_svg, interface_graph_svg

# --- twins ------------------------------------------------------------------------------------------


def twin_list(request):
    filterset = CityTwinFilterSet(request.GET, queryset=twin_list_queryset(user=request.user))
    queryset = filterset.qs if "sort" in request.GET else filterset.qs.order_by("name", "pk")
    page = Paginator(queryset, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "domains": Domain.choices,
        "domain": request.GET.get("domain", ""),
        "sorts": TWIN_SORTS,
        "query_string": query.urlencode(),
        "can_create": request.user.is_authenticated
        and Organization.objects.editable_by(request.user).exists(),
    }
    return render(request, "twins/twin_list.html", context)


def twin_detail(request, slug):
    twin = get_object_or_404(twin_list_queryset(user=request.user), slug=slug)
    datasets = list(twin_datasets(twin=twin, user=request.user))
    models = list(twin_models(twin=twin, user=request.user))
    live = list(twin_services(twin=twin))
    can_edit = CityTwin.objects.editable_by(request.user).filter(pk=twin.pk).exists()
    context = {
        "twin": twin,
        "datasets": datasets,
        "models": models,
        "services": live,
        "maturity": maturity_rows(twin),
        "badges": mim_badges(twin=twin, datasets=datasets, models=models, services=live),
        "can_edit": can_edit,
        "geometry_json": json.dumps(twin.area_geojson),
        "service_form": TwinServiceForm(twin=twin, user=request.user) if can_edit else None,
    }
    catalog_hooks.notify_usage(request, "view", twin)
    return render(request, "twins/twin_detail.html", context)


def _editable_twin(request, slug) -> CityTwin:
    return get_object_or_404(CityTwin.objects.editable_by(request.user).select_related("owner"), slug=slug)


@login_required
def twin_create(request):
    if not Organization.objects.editable_by(request.user).exists():
        messages.info(request, _("You need to be an editor of an organisation to present a twin."))
        return redirect("twins:twin_list")
    form = TwinForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            twin = services.twin_create(
                owner=form.cleaned_data["owner"], actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Draft twin saved. Link its datasets and models, then publish it."))
            return redirect(twin)
    return render(request, "twins/twin_form.html", {"form": form, "twin": None})


@login_required
def twin_edit(request, slug):
    twin = _editable_twin(request, slug)
    form = TwinForm(request.POST or None, instance=twin, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            twin = services.twin_update(
                twin=CityTwin.objects.get(pk=twin.pk), actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(twin)
    return render(request, "twins/twin_form.html", {"form": form, "twin": CityTwin.objects.get(pk=twin.pk)})


@login_required
def twin_maturity(request, slug):
    twin = _editable_twin(request, slug)
    form = MaturityForm(request.POST or None, initial_rows=maturity_rows(twin))
    if request.method == "POST" and form.is_valid():
        try:
            services.twin_set_maturity(twin=twin, actor=request.user, levels=form.levels())
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Capability maturity saved."))
            return redirect(twin)
    return render(request, "twins/twin_maturity.html", {"form": form, "twin": twin})


@login_required
def twin_links(request, slug):
    twin = _editable_twin(request, slug)
    initial = {
        "datasets": list(twin.dataset_links.values_list("dataset_id", flat=True)),
        "models": list(twin.twin_models.values_list("pk", flat=True)),
    }
    form = TwinLinksForm(request.POST or None, twin=twin, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.twin_set_links(
                twin=twin,
                actor=request.user,
                datasets=form.chosen_datasets(),
                models=form.cleaned_data["models"],
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Links saved."))
            return redirect(twin)
    return render(request, "twins/twin_links.html", {"form": form, "twin": twin})


@login_required
@require_POST
def twin_status(request, slug):
    twin = _editable_twin(request, slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect(twin)
    action = form.cleaned_data["action"]
    try:
        if action == "delete":
            services.twin_delete(twin=twin, actor=request.user)
            messages.success(request, _("Draft twin deleted."))
            return redirect("twins:twin_list")
        status = PublicationStatus.PUBLISHED if action == "publish" else PublicationStatus.WITHDRAWN
        services.twin_set_status(twin=twin, actor=request.user, status=status)
        messages.success(
            request,
            _("“%(name)s” is published.") % {"name": twin.name}
            if action == "publish"
            else _("“%(name)s” was withdrawn.") % {"name": twin.name},
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(twin)


@login_required
@require_POST
def twin_service_add(request, slug):
    twin = _editable_twin(request, slug)
    form = TwinServiceForm(request.POST, twin=twin, user=request.user)
    if form.is_valid():
        try:
            services.twin_service_create(twin=twin, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Service added; its health is being checked."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
    return redirect(twin.get_absolute_url() + "#services")


def _editable_service(request, slug, pk) -> TwinService:
    twin = _editable_twin(request, slug)
    return get_object_or_404(TwinService, twin=twin, pk=pk)


@login_required
@require_POST
def twin_service_delete(request, slug, pk):
    service = _editable_service(request, slug, pk)
    services.twin_service_delete(service=service, actor=request.user)
    messages.success(request, _("Service removed."))
    return redirect(service.twin.get_absolute_url() + "#services")


@login_required
@require_POST
def twin_service_check(request, slug, pk):
    service = _editable_service(request, slug, pk)
    services.twin_service_check(service=service)
    return redirect(service.twin.get_absolute_url() + "#services")


# --- models -----------------------------------------------------------------------------------------


def model_list(request):
    filterset = TwinModelFilterSet(request.GET, queryset=model_list_queryset(user=request.user))
    queryset = filterset.qs if "sort" in request.GET else filterset.qs.order_by("-updated_at", "-pk")
    page = Paginator(queryset, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "kinds": ModelKind.choices,
        "selected_kinds": request.GET.getlist("kind"),
        "sorts": MODEL_SORTS,
        "query_string": query.urlencode(),
        "can_create": request.user.is_authenticated
        and Organization.objects.editable_by(request.user).exists(),
    }
    return render(request, "twins/model_list.html", context)


def _exploration(request, model: TwinModel, version: TwinModelVersion | None) -> dict:
    """What the page shows to explore a version's content (by the kind of model)."""
    if version is None or not version.summary:
        return {}
    summary = version.summary
    context = {"summary": summary}
    if summary.get("kind") == "dtdl":
        interfaces = summary.get("interfaces", [])
        focus = request.GET.get("interface") or ""
        view = dtdl_interface_view(summary, focus) if focus else None
        context.update(
            interfaces=interfaces,
            interface_view=view,
            graph_svg=interface_graph_svg(interfaces, focus=focus if view else None, link_base=request.path),
            graph_partial=not view and len(interfaces) > 40,
        )
    elif summary.get("kind") == "cityjson":
        context["footprints_svg"] = footprints_svg(summary.get("footprints", []))
    return context


def model_detail(request, slug):
    model = get_object_or_404(model_list_queryset(user=request.user), slug=slug)
    return _model_page(request, model, model.latest_version())


def model_version(request, slug, pk):
    model = get_object_or_404(model_list_queryset(user=request.user), slug=slug)
    version = get_object_or_404(TwinModelVersion, model=model, pk=pk)
    return _model_page(request, model, version)


def _model_page(request, model: TwinModel, version: TwinModelVersion | None):
    can_edit = TwinModel.objects.editable_by(request.user).filter(pk=model.pk).exists()
    run = version.runs.order_by("-created_at", "-pk").first() if version else None
    previous = None
    if version is not None:
        older = [
            v for v in model.prefetched_versions if (v.created_at, v.pk) < (version.created_at, version.pk)
        ]
        previous = older[0] if older else None
    context = {
        "model": model,
        "version": version,
        "versions": model.prefetched_versions,
        "changes": dtdl_version_changes(version, previous) if previous else None,
        "run": run,
        "can_edit": can_edit,
        "can_download": may_download(request.user, model),
        # The dataset whose access policy governs the files, when the user may see it.
        "offer": Dataset.objects.visible_to(request.user).filter(pk=model.offer_id).first()
        if model.offer_id
        else None,
        "twins": model.twins.filter(pk__in=CityTwin.objects.visible_to(request.user).values("pk")).order_by(
            "name"
        ),
        "publish_problems": services.model_publish_problems(model)
        if can_edit and not model.is_published
        else {},
        "version_form": ModelVersionForm() if can_edit else None,
        **_exploration(request, model, version),
    }
    catalog_hooks.notify_usage(request, "view", model)
    return render(request, "twins/model_detail.html", context)


def model_dcat(request, slug, fmt):
    """One model in DCAT-AP (Turtle, RDF/XML, JSON-LD, N-Triples); 404 when the user may not see it."""
    from catalog.dcat.views import rdf_response

    from .dcat import model_graph

    model = get_object_or_404(model_list_queryset(user=request.user), slug=slug)
    return rdf_response(model_graph(model), fmt)


def model_download(request, slug, pk):
    """A version's file as an attachment — only for a model the user may see and is entitled to."""
    model = get_object_or_404(TwinModel.objects.visible_to(request.user), slug=slug)
    version = get_object_or_404(TwinModelVersion, model=model, pk=pk)
    if not may_download(request.user, model):
        raise Http404  # like a dataset's file: the metadata is public, the data is not
    content_type = mimetypes.guess_type(version.file.name)[0] or "application/octet-stream"
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    catalog_hooks.notify_usage(
        request, "download", model, channel="session" if request.user.is_authenticated else "anonymous"
    )
    return response


def _editable_model(request, slug) -> TwinModel:
    return get_object_or_404(
        TwinModel.objects.editable_by(request.user).select_related("publisher"), slug=slug
    )


@login_required
def model_create(request):
    if not Organization.objects.editable_by(request.user).exists():
        messages.info(request, _("You need to be an editor of an organisation to publish models."))
        return redirect("twins:model_list")
    form = TwinModelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.model_create(
                publisher=form.cleaned_data["publisher"], actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Draft model saved. Upload its first version."))
            return redirect(model.get_absolute_url() + "#upload")
    return render(request, "twins/model_form.html", {"form": form, "model": None})


@login_required
def model_edit(request, slug):
    model = _editable_model(request, slug)
    form = TwinModelForm(request.POST or None, instance=model, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.model_update(
                model=TwinModel.objects.get(pk=model.pk), actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(model)
    return render(
        request, "twins/model_form.html", {"form": form, "model": TwinModel.objects.get(pk=model.pk)}
    )


@login_required
def model_upload(request, slug):
    model = _editable_model(request, slug)
    form = ModelVersionForm(
        request.POST or None, request.FILES or None, upload_too_large=upload_too_large(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.model_version_create(model=model, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(
                request, _("Version %(v)s uploaded; validation is running.") % {"v": version.version}
            )
            return redirect(version.runs.first())
    return render(request, "twins/model_upload.html", {"form": form, "model": model})


@login_required
@require_POST
def model_status(request, slug):
    model = _editable_model(request, slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect(model)
    action = form.cleaned_data["action"]
    try:
        if action == "delete":
            services.model_delete(model=model, actor=request.user)
            messages.success(request, _("Draft model deleted."))
            return redirect("twins:model_list")
        status = PublicationStatus.PUBLISHED if action == "publish" else PublicationStatus.WITHDRAWN
        services.model_set_status(model=model, actor=request.user, status=status)
        messages.success(
            request,
            _("“%(title)s” is published.") % {"title": model.title}
            if action == "publish"
            else _("“%(title)s” was withdrawn.") % {"title": model.title},
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(model)


def validation_run(request, slug, pk):
    """A validation run with its report; htmx polls the progress part while it runs."""
    model = get_object_or_404(TwinModel.objects.visible_to(request.user), slug=slug)
    run = get_object_or_404(ValidationRun.objects.select_related("version"), version__model=model, pk=pk)
    severity = request.GET.get("severity", "")
    issues = [i for i in run.issues if not severity or i["severity"] == severity]
    context = {
        "model": model,
        "run": run,
        "issues": issues[:1000],
        "issues_total": len(issues),
        "severity": severity,
        "can_edit": TwinModel.objects.editable_by(request.user).filter(pk=model.pk).exists(),
    }
    template = (
        "twins/_run_progress.html"
        if request.htmx and request.GET.get("part") == "progress"
        else "twins/validation_run.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def validation_run_restart(request, slug, pk):
    model = _editable_model(request, slug)
    version = get_object_or_404(TwinModelVersion, model=model, pk=pk)
    run = services.validation_run_create(version=version, actor=request.user)
    return redirect(run)
