"""CKAN sources: paging `package_search` (sorted by id, de-duplicated, incremental) and mapping package dicts.

The mapping reads CKAN core fields, ckanext-dcat's names (top-level "scheming" fields such as
`theme`, `contact`, `temporal_coverage`, `spatial_coverage`, or the older extras `spatial`,
`temporal_start`, `frequency`, `contact_email` …) and the data.gov.uk-style extras (`bbox-*-long`,
`contact-email`, `frequency-of-update`). What it cannot map goes to the record's warnings.
"""

import json
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin

from catalog import net

from . import mapping
from .mapping import Record

MAX_ROWS = 1000
# Paging order: by id (stable while the catalogue changes), else by creation date where id is not sortable.
SORTS = ("id asc", "metadata_created asc")
MAX_PAGES = 10_000


class CkanError(net.FetchError):
    """The remote CKAN answered, but not with a package_search result."""


def _extras(package: dict) -> dict:
    extras = {}
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and "key" in extra:
            extras[str(extra["key"])] = extra.get("value")
    return extras


def _json_value(value):
    """Extras hold JSON text (lists, objects) as strings; anything else is returned as is."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _as_list(value) -> list:
    value = _json_value(value)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) and "," in value and not value.startswith("http"):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [value]


def package_guid(package: dict) -> str:
    """A package's GUID: its id, else its name."""
    return str(package.get("id") or package.get("name") or "").strip()


def package_to_record(package: dict, *, base_url: str = "") -> Record:
    """Map one CKAN package dict to a Record (GUID = the package id, else its name)."""
    warnings: list[str] = []
    extras = _extras(package)

    def get(*names):
        for name in names:
            for source in (package, extras):
                value = source.get(name)
                if value not in (None, "", [], "[]"):
                    return _json_value(value)
        return None

    guid = package_guid(package)
    fields: dict = {}
    fields["title"] = mapping.clean_text(
        package.get("title") or package.get("name") or guid,
        mapping.MAX_TITLE,
        name="title",
        warnings=warnings,
    )
    fields["description"] = mapping.clean_markdown(package.get("notes"), warnings)
    fields["identifier"] = mapping.clean_text(get("identifier", "guid") or guid, 255)
    fields["version"] = mapping.clean_text(package.get("version"), 50, name="version", warnings=warnings)
    fields["version_notes"] = mapping.clean_text(get("version_notes"))
    fields["landing_page"] = mapping.clean_url(
        get("landing_page") or package.get("url"), warnings, name="landing page"
    )
    # The dataset's own URI when the portal states it (ckanext-dcat's and our CKAN API's `uri` extra),
    # else its page on the remote CKAN.
    fields["original_uri"] = mapping.clean_url(get("uri"), warnings, name="URI")
    if not fields["original_uri"] and base_url and package.get("name"):
        fields["original_uri"] = urljoin(base_url.rstrip("/") + "/", f"dataset/{package['name']}")
    personal = get("contains_personal_data")
    if personal is not None:
        fields["contains_personal_data"] = str(personal).strip().lower() in ("true", "1", "yes")

    # Contact: ckanext-dcat's `contact` list, its older extras, then CKAN's maintainer / author.
    contacts = get("contact")
    contact = contacts[0] if isinstance(contacts, list) and contacts and isinstance(contacts[0], dict) else {}
    if isinstance(contacts, list) and len(contacts) > 1:
        warnings.append(f"{len(contacts)} contact points given; the first was kept")
    name = contact.get("name") or get("contact_name", "maintainer", "author", "responsible-party")
    email = contact.get("email") or get("contact_email", "contact-email", "maintainer_email", "author_email")
    fields["contact_name"] = mapping.clean_text(
        name, mapping.MAX_SHORT, name="contact name", warnings=warnings
    )
    fields["contact_email"] = mapping.clean_email(email, warnings)

    mapping.set_date(fields, "issued", get("issued", "metadata_created"), warnings)
    mapping.set_date(fields, "modified", get("modified", "metadata_modified"), warnings, with_time=True)

    frequency = mapping.frequency_code(
        get("frequency", "accrual_periodicity", "frequency-of-update"), warnings
    )
    if frequency:
        fields["accrual_periodicity"] = frequency
    access = mapping.access_rights_value(get("access_rights"), warnings)
    if access:
        fields["access_rights"] = access
    licence = mapping.licence_id(
        package.get("license_id") or get("license_url", "license"), warnings, is_open=package.get("isopen")
    )
    if licence:
        fields["licence"] = licence

    languages = []
    for value in _as_list(get("language", "metadata-language")):
        code = mapping.language_code(value)
        if code and code not in languages:
            languages.append(code)
        elif not code:
            warnings.append(f"language {value!r} is not one we know; left out")
    fields["languages"] = languages

    conforms = [v for v in _as_list(get("conforms_to")) if isinstance(v, str)]
    for position, value in enumerate(conforms):
        url = mapping.clean_url(value, warnings, name="conforms-to")
        if url and "conforms_to" not in fields:
            fields["conforms_to"] = url
        elif url and position:
            warnings.append(f"conforms-to {value!r} dropped: only one standard is kept")

    _temporal(fields, package, extras, get, warnings)
    _spatial(fields, get, warnings)

    themes = []
    for value in _as_list(get("theme", "themes")):
        code = mapping.theme_code(value, warnings)
        if code and code not in themes:
            themes.append(code)

    keywords = []
    for tag in package.get("tags") or []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        if name:
            keywords.append(" ".join(str(name).split())[:100])

    distributions = []
    resources = [r for r in package.get("resources") or [] if isinstance(r, dict)]
    for position, resource in enumerate(resources):
        distribution = _resource(resource, position, warnings)
        if distribution:
            distributions.append(distribution)

    fields = {key: value for key, value in fields.items() if value not in (None, "")}
    return Record(
        guid=guid,
        fields=fields,
        keywords=keywords,
        themes=themes,
        distributions=distributions,
        warnings=warnings,
        slug_hint=str(package.get("name") or ""),
        deleted=package.get("state") not in (None, "active"),
    )


def _temporal(fields, package, extras, get, warnings) -> None:
    coverage = get("temporal_coverage")
    if isinstance(coverage, list) and coverage and isinstance(coverage[0], dict):
        if len(coverage) > 1:
            warnings.append(f"{len(coverage)} time periods given; the first was kept")
        mapping.set_temporal(fields, coverage[0].get("start"), coverage[0].get("end"), warnings)
        return
    mapping.set_temporal(
        fields,
        get("temporal_start", "temporal-extent-begin"),
        get("temporal_end", "temporal-extent-end"),
        warnings,
    )


def _spatial(fields, get, warnings) -> None:
    geometries = []
    name = ""
    coverage = get("spatial_coverage")
    if isinstance(coverage, list):
        for item in coverage:
            if not isinstance(item, dict):
                continue
            name = name or item.get("text") or ""
            for key in ("geom", "bbox"):
                if item.get(key):
                    geometry = mapping.geometry_from_geojson(item[key], warnings)
                    if geometry:
                        geometries.append(geometry)
                        break
    spatial = get("spatial")
    if spatial:
        geometry = mapping.geometry_from_geojson(spatial, warnings)
        if geometry:
            geometries.append(geometry)
    if not geometries and get("spatial_bbox"):
        geometry = mapping.geometry_from_geojson(get("spatial_bbox"), warnings)
        if geometry:
            geometries.append(geometry)
    if not geometries:
        sides = [get(f"bbox-{side}") for side in ("west-long", "south-lat", "east-long", "north-lat")]
        if all(side is not None for side in sides):
            geometry = mapping.bbox_geometry(*sides, warnings)
            if geometry:
                geometries.append(geometry)
    mapping.set_spatial(fields, geometries, warnings, name=name or get("spatial_text") or "")


def _resource(resource: dict, position: int, warnings: list[str]) -> dict | None:
    url = resource.get("url") or ""
    access_url = mapping.clean_url(resource.get("access_url") or url, warnings, name="resource URL")
    download_url = mapping.clean_url(resource.get("download_url"), warnings, name="download URL")
    if not (access_url or download_url):
        warnings.append(f"resource {resource.get('name') or position + 1!r} has no web address; left out")
        return None
    media_type = mapping.media_type_value(resource.get("mimetype") or resource.get("mimetype_inner"))
    fmt = resource.get("format") or ""
    if not media_type and "/" in str(fmt):
        media_type = mapping.media_type_value(fmt)
    code = mapping.file_type_code(fmt, url=download_url or access_url, media_type=media_type)
    if fmt and not code:
        warnings.append(f"format {fmt!r} is not an EU file type; left out")
    licence = None
    if resource.get("license"):
        licence = mapping.licence_id(resource["license"], warnings)
    languages = [mapping.language_code(v) for v in _as_list(resource.get("language"))]
    languages = [code_ for code_ in languages if code_]
    distribution = {
        "title": mapping.clean_text(
            resource.get("name") or fmt or f"Resource {position + 1}", mapping.MAX_TITLE
        ),
        "description": mapping.clean_markdown(
            resource.get("description"), warnings, name="resource description"
        ),
        "access_url": access_url,
        "download_url": download_url,
        "format": code,
        "media_type": media_type,
        "byte_size": mapping.byte_size_value(resource.get("size")),
        "checksum_sha256": mapping.checksum_value(resource.get("hash"), resource.get("hash_algorithm") or ""),
        "licence": licence,
        "rights": mapping.clean_text(resource.get("rights")),
        "status": mapping.distribution_status(resource.get("status")),
        "language": languages[0] if languages else "",
        "position": position,
    }
    return distribution


# --- Paging the remote package_search -----------------------------------------------------------


def action_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.endswith("/api/3/action/package_search"):
        return base
    if base.endswith("/api/3/action") or base.endswith("/api/action"):
        return base + "/package_search"
    return base + "/api/3/action/package_search"


def solr_date(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def iter_packages(
    base_url: str,
    *,
    rows: int = MAX_ROWS,
    modified_since: datetime | None = None,
    fq: str = "",
    max_pages: int = MAX_PAGES,
    fetch_options: dict | None = None,
    on_page=None,
    page_end=None,
) -> Iterator[dict]:
    """Every package of a remote CKAN, page by page (sorted by id so that paging is stable; a package
    seen twice is yielded once). `modified_since` adds CKAN's incremental filter. Pages are streamed:
    memory stays flat in catalogue size (apart from the set of seen ids)."""
    url = action_url(base_url)
    rows = max(1, min(int(rows), MAX_ROWS))
    filters = [f for f in [fq] if f]
    if modified_since is not None:
        filters.append(f"metadata_modified:[{solr_date(modified_since)} TO *]")
    seen: set[str] = set()
    start = 0
    sorts = list(SORTS)
    for page in range(max_pages):
        params = {"q": "*:*", "sort": sorts[0], "rows": rows, "start": start}
        if filters:
            params["fq"] = " AND ".join(filters)
        try:
            response = net.fetch(
                url, params=params, headers={"Accept": "application/json"}, **(fetch_options or {})
            )
        except net.HTTPStatusError as exc:
            # Portals that cannot sort by id (a Search Query Error) are paged by creation date instead.
            if page == 0 and exc.status in (400, 409) and len(sorts) > 1:
                sorts.pop(0)
                params["sort"] = sorts[0]
                response = net.fetch(
                    url, params=params, headers={"Accept": "application/json"}, **(fetch_options or {})
                )
            else:
                raise
        payload = response.json()
        if (
            not isinstance(payload, dict)
            or not payload.get("success")
            or not isinstance(payload.get("result"), dict)
        ):
            raise CkanError(f"{response.url} did not answer a CKAN package_search result", url=response.url)
        result = payload["result"]
        results = result.get("results")
        if not isinstance(results, list):
            raise CkanError("package_search result has no list of results", url=response.url)
        if on_page is not None:
            on_page(page=page + 1, count=result.get("count"))
        fresh = 0
        for package in results:
            if not isinstance(package, dict):
                continue
            key = str(package.get("id") or package.get("name") or "")
            if key in seen:
                continue
            seen.add(key)
            fresh += 1
            yield package
        if page_end is not None:
            yield page_end  # lets the consumer act on a whole page (e.g. import it) before the next fetch
        start += len(results)
        count = result.get("count")
        if not results or len(results) < rows or (isinstance(count, int) and start >= count):
            return
        if fresh == 0:
            raise CkanError(
                "the remote CKAN keeps returning the same packages (paging loop)", url=response.url
            )
    raise CkanError(f"more than {max_pages} pages; stopped", url=url)
