"""Pages of the catalogue: home, dataset search and pages, downloads, and the publisher workspace."""

import json
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization

from . import hooks, services
from .choices import DatasetStatus
from .dcat.views import dcat_negotiated_response
from .filters import SORTS
from .forms import DatasetForm, DistributionForm, StatusForm
from .harvesting.models import dataset_is_harvest_locked
from .models import Dataset, Distribution
from .search.suggest import suggest
from .selectors import (
    FACETS,
    CountedPaginator,
    city_list,
    dataset_count,
    dataset_facets,
    dataset_list_queryset,
    dataset_search,
    portal_counts,
)
from .uploads import upload_too_large


def form_error_from_validation(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form, per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data) -> str:
    """JSON safe inside <script>: no <, > or & can end the element or open a comment (as json_script)."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def home(request):
    visible = dataset_list_queryset(user=request.user).filter(status=DatasetStatus.PUBLISHED)
    context = {
        "counts": portal_counts(user=request.user),
        "cities": city_list(),
        "latest": visible.order_by("-published_at", "-pk")[:6],
    }
    return render(request, "catalog/home.html", context)


def dataset_list(request):
    """The search page: full-text query, facets, map box, filters; the URL holds the whole query."""
    filterset, queryset = dataset_search(user=request.user, params=request.GET)
    count = dataset_count(user=request.user, params=request.GET, queryset=queryset)
    page = CountedPaginator(queryset, 20, count=count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    q = request.GET.get("q", "")
    suggestion = suggest(q) if q and page.paginator.count < 3 else None
    context = {
        "filterset": filterset,
        "page": page,
        "facets": dataset_facets(user=request.user, params=request.GET),
        "facet_labels": {facet.key: facet.label for facet in FACETS},
        "query_string": query.urlencode(),
        "q": q,
        "sorts": SORTS,
        "sort": filterset.effective_sort,
        "suggestion": suggestion,
        "suggestion_query": _with_query(query, suggestion) if suggestion else "",
    }
    if request.GET.get("page", "1") in ("", "1"):  # a search counts once, not once per page
        hooks.notify_search(request, query=q, results=page.paginator.count, channel="ui")
    # htmx requests get the same page; the client swaps the search area (hx-select).
    return render(request, "catalog/dataset_list.html", context)


def _with_query(query, q: str) -> str:
    changed = query.copy()
    changed["q"] = q
    return changed.urlencode()


def _spatial_geometry(dataset: Dataset):
    if dataset.spatial_geojson:
        return dataset.spatial_geojson
    if dataset.bbox:
        w, s, e, n = dataset.bbox
        return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
    return None


def dataset_detail(request, slug):
    dataset = get_object_or_404(dataset_list_queryset(user=request.user), slug=slug)
    rdf = dcat_negotiated_response(request, dataset)
    if rdf is not None:  # a harvester asked for Turtle, RDF/XML or JSON-LD at the page's address
        return rdf
    harvest_locked = dataset_is_harvest_locked(dataset)
    can_edit = not harvest_locked and Dataset.objects.editable_by(request.user).filter(pk=dataset.pk).exists()
    data_access = hooks.get_access().data_visible_to(request.user, dataset)
    context = {
        "dataset": dataset,
        "data_access": data_access,
        "distributions": dataset.distributions.all(),
        "can_edit": can_edit,
        "harvest_locked": harvest_locked,
        "geometry_json": json.dumps(_spatial_geometry(dataset)),
        "publish_problems": services.dataset_publish_problems(dataset) if can_edit else {},
        "schema_org": json_for_script(schema_org_dataset(request, dataset, data_access=data_access)),
    }
    response = render(request, "catalog/dataset_detail.html", context)
    patch_vary_headers(response, ["Accept"])
    hooks.notify_usage(request, "view", dataset)
    return response


def schema_org_dataset(request, dataset: Dataset, *, data_access: bool = True) -> dict:
    """schema.org Dataset JSON-LD for search engines (Google Dataset Search); download links only
    when the data is open to this user (restricted links never leak)."""
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": dataset.title,
        "description": dataset.description[:5000] or dataset.title,
        "url": request.build_absolute_uri(dataset.get_absolute_url()),
        "identifier": dataset.identifier or dataset.uri,
        "keywords": [k.name for k in dataset.keywords.all()],
        "isAccessibleForFree": hooks.get_access().dataset_is_open(dataset),
        "publisher": {"@type": "Organization", "name": dataset.publisher.name},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.title,
                "contentUrl": request.build_absolute_uri(d.effective_download_url or d.access_url),
                "encodingFormat": d.media_type or (d.format.label if d.format else ""),
            }
            for d in dataset.distributions.all()
            if data_access and (d.effective_download_url or d.access_url)
        ],
    }
    if dataset.licence and dataset.licence.uri:
        data["license"] = dataset.licence.uri
    if dataset.modified:
        data["dateModified"] = dataset.modified.isoformat()
    if dataset.issued:
        data["datePublished"] = dataset.issued.isoformat()
    if dataset.temporal_start:
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{dataset.temporal_start.isoformat()}/{end}"
    if dataset.bbox:
        w, s, e, n = dataset.bbox
        data["spatialCoverage"] = {
            "@type": "Place",
            "name": dataset.spatial_name or None,
            "geo": {"@type": "GeoShape", "box": f"{s} {w} {n} {e}"},
        }
    return data


def distribution_download(request, slug, pk):
    """Serve an uploaded file as an attachment, only for a dataset the user may see and only when the
    access layer (catalog.hooks, answered by the marketplace) says the caller is entitled: 404 for
    anyone else, 429 when a quota is used up. The access layer also records the download."""
    dataset = get_object_or_404(Dataset.objects.visible_to(request.user), slug=slug)
    distribution = get_object_or_404(Distribution, dataset=dataset, pk=pk)
    if not distribution.file:
        raise Http404
    decision = hooks.get_access().download(request, dataset, distribution)
    if not decision.allowed:
        if decision.status == 429:
            return HttpResponse(decision.message, status=429, content_type="text/plain; charset=utf-8")
        raise Http404
    content_type = distribution.media_type or mimetypes.guess_type(distribution.file.name)[0]
    response = FileResponse(
        distribution.file.open("rb"),
        as_attachment=True,
        filename=distribution.file.name.rsplit("/", 1)[-1],
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# How a followed link is counted: the download URL as a download, the access URL as an access.
LINK_CHANNELS = {"download": "link", "access": "access link"}


def distribution_link(request, slug, pk, kind):
    """Follow a distribution's download or access URL (CKAN counts these "resource clicks"): the use
    is counted for the publisher's figures, then the browser goes on to the URL. 404 where the page
    would not show the link: a dataset the user may not see, data they may not get, no such URL."""
    if kind not in LINK_CHANNELS:
        raise Http404
    dataset = get_object_or_404(Dataset.objects.visible_to(request.user), slug=slug)
    distribution = get_object_or_404(Distribution, dataset=dataset, pk=pk)
    if not hooks.get_access().data_visible_to(request.user, dataset):
        raise Http404
    url = distribution.download_url if kind == "download" else distribution.access_url
    if not url or not url.lower().startswith(("http://", "https://")):
        raise Http404
    hooks.notify_usage(request, "download", dataset, channel=LINK_CHANNELS[kind])
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- publisher workspace ------------------------------------------------------------------------


@login_required
def workspace(request):
    """The datasets of every organisation the user belongs to, with their states."""
    organizations = Organization.objects.of_user(request.user).order_by("name")
    if request.user.is_superuser and not organizations:
        # A site admin without memberships looks after every publisher.
        organizations = Organization.objects.visible_to(request.user).order_by("name")
    status = request.GET.get("status", "")
    datasets = (
        Dataset.objects.visible_to(request.user)
        .filter(publisher__in=organizations)
        .select_related("publisher", "licence")
        .annotate(n_distributions=Count("distributions"))
        .order_by("-updated_at")
    )
    counts = {row["status"]: row["n"] for row in datasets.order_by().values("status").annotate(n=Count("pk"))}
    if status in DatasetStatus.values:
        datasets = datasets.filter(status=status)
    page = Paginator(datasets, 25).get_page(request.GET.get("page"))
    editable = set(Organization.objects.editable_by(request.user).values_list("pk", flat=True))
    context = {
        "organizations": organizations,
        "page": page,
        "status": status,
        "status_counts": counts,
        "statuses": DatasetStatus.choices,
        "editable_org_ids": editable,
        "can_harvest": Organization.objects.administered_by(request.user).exists(),
    }
    return render(request, "catalog/workspace.html", context)


def _editable_dataset(request, slug) -> Dataset:
    return get_object_or_404(Dataset.objects.editable_by(request.user).select_related("publisher"), slug=slug)


@login_required
def dataset_create(request):
    if not Organization.objects.editable_by(request.user).exists():
        messages.info(request, _("You need to be an editor of an organisation to publish datasets."))
        return redirect("accounts:organization_list")
    initial = {}
    if request.GET.get("publisher"):
        initial["publisher"] = (
            Organization.objects.editable_by(request.user).filter(slug=request.GET["publisher"]).first()
        )
    form = DatasetForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_create(
                publisher=form.cleaned_data["publisher"], actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(
                request,
                _("Draft “%(title)s” saved. Add a distribution, then publish it.") % {"title": dataset.title},
            )
            return redirect("catalog:distribution_create", slug=dataset.slug)
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request, slug):
    dataset = _editable_dataset(request, slug)
    form = DatasetForm(request.POST or None, instance=dataset, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            # form.instance was already updated by is_valid(); the service re-reads and re-validates.
            dataset = services.dataset_update(
                dataset=Dataset.objects.get(pk=dataset.pk), actor=request.user, **fields
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(dataset)
    return render(
        request, "catalog/dataset_form.html", {"form": form, "dataset": Dataset.objects.get(pk=dataset.pk)}
    )


@login_required
@require_POST
def dataset_status(request, slug):
    """Publish, withdraw or delete a dataset (one POST endpoint for the state buttons)."""
    dataset = _editable_dataset(request, slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect(dataset)
    action = form.cleaned_data["action"]
    try:
        if action == "publish":
            services.dataset_publish(dataset=dataset, actor=request.user)
            messages.success(request, _("“%(title)s” is published.") % {"title": dataset.title})
        elif action == "withdraw":
            services.dataset_withdraw(dataset=dataset, actor=request.user)
            messages.success(
                request,
                _("“%(title)s” was withdrawn; only your organisation sees it now.")
                % {"title": dataset.title},
            )
        else:
            services.dataset_delete(dataset=dataset, actor=request.user)
            messages.success(request, _("Draft “%(title)s” deleted.") % {"title": dataset.title})
            return redirect("catalog:workspace")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(dataset)


@login_required
def distribution_create(request, slug):
    dataset = _editable_dataset(request, slug)
    form = DistributionForm(
        request.POST or None,
        request.FILES or None,
        upload_too_large=upload_too_large(request),
        initial={"title": dataset.title},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "file" and not v)}
        try:
            services.distribution_create(dataset=dataset, actor=request.user, **data)
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Distribution added."))
            return redirect(dataset)
    return render(
        request, "catalog/distribution_form.html", {"form": form, "dataset": dataset, "distribution": None}
    )


def _editable_distribution(request, slug, pk) -> Distribution:
    dataset = _editable_dataset(request, slug)
    return get_object_or_404(
        Distribution.objects.select_related("dataset__publisher", "format"), dataset=dataset, pk=pk
    )


@login_required
def distribution_edit(request, slug, pk):
    distribution = _editable_distribution(request, slug, pk)
    form = DistributionForm(
        request.POST or None,
        request.FILES or None,
        instance=distribution,
        upload_too_large=upload_too_large(request),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("file") is None:
            data.pop("file")  # no new upload: keep the current file
        elif data.get("file") is False:
            data["file"] = None  # "clear" ticked
        try:
            services.distribution_update(
                distribution=Distribution.objects.select_related("dataset__publisher").get(
                    pk=distribution.pk
                ),
                actor=request.user,
                **data,
            )
        except ValidationError as exc:
            form_error_from_validation(form, exc)
        else:
            messages.success(request, _("Distribution saved."))
            return redirect(distribution.dataset)
    context = {"form": form, "dataset": distribution.dataset, "distribution": distribution}
    return render(request, "catalog/distribution_form.html", context)


@login_required
@require_POST
def distribution_delete(request, slug, pk):
    distribution = _editable_distribution(request, slug, pk)
    services.distribution_delete(distribution=distribution, actor=request.user)
    messages.success(request, _("Distribution deleted."))
    return redirect(reverse("catalog:dataset_detail", kwargs={"slug": slug}))
