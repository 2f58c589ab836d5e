"""The CKAN actions, one function each: `(context, data_dict) -> result`, registered in ACTIONS.

Reads start from `visible_to(user)`; writes go through catalog.services, their errors translated to
CKAN's (ValidationError → 409 with CKAN field names, PermissionDenied → 403). An object the caller may
not see is a Not Found Error, never an Authorization Error that would confirm it exists.
"""

import contextlib
import inspect
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Organization
from catalog import hooks, services
from catalog.choices import AccessRights, DatasetStatus
from catalog.models import Dataset, Distribution, FileType, Frequency, Keyword, Licence, Theme
from catalog.selectors import FACETS

from . import NotAuthorized, NotFound, SearchQueryError, ValidationError, missing
from .package import (
    DATASET_ERROR_FIELDS,
    RESOURCE_ERROR_FIELDS,
    group_dict,
    group_name,
    licence_dict,
    organization_dict,
    package_dict,
    package_input,
    package_queryset,
    resource_dict,
    resource_input,
    resource_links,
    service_errors,
)
from .query import DEFAULT_SORT, apply_clauses, apply_text, ordering, parse_fq, ranked, split_q

CKAN_VERSION = "2.10.4"
ROWS_MAX = 1000
FACET_LIMIT = 50
# CKAN's caps for organization_list / group_list (ckan.group_and_organization_list[_all_fields]_max).
LIST_MAX, LIST_ALL_FIELDS_MAX = 1000, 25
# Parameters package_search accepts (CKAN passes these to Solr); `ext_*` are for extensions.
SEARCH_PARAMETERS = {
    "q",
    "fq",
    "fq_list",
    "rows",
    "start",
    "sort",
    "facet",
    "facet.field",
    "facet.limit",
    "facet.mincount",
    "fl",
    "include_private",
    "include_drafts",
    "include_deleted",
    "use_default_schema",
    "qf",
    "wt",
    "defType",
    "mm",
    "tie",
    "bf",
    "boost",
    "df",
    "extras",
}
# CKAN facet names → the keys of catalog.selectors.FACETS (the search page's own facets).
CKAN_FACETS = {
    "organization": "publisher",
    "groups": "theme",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "licence",
    "city": "city",
    "frequency": "frequency",
    "access_rights": "access_rights",
}
_FACETS = {facet.key: facet for facet in FACETS}


@dataclass
class Context:
    """Who calls: the user (anonymous without a token; a session counts for GET only) and their token."""

    user: Any
    token: ApiToken | None
    base_url: str
    upload_too_large: bool = False
    request: Any = None

    def require_write(self) -> None:
        if self.token is None:
            raise NotAuthorized(_("Writing needs an API token (Authorization or X-CKAN-API-Key header)."))
        if not self.token.has_scope("publish"):
            raise NotAuthorized(_("This API token may only read: it lacks the publish scope."))


@dataclass(frozen=True)
class Action:
    function: Callable[[Context, dict], Any]
    read: bool


ACTIONS: dict[str, Action] = {}


def action(*, read: bool):
    """Register a function as the action of its name; read actions answer GET too, writes only POST."""

    def register(function):
        ACTIONS[function.__name__] = Action(function, read)
        return function

    return register


# --- parameters -------------------------------------------------------------------------------------


def _int(data: dict, key: str, default: int, *, minimum: int = 0, cap: int | None = None) -> int:
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number < minimum:
        raise ValidationError({key: ["Must be a natural number"]})
    return min(number, cap) if cap is not None else number


def _bool(data: dict, key: str, default: bool = False) -> bool:
    """CKAN's boolean_validator: true, yes, on, 1 (any case) are true; anything else false."""
    value = data.get(key)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "on", "1", "t", "y")


def _list(data: dict, key: str) -> list[str]:
    """A list parameter: a JSON list, a JSON-encoded list in a string, or one plain string."""
    value = data.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                raise ValidationError({key: ["Could not parse as valid JSON"]}) from None
        else:
            value = [stripped]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError({key: ["Not a list of strings"]})
    return value


def _identifier(data: dict, *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if value not in (None, ""):
            return str(value).strip()
    raise missing(keys[0])


def _by_name_or_id(queryset: QuerySet, ident: str, *, name_field: str = "slug") -> Any:
    query = Q(**{name_field: ident})
    with contextlib.suppress(ValueError):
        query |= Q(uuid=uuid.UUID(ident))
    return queryset.filter(query).first()


def _call(function, names: dict, **kwargs):
    """Run a service; its ValidationError becomes CKAN's (by CKAN field name), PermissionDenied a 403."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(service_errors(exc, names)) from exc
    except DjangoPermissionDenied as exc:
        raise NotAuthorized(str(exc)) from exc


def _published_datasets(user) -> QuerySet[Dataset]:
    return Dataset.objects.visible_to(user).filter(status=DatasetStatus.PUBLISHED)


def _package(ctx: Context, dataset: Dataset) -> dict:
    """The package dict of `dataset` as the caller sees it now (re-read with its relations)."""
    return package_dict(
        package_queryset(user=ctx.user).get(pk=dataset.pk), base_url=ctx.base_url, viewer=ctx.user
    )


# --- datasets: read ---------------------------------------------------------------------------------


@action(read=True)
def package_search(ctx: Context, data: dict) -> dict:
    """Search the datasets.

    :param q: full-text query (words, "phrases", OR, -word); ``*:*`` or nothing for all. Field clauses
        such as ``tags:noise`` inside ``q`` filter like ``fq``.
    :param fq: filter clauses, all ANDed: ``organization:``, ``owner_org:``, ``tags:``, ``res_format:``,
        ``license_id:``, ``groups:``, ``city:``, ``frequency:``, ``access_rights:``, ``name:``, ``id:``,
        ``capacity:``, ``metadata_modified:[X TO Y]``, ``metadata_created:[X TO Y]`` (``*`` open,
        ``NOW-7DAYS``);
        ``"quoted values"``, ``field:(a OR b)``, ``+field:`` and ``-field:`` (exclude)
    :param fq_list: a list of further ``fq`` strings
    :param sort: comma-separated ``<field> asc|desc`` with field one of score, metadata_modified,
        metadata_created, title_string, name (default ``score desc, metadata_modified desc``)
    :param rows: results per page (default 10, at most 1000)
    :param start: offset of the first result (default 0)
    :param facet.field: JSON list of facets: organization, groups, tags, res_format, license_id, city,
        frequency, access_rights
    :param facet.limit: values per facet (default 50; -1 for all)
    :param facet.mincount: smallest count listed (default 1)
    :param include_private: also the drafts and withdrawn datasets the caller may see (default false)
    :param fl: comma-separated fields to return instead of whole package dicts

    :returns: ``count``, ``sort``, ``results`` (package dicts), ``facets`` ({field: {value: count}}) and
        ``search_facets`` ({field: {title, items: [{name, display_name, count}]}})
    """
    unknown = sorted(key for key in data if key not in SEARCH_PARAMETERS and not key.startswith("ext_"))
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")
    rows = _int(data, "rows", 10, cap=ROWS_MAX)
    start = _int(data, "start", 0)
    facet_limit = _int(data, "facet.limit", FACET_LIMIT, minimum=-1)
    facet_mincount = _int(data, "facet.mincount", 1)
    facet_fields = _list(data, "facet.field") if str(data.get("facet", "true")).lower() != "false" else []
    sort = str(data.get("sort") or DEFAULT_SORT)
    fields = [name for name in str(data.get("fl") or "").replace(",", " ").split() if name]

    text, clauses = split_q(str(data.get("q") or ""))
    fq = data.get("fq") or []
    filter_texts = [
        str(value) for value in [*(fq if isinstance(fq, list) else [fq]), *_list(data, "fq_list")]
    ]
    for filter_text in filter_texts:
        clauses += parse_fq(filter_text)
    queryset = package_queryset(user=ctx.user)
    if not _bool(data, "include_private"):
        # Members see their drafts only when they ask; everyone else never sees them anyway.
        queryset = queryset.filter(status=DatasetStatus.PUBLISHED)
    queryset = apply_clauses(apply_text(queryset, text), clauses)
    page = ranked(queryset, text)
    page = page.order_by(*ordering(sort, has_relevance="relevance" in page.query.extra))

    results = [
        package_dict(dataset, base_url=ctx.base_url, viewer=ctx.user)
        for dataset in page[start : start + rows]
    ]
    if fields:
        results = [{name: package.get(name) for name in fields} for package in results]
    facets, search_facets = _facets(queryset, facet_fields, limit=facet_limit, mincount=facet_mincount)
    count = queryset.count()
    if ctx.request is not None and start == 0 and (text or clauses):
        hooks.notify_usage(
            ctx.request,
            "search",
            query=text,
            filters=" ".join(filter_texts),
            results=count,
            channel="ckan",
            user=ctx.user,
        )
    return {
        "count": count,
        "sort": sort,
        "results": results,
        "facets": facets,
        "search_facets": search_facets,
    }


def _facet_labels(key: str, values: list[str]) -> dict[str, tuple[str, str]]:
    """Facet values → (CKAN value, display name)."""
    if key == "publisher":
        names = dict(Organization.objects.filter(slug__in=values).values_list("slug", "name"))
        return {value: (value, names.get(value, value)) for value in values}
    if key == "theme":
        labels = dict(Theme.objects.filter(code__in=values).values_list("code", "label"))
        return {value: (value.lower(), labels.get(value, value)) for value in values}
    if key == "format":
        labels = dict(FileType.objects.filter(code__in=values).values_list("code", "label"))
        return {value: (labels.get(value, value), labels.get(value, value)) for value in values}
    if key == "licence":
        titles = dict(Licence.objects.filter(pk__in=values).values_list("pk", "title"))
        return {value: (value, titles.get(value, value)) for value in values}
    if key == "frequency":
        labels = dict(Frequency.objects.filter(code__in=values).values_list("code", "label"))
        return {value: (value, labels.get(value, value)) for value in values}
    if key == "access_rights":
        return {
            value: (value, str(AccessRights(value).label)) for value in values if value in AccessRights.values
        }
    return {value: (value, value) for value in values}


def _facets(queryset: QuerySet, names: list[str], *, limit: int, mincount: int) -> tuple[dict, dict]:
    """CKAN facets over the whole result (every filter applied, as Solr counts), through the search
    page's facet definitions, so that visibility and values are the same as there."""
    facets, search_facets = {}, {}
    ids = queryset.order_by().values("pk")
    for name in names:
        key = CKAN_FACETS.get(name)
        counted: list[tuple[str, int]] = []
        if key is not None:
            facet = _FACETS[key]
            matching = Dataset.objects.filter(pk__in=ids, **{f"{facet.path}__isnull": False})
            if key == "city":
                matching = matching.exclude(publisher__city="")
            rows = (
                matching.values(facet.path)
                .annotate(n=Count("pk", distinct=facet.distinct))
                .filter(n__gte=max(mincount, 1))
                .order_by("-n", facet.path)
            )
            if limit >= 0:
                rows = rows[:limit]
            counted = [(str(row[facet.path]), row["n"]) for row in rows]
        labels = _facet_labels(key, [value for value, _n in counted]) if key else {}
        items = [(labels[value], n) for value, n in counted if value in labels]
        facets[name] = {ckan_value: n for (ckan_value, _label), n in items}
        search_facets[name] = {
            "title": name,
            "items": [{"name": value, "display_name": label, "count": n} for (value, label), n in items],
        }
    return facets, search_facets


@action(read=True)
def package_show(ctx: Context, data: dict) -> dict:
    """One dataset.

    :param id: the dataset's name (slug) or id (UUID)
    :returns: the package dict
    """
    ident = _identifier(data, "id", "name_or_id")
    dataset = _by_name_or_id(package_queryset(user=ctx.user), ident)
    if dataset is None:
        raise NotFound(_("Dataset not found"))
    if ctx.request is not None:
        hooks.note_subject(ctx.request, dataset)
    return package_dict(dataset, base_url=ctx.base_url, viewer=ctx.user)


@action(read=True)
def package_list(ctx: Context, data: dict) -> list[str]:
    """Names of the published datasets, by name.

    :param limit: how many (default all)
    :param offset: how many to skip (default 0)
    """
    limit = _int(data, "limit", -1)  # -1: all
    offset = _int(data, "offset", 0)
    names = _published_datasets(ctx.user).order_by("slug").values_list("slug", flat=True)
    return list(names[offset:] if limit < 0 else names[offset : offset + limit])


@action(read=True)
def current_package_list_with_resources(ctx: Context, data: dict) -> list[dict]:
    """Published datasets with their resources, most recently modified first.

    :param limit: how many (default 10, at most 1000)
    :param offset: how many to skip (default 0); or ``page`` (from 1) with ``limit``
    """
    limit = _int(data, "limit", 10, cap=ROWS_MAX)
    offset = _int(data, "offset", 0)
    if "offset" not in data and data.get("page") not in (None, ""):
        offset = (_int(data, "page", 1, minimum=1) - 1) * limit
    queryset = package_queryset(user=ctx.user).filter(status=DatasetStatus.PUBLISHED)
    datasets = queryset.order_by("-updated_at", "-pk")[offset : offset + limit]
    return [package_dict(dataset, base_url=ctx.base_url, viewer=ctx.user) for dataset in datasets]


# --- organisations and groups (EU themes) -------------------------------------------------------------


def _list_window(data: dict, all_fields: bool) -> tuple[int, int]:
    cap = LIST_ALL_FIELDS_MAX if all_fields else LIST_MAX
    limit = _int(data, "limit", cap)
    return _int(data, "offset", 0), min(limit, cap)


def _list_ordering(data: dict, fields: dict[str, str]) -> list[str]:
    """ORDER BY for group_list / organization_list's `sort` ("title asc", "package_count desc" …)."""
    sort = str(data.get("sort") or "title asc")
    order = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        if words[0] not in fields or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ValidationError(
                {"sort": [f"Cannot sort by {part.strip()!r}: use name, title or package_count with asc|desc"]}
            )
        descending = len(words) == 2 and words[1] == "desc"
        order.append(("-" if descending else "") + fields[words[0]])
    return order


def _organizations(ctx: Context) -> QuerySet[Organization]:
    published = _published_datasets(ctx.user).values("pk")
    return Organization.objects.visible_to(ctx.user).annotate(
        package_count=Count("datasets", filter=Q(datasets__in=published), distinct=True)
    )


@action(read=True)
def organization_list(ctx: Context, data: dict) -> list:
    """The organisations (publishers and consumers).

    :param all_fields: whole organization dicts instead of names (default false; then at most 25)
    :param sort: ``name``, ``title`` or ``package_count`` with ``asc``/``desc`` (default ``title asc``)
    :param limit: how many (default and maximum 1000, or 25 with all_fields)
    :param offset: how many to skip
    :param q: only those whose name or title contains this
    :param organizations: a list of names to restrict the answer to
    :returns: names, or organization dicts with ``package_count`` (published datasets)
    """
    all_fields = _bool(data, "all_fields")
    offset, limit = _list_window(data, all_fields)
    queryset = _organizations(ctx).order_by(
        *_list_ordering(data, {"name": "slug", "title": "name", "package_count": "package_count"}),
        "name",
        "pk",
    )
    if data.get("q"):
        term = str(data["q"]).strip()
        queryset = queryset.filter(Q(slug__icontains=term) | Q(name__icontains=term))
    names = _list(data, "organizations")
    if names:
        queryset = queryset.filter(slug__in=names)
    window = queryset[offset : offset + limit]
    if not all_fields:
        return [organization.slug for organization in window]
    return [
        organization_dict(organization, base_url=ctx.base_url, package_count=organization.package_count)
        for organization in window
    ]


@action(read=True)
def organization_show(ctx: Context, data: dict) -> dict:
    """One organisation.

    :param id: its name (slug)
    :param include_datasets: add ``packages``: its published datasets, most recently modified first
        (at most 1000)
    """
    ident = _identifier(data, "id")
    organization = _organizations(ctx).filter(slug=ident).first()
    if organization is None:
        raise NotFound(_("Organization not found"))
    result = organization_dict(organization, base_url=ctx.base_url, package_count=organization.package_count)
    if _bool(data, "include_datasets"):
        datasets = (
            package_queryset(user=ctx.user)
            .filter(status=DatasetStatus.PUBLISHED, publisher=organization)
            .order_by("-updated_at", "-pk")[:ROWS_MAX]
        )
        result["packages"] = [
            package_dict(dataset, base_url=ctx.base_url, viewer=ctx.user) for dataset in datasets
        ]
    return result


def _themes(ctx: Context) -> QuerySet[Theme]:
    published = _published_datasets(ctx.user).values("pk")
    return Theme.objects.annotate(
        package_count=Count("datasets", filter=Q(datasets__in=published), distinct=True)
    )


@action(read=True)
def group_list(ctx: Context, data: dict) -> list:
    """The groups: the EU data themes, named by their lower-case code (``tran``, ``envi`` …).

    :param all_fields: whole group dicts instead of names (default false)
    :param sort: ``name``, ``title`` or ``package_count`` with ``asc``/``desc`` (default ``title asc``)
    :param limit: how many; :param offset: how many to skip
    :param groups: a list of names to restrict the answer to
    """
    all_fields = _bool(data, "all_fields")
    offset, limit = _list_window(data, all_fields)
    queryset = _themes(ctx).order_by(
        *_list_ordering(data, {"name": "code", "title": "label", "package_count": "package_count"}),
        "label",
        "code",
    )
    names = _list(data, "groups")
    if names:
        queryset = queryset.filter(code__in=[name.upper() for name in names])
    window = queryset[offset : offset + limit]
    if not all_fields:
        return [group_name(theme) for theme in window]
    return [group_dict(theme, package_count=theme.package_count) for theme in window]


@action(read=True)
def group_show(ctx: Context, data: dict) -> dict:
    """One group (EU data theme).

    :param id: its name (``tran``), code (``TRAN``) or URI
    :param include_datasets: add ``packages``: its published datasets (at most 1000)
    """
    ident = _identifier(data, "id").rstrip("/").rsplit("/", 1)[-1].upper()
    theme = _themes(ctx).filter(code=ident).first()
    if theme is None:
        raise NotFound(_("Group not found"))
    result = group_dict(theme, package_count=theme.package_count)
    if _bool(data, "include_datasets"):
        datasets = (
            package_queryset(user=ctx.user)
            .filter(status=DatasetStatus.PUBLISHED, themes=theme)
            .order_by("-updated_at", "-pk")[:ROWS_MAX]
        )
        result["packages"] = [
            package_dict(dataset, base_url=ctx.base_url, viewer=ctx.user) for dataset in datasets
        ]
    return result


# --- vocabularies and site --------------------------------------------------------------------------


@action(read=True)
def tag_list(ctx: Context, data: dict) -> list:
    """Tags (keywords) of the published datasets.

    :param query: only tags containing this (any case)
    :param all_fields: tag dicts instead of names
    :param vocabulary_id: not supported: free tags only (a vocabulary is Not Found)
    """
    if data.get("vocabulary_id"):
        raise NotFound(_("Could not find vocabulary"))
    keywords = Keyword.objects.filter(datasets__in=_published_datasets(ctx.user).values("pk"))
    if data.get("query"):
        keywords = keywords.filter(name__icontains=str(data["query"]).strip())
    # Sorted here, not by the database's collation, so that every backend lists them alike.
    names = sorted(set(keywords.values_list("name", flat=True)), key=lambda name: (name.casefold(), name))
    if not _bool(data, "all_fields"):
        return names
    return [{"id": name, "name": name, "display_name": name, "vocabulary_id": None} for name in names]


@action(read=True)
def license_list(ctx: Context, data: dict) -> list[dict]:
    """The licences datasets may carry (CKAN ids, EU licence URIs, Open Definition conformance)."""
    return [licence_dict(licence) for licence in Licence.objects.all()]


@action(read=True)
def resource_show(ctx: Context, data: dict) -> dict:
    """One resource (distribution) of a dataset the caller may see.

    :param id: the resource's id (UUID)
    """
    ident = _identifier(data, "id")
    distribution = _visible_distribution(ctx, ident)
    if distribution is None:
        raise NotFound(_("Resource was not found."))
    return _resource(ctx, distribution)


def _visible_distribution(ctx: Context, ident: str) -> Distribution | None:
    try:
        key = uuid.UUID(ident)
    except ValueError:
        return None
    return (
        Distribution.objects.visible_to(ctx.user)
        .select_related("dataset", "format", "licence")
        .filter(uuid=key)
        .first()
    )


def _resource(ctx: Context, distribution: Distribution) -> dict:
    siblings = distribution.dataset.distributions.order_by("position", "pk").values_list("pk", flat=True)
    position = list(siblings).index(distribution.pk)
    return resource_dict(distribution, distribution.dataset, base_url=ctx.base_url, position=position)


@action(read=True)
def status_show(ctx: Context, data: dict) -> dict:
    """The site: its name and address, the CKAN API version it speaks, its extensions."""
    return {
        "site_title": settings.PORTAL_NAME,
        "site_description": f"Open data of smart-city digital twins published on {settings.PORTAL_NAME}.",
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["twinport"],
    }


@action(read=True)
def site_read(ctx: Context, data: dict) -> bool:
    """Whether the caller may read the site (always true)."""
    return True


@action(read=True)
def help_show(ctx: Context, data: dict) -> str:
    """The documentation of an action.

    :param name: the action's name
    """
    name = _identifier(data, "name")
    if name not in ACTIONS:
        raise NotFound(_("Action function not found"))
    return inspect.getdoc(ACTIONS[name].function) or ""


# --- datasets: write --------------------------------------------------------------------------------


def _dataset_to_change(ctx: Context, ident: str) -> Dataset:
    """The dataset `ident` names, if the caller may see it (else Not Found) and edit it (else 403)."""
    dataset = _by_name_or_id(Dataset.objects.visible_to(ctx.user).select_related("publisher"), ident)
    if dataset is None:
        raise NotFound(_("Dataset not found"))
    if not Dataset.objects.editable_by(ctx.user).filter(pk=dataset.pk).exists():
        raise NotAuthorized(_("You may not edit dataset %(name)s.") % {"name": dataset.slug})
    return dataset


def _nested(errors: dict, index: int, count: int) -> ValidationError:
    """A resource's errors inside a package, as CKAN reports them: one dict per resource."""
    resources = [{} for _n in range(count)]
    resources[index] = errors
    return ValidationError({"resources": resources})


def _save_resources(ctx: Context, dataset: Dataset, resources: list[dict]) -> None:
    """Make the dataset's distributions what `resources` lists: listed ids are updated, entries without
    a known id are created, distributions not listed are deleted; positions follow the list."""
    existing = {str(distribution.uuid): distribution for distribution in dataset.distributions.all()}
    kept = set()
    for position, resource in enumerate(resources):
        distribution = existing.get(str(resource.get("id") or ""))
        try:
            if distribution is not None:
                current = resource_links(distribution, base_url=ctx.base_url)
                fields = resource_input(resource, current=current)
                _call(
                    services.distribution_update,
                    RESOURCE_ERROR_FIELDS,
                    distribution=distribution,
                    actor=ctx.user,
                    position=position,
                    **fields,
                )
                kept.add(str(distribution.uuid))
            else:
                fields = resource_input(resource)
                _call(
                    services.distribution_create,
                    RESOURCE_ERROR_FIELDS,
                    dataset=dataset,
                    actor=ctx.user,
                    position=position,
                    **fields,
                )
        except ValidationError as exc:
            raise _nested(exc.errors, position, len(resources)) from exc
    for key, distribution in existing.items():
        if key not in kept:
            _call(
                services.distribution_delete, RESOURCE_ERROR_FIELDS, distribution=distribution, actor=ctx.user
            )


def _set_visibility(ctx: Context, dataset: Dataset, private: bool | None) -> None:
    """`private: false` publishes (a draft, or a withdrawn dataset again); `private: true` withdraws a
    published dataset; absent leaves the state as it is."""
    dataset.refresh_from_db(fields=["status"])
    if private is False and dataset.status != DatasetStatus.PUBLISHED:
        _call(services.dataset_publish, DATASET_ERROR_FIELDS, dataset=dataset, actor=ctx.user)
    elif private is True and dataset.status == DatasetStatus.PUBLISHED:
        _call(services.dataset_withdraw, DATASET_ERROR_FIELDS, dataset=dataset, actor=ctx.user)


@action(read=False)
def package_create(ctx: Context, data: dict) -> dict:
    """Create a dataset (editors of the organisation, with a write token).

    :param owner_org: the organisation's name (slug) — required
    :param name: the URL name (lower-case letters, digits, - and _); derived from the title if absent
    :param title: the title (defaults to the name)
    :param notes: the description (Markdown; required to publish)
    :param url: landing page; :param version: version
    :param maintainer: contact name; :param maintainer_email: contact e-mail
    :param license_id: a licence id from license_list
    :param tags: a list of ``{"name": …}`` (or ``tag_string``, comma-separated)
    :param groups: a list of ``{"name": "<theme code>"}`` (EU data themes)
    :param extras: ``[{"key", "value"}]`` with the DCAT-AP fields: identifier, issued, modified,
        temporal_start, temporal_end, spatial (GeoJSON), spatial_bbox, spatial_text, frequency, theme,
        access_rights, language, conforms_to, version_notes, contains_personal_data
    :param resources: a list of resource dicts (see resource_create)
    :param private: false (default) publishes at once; true keeps a draft visible to the organisation
    :returns: the package dict
    """
    ctx.require_write()
    owner = data.get("owner_org")
    if owner in (None, ""):
        raise missing("owner_org")
    organization = Organization.objects.filter(slug=str(owner).strip()).first()
    if organization is None:
        raise ValidationError({"owner_org": [_("Organization does not exist")]})
    if not Organization.objects.editable_by(ctx.user).filter(pk=organization.pk).exists():
        raise NotAuthorized(
            _("You may not add datasets to organization %(name)s.") % {"name": organization.slug}
        )
    parsed = package_input(data)
    dataset = _call(
        services.dataset_create,
        DATASET_ERROR_FIELDS,
        publisher=organization,
        actor=ctx.user,
        keywords=parsed.keywords or [],
        themes=parsed.themes or [],
        **parsed.fields,
    )
    if parsed.resources:
        _save_resources(ctx, dataset, parsed.resources)
    _set_visibility(ctx, dataset, False if parsed.private is None else parsed.private)
    return _package(ctx, dataset)


@action(read=False)
def package_update(ctx: Context, data: dict) -> dict:
    """Replace a dataset's metadata (package_show's dict, changed, is a valid input).

    Fields that are absent are cleared (notes, url, version, maintainer, license_id, tags, groups and the
    DCAT-AP extras); ``issued`` and ``modified`` keep their value unless given. ``resources``, when
    given, becomes the list of resources (ids keep theirs; absent ones are deleted); when absent, the
    resources stay. ``private`` publishes or withdraws; absent, the state stays. ``owner_org`` cannot
    change.

    :param id: the dataset's name or id
    :returns: the package dict
    """
    ctx.require_write()
    dataset = _dataset_to_change(ctx, _identifier(data, "id", "name"))
    owner = data.get("owner_org")
    if owner not in (None, "") and str(owner) != dataset.publisher.slug:
        raise ValidationError({"owner_org": [_("A dataset cannot move to another organization.")]})
    parsed = package_input(data, dataset=dataset)
    dataset = _call(
        services.dataset_update,
        DATASET_ERROR_FIELDS,
        dataset=dataset,
        actor=ctx.user,
        keywords=parsed.keywords,
        themes=parsed.themes,
        **parsed.fields,
    )
    if parsed.resources is not None:
        _save_resources(ctx, dataset, parsed.resources)
    _set_visibility(ctx, dataset, parsed.private)
    return _package(ctx, dataset)


@action(read=False)
def package_patch(ctx: Context, data: dict) -> dict:
    """Change only the given fields of a dataset (top-level keys replace theirs whole: a given ``tags``
    or ``extras`` list is the new list).

    :param id: the dataset's name or id
    :returns: the package dict
    """
    ctx.require_write()
    dataset = _dataset_to_change(ctx, _identifier(data, "id", "name"))
    merged = {**_package(ctx, dataset), **data, "id": str(dataset.uuid)}
    if "resources" not in data:
        merged.pop("resources")
    return package_update(ctx, merged)


@action(read=False)
def package_delete(ctx: Context, data: dict) -> None:
    """Delete a dataset: a draft that was never published is deleted; a published dataset is withdrawn
    (hidden from everyone but its organisation, ``state: "deleted"``, and can be published again).

    :param id: the dataset's name or id
    """
    ctx.require_write()
    dataset = _dataset_to_change(ctx, _identifier(data, "id"))
    if dataset.status == DatasetStatus.PUBLISHED:
        _call(services.dataset_withdraw, DATASET_ERROR_FIELDS, dataset=dataset, actor=ctx.user)
    elif dataset.status == DatasetStatus.DRAFT:
        _call(services.dataset_delete, DATASET_ERROR_FIELDS, dataset=dataset, actor=ctx.user)
    return None


# --- resources: write -------------------------------------------------------------------------------


def _upload(ctx: Context, data: dict):
    if ctx.upload_too_large:
        raise ValidationError(
            {
                "upload": [
                    _("The file is larger than the limit of %(mb)d MB.")
                    % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
                ]
            }
        )
    upload = data.get("upload")
    return upload if isinstance(upload, UploadedFile) else None


def _distribution_to_change(ctx: Context, ident: str) -> Distribution:
    distribution = _visible_distribution(ctx, ident)
    if distribution is None:
        raise NotFound(_("Resource was not found."))
    if not Distribution.objects.editable_by(ctx.user).filter(pk=distribution.pk).exists():
        raise NotAuthorized(_("You may not edit dataset %(name)s.") % {"name": distribution.dataset.slug})
    return distribution


@action(read=False)
def resource_create(ctx: Context, data: dict) -> dict:
    """Add a resource (distribution) to a dataset.

    :param package_id: the dataset's name or id — required
    :param url: link to the data (the download URL; or give ``access_url`` / ``download_url``)
    :param upload: a file (multipart/form-data) instead of a link
    :param name: the title (defaults to the file or URL name); :param description: description
    :param format: an EU file type (code, label, media type or extension: CSV, GeoJSON, json …)
    :param mimetype: the media type; :param size: bytes; :param hash: SHA-256 (links only; uploads are
        measured)
    :param license: a licence id (defaults to the dataset's); :param rights, language, status
    :returns: the resource dict
    """
    ctx.require_write()
    dataset = _dataset_to_change(ctx, _identifier(data, "package_id"))
    fields = resource_input(data, upload=_upload(ctx, data))
    distribution = _call(
        services.distribution_create, RESOURCE_ERROR_FIELDS, dataset=dataset, actor=ctx.user, **fields
    )
    return _resource(ctx, distribution)


@action(read=False)
def resource_update(ctx: Context, data: dict) -> dict:
    """Replace a resource (absent fields are cleared; an uploaded file stays unless a new ``upload`` or
    a different link replaces it).

    :param id: the resource's id
    :returns: the resource dict
    """
    ctx.require_write()
    distribution = _distribution_to_change(ctx, _identifier(data, "id"))
    current = resource_links(distribution, base_url=ctx.base_url)
    fields = resource_input(data, current=current, upload=_upload(ctx, data))
    distribution = _call(
        services.distribution_update,
        RESOURCE_ERROR_FIELDS,
        distribution=distribution,
        actor=ctx.user,
        **fields,
    )
    return _resource(ctx, distribution)


@action(read=False)
def resource_patch(ctx: Context, data: dict) -> dict:
    """Change only the given fields of a resource.

    :param id: the resource's id
    :returns: the resource dict
    """
    ctx.require_write()
    distribution = _distribution_to_change(ctx, _identifier(data, "id"))
    merged = {**_resource(ctx, distribution), **data}
    if "url" in data and "download_url" not in data:
        merged.pop("download_url", None)  # a new `url` is the new link, not the one shown before
    return resource_update(ctx, merged)


@action(read=False)
def resource_delete(ctx: Context, data: dict) -> None:
    """Delete a resource.

    :param id: the resource's id
    """
    ctx.require_write()
    distribution = _distribution_to_change(ctx, _identifier(data, "id"))
    _call(services.distribution_delete, RESOURCE_ERROR_FIELDS, distribution=distribution, actor=ctx.user)
    return None
