"""DCAT-AP endpoints: the paged catalogue, one dataset, and Accept-header negotiation for dataset pages.

Everything starts from `Dataset.objects.visible_to(request.user)` (through `dataset_queryset`):
anonymous harvesters see published datasets only, and what a user may not see answers 404.
"""

from datetime import datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from catalog.models import Dataset

from .graph import RDF_FORMATS, Paging, catalog_graph, dataset_graph, dataset_queryset, serialize

PAGE_SIZE = 100
# Offered to Accept-header negotiation; HTML first so that */* (and no Accept header) keeps the page.
_NEGOTIABLE = ["text/html", *(rdf_format.media_type for rdf_format in RDF_FORMATS.values())]
_FORMAT_OF_MEDIA_TYPE = {rdf_format.media_type: ext for ext, rdf_format in RDF_FORMATS.items()}


def rdf_response(graph, fmt: str) -> HttpResponse:
    response = HttpResponse(serialize(graph, fmt), content_type=RDF_FORMATS[fmt].content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def parse_modified_since(value: str) -> datetime | None:
    """An ISO 8601 date or date-time (a date means its midnight; naive means the portal's time zone)."""
    value = value.strip()
    # An unencoded '+' of a UTC offset arrives as a space in a query string.
    for candidate in dict.fromkeys([value, value.replace(" ", "+")]):
        try:
            moment = parse_datetime(candidate)
            day = None if moment else parse_date(candidate)
        except ValueError:
            continue
        if day is not None:
            moment = datetime.combine(day, time.min)
        if moment is not None:
            return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return None


def catalog(request, fmt: str):
    """One page of the catalogue (`?page=` from 1, 100 datasets each, by id) with Hydra paging links;
    `?modified_since=` keeps the datasets whose record changed since then."""
    queryset = dataset_queryset(user=request.user)
    params = {}
    since_text = request.GET.get("modified_since", "")
    if since_text:
        since = parse_modified_since(since_text)
        if since is None:
            return HttpResponseBadRequest(
                _(
                    "modified_since must be an ISO 8601 date or date-time, "
                    "e.g. 2025-05-01 or 2025-05-01T12:00:00Z; got %(value)r."
                )
                % {"value": since_text[:100]},
                content_type="text/plain; charset=utf-8",
            )
        queryset = queryset.filter(updated_at__gte=since)
        params["modified_since"] = since_text
    paginator = Paginator(queryset.order_by("pk"), PAGE_SIZE)
    page_text = request.GET.get("page", "1")
    if not page_text.isascii() or not page_text.isdigit():
        raise Http404("page must be a positive whole number")
    try:
        page = paginator.page(int(page_text))
    except InvalidPage as exc:
        raise Http404(str(exc)) from exc
    # The catalogue's dct:modified: its latest change as this user sees it, whatever the filter.
    catalogue_modified = Dataset.objects.visible_to(request.user).aggregate(latest=Max("updated_at"))[
        "latest"
    ]

    base = settings.SITE_URL + request.path

    def url(number: int) -> str:
        return base + "?" + urlencode({**params, "page": number})

    paging = Paging(
        url=url(page.number),
        first=url(1),
        last=url(paginator.num_pages),
        next=url(page.next_page_number()) if page.has_next() else None,
        previous=url(page.previous_page_number()) if page.has_previous() else None,
        total_items=paginator.count,
        items_per_page=PAGE_SIZE,
    )
    graph = catalog_graph(datasets=page.object_list, modified=catalogue_modified, paging=paging)
    return rdf_response(graph, fmt)


def dataset(request, slug: str, fmt: str):
    """One dataset in DCAT-AP (404 when the user may not see it)."""
    found = get_object_or_404(dataset_queryset(user=request.user), slug=slug)
    return rdf_response(dataset_graph(found), fmt)


def catalog_root(request):
    """The catalogue's URI: 303 to its RDF for RDF clients, to the dataset search for browsers."""
    preferred = request.get_preferred_type(_NEGOTIABLE)
    fmt = _FORMAT_OF_MEDIA_TYPE.get(preferred)
    target = reverse("dcat:catalog", kwargs={"fmt": fmt}) if fmt else reverse("catalog:dataset_list")
    response = redirect(target)
    response.status_code = 303
    patch_vary_headers(response, ["Accept"])
    return response


def dcat_negotiated_response(request, dataset: Dataset) -> HttpResponse | None:
    """The dataset's RDF when the request's Accept header prefers an RDF type over text/html, else None.

    `dataset` must be one the user may see (the caller fetched it through visible_to). The caller's
    HTML response should carry `Vary: Accept` too (`patch_vary_headers(response, ["Accept"])`).
    """
    fmt = _FORMAT_OF_MEDIA_TYPE.get(request.get_preferred_type(_NEGOTIABLE))
    if fmt is None:
        return None
    response = rdf_response(dataset_graph(dataset), fmt)
    response["Content-Location"] = reverse("dcat:dataset", kwargs={"slug": dataset.slug, "fmt": fmt})
    patch_vary_headers(response, ["Accept"])
    return response
