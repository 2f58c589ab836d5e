"""Datasets ⇄ CKAN package dicts, distributions ⇄ resource dicts, organisations, themes (as groups) and
licences as CKAN dicts.

Mapping decisions (README, "CKAN Action API"):

- `id` is the dataset's UUID, `name` its slug; `owner_org` and `organization.id` are the organisation's
  slug (the same as `organization.name`): stable, readable, and accepted wherever CKAN takes an id.
- `private` / `state`: published → `private: false, state: "active"`; draft → `private: true,
  state: "draft"`; withdrawn → `private: true, state: "deleted"`.
- EU data themes are CKAN groups named by their lower-case code (`tran`, `envi` …).
- `maintainer` / `maintainer_email` are the contact point; `author` / `author_email` are not recorded
  (on input they stand in for a missing maintainer, as ckanext-dcat reads them).
- DCAT-AP properties CKAN lacks are `extras`, named as ckanext-dcat names them (identifier, issued,
  modified, temporal_start, temporal_end, spatial, spatial_bbox, spatial_text, frequency, theme,
  access_rights, language, conforms_to, version_notes) plus contains_personal_data; `uri`,
  `publisher_name` and `publisher_uri` are informative and ignored on input.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.models import Organization
from catalog import hooks
from catalog.choices import ADMS_STATUS, AccessRights, DatasetStatus, DistributionStatus
from catalog.models import Dataset, Distribution, FileType, Frequency, Licence, Theme

from . import ValidationError

SPDX_SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
STATES = {DatasetStatus.PUBLISHED: "active", DatasetStatus.DRAFT: "draft", DatasetStatus.WITHDRAWN: "deleted"}

# Extras we read on input (→ dataset fields) and extras we only write (derived; ignored when sent back).
WRITABLE_EXTRAS = {
    "access_rights",
    "conforms_to",
    "contains_personal_data",
    "frequency",
    "identifier",
    "issued",
    "language",
    "modified",
    "spatial",
    "spatial_bbox",
    "spatial_text",
    "temporal_end",
    "temporal_start",
    "theme",
    "version_notes",
}
# access_policy / access_policy_url describe the marketplace's policy; it is set on the dataset page.
READ_ONLY_EXTRAS = {"uri", "publisher_name", "publisher_uri", "access_policy", "access_policy_url"}

# Our field names in service errors → CKAN's.
DATASET_ERROR_FIELDS = {
    "slug": "name",
    "description": "notes",
    "landing_page": "url",
    "contact_name": "maintainer",
    "contact_email": "maintainer_email",
    "licence": "license_id",
    "keywords": "tags",
    "themes": "groups",
    "spatial_geojson": "spatial",
    "bbox_west": "spatial_bbox",
    "bbox_south": "spatial_bbox",
    "bbox_east": "spatial_bbox",
    "bbox_north": "spatial_bbox",
    "spatial_name": "spatial_text",
    "accrual_periodicity": "frequency",
    "languages": "language",
    "status": "state",
    NON_FIELD_ERRORS: "message",
}
RESOURCE_ERROR_FIELDS = {
    "title": "name",
    "access_url": "url",
    "download_url": "url",
    "file": "upload",
    "media_type": "mimetype",
    "byte_size": "size",
    "checksum_sha256": "hash",
    "licence": "license",
    NON_FIELD_ERRORS: "message",
}

_NAME = re.compile(r"^[a-z0-9_-]+$")
_SHA256 = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")


# --- output -----------------------------------------------------------------------------------------


def package_queryset(*, user) -> QuerySet[Dataset]:
    """Datasets `user` may see, with everything a package dict shows, in a fixed number of queries."""
    return hooks.get_access().prepare(
        Dataset.objects.visible_to(user)
        .select_related("publisher", "licence", "accrual_periodicity")
        .prefetch_related(
            "themes",
            "keywords",
            Prefetch(
                "distributions",
                queryset=Distribution.objects.select_related("format", "licence").order_by("position", "pk"),
            ),
        )
    )


def ckan_datetime(value: datetime | None) -> str | None:
    """CKAN's timestamps: UTC, ISO 8601, without a time-zone suffix."""
    if value is None:
        return None
    return timezone.localtime(value, UTC).replace(tzinfo=None).isoformat()


def _or_none(value):
    return value if value not in ("", None) else None


def group_name(theme: Theme) -> str:
    return theme.code.lower()


def bbox_polygon(bbox: tuple[float, float, float, float]) -> dict:
    west, south, east, north = bbox
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def organization_dict(organization: Organization, *, base_url: str, package_count: int | None = None) -> dict:
    """A CKAN organization dict (the brief one inside packages when `package_count` is None)."""
    image = base_url + organization.logo.url if organization.logo else ""
    data = {
        "id": organization.slug,
        "name": organization.slug,
        "title": organization.name,
        "type": "organization",
        "description": organization.description,
        "image_url": image,
        "created": ckan_datetime(organization.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        extras = {
            "kind": organization.kind,
            "city": organization.city,
            "country": organization.country,
            "website": organization.website,
            "uri": organization.uri,
        }
        data.update(
            display_name=organization.name,
            image_display_url=image,
            package_count=package_count,
            num_followers=0,
            extras=[{"key": key, "value": value} for key, value in sorted(extras.items()) if value],
            groups=[],
            tags=[],
            users=[],
        )
    return data


def group_dict(theme: Theme, *, package_count: int | None = None) -> dict:
    """An EU data theme as a CKAN group (brief inside packages when `package_count` is None)."""
    data = {
        "id": group_name(theme),
        "name": group_name(theme),
        "title": theme.label,
        "display_name": theme.label,
        "description": "",
        "image_display_url": "",
    }
    if package_count is not None:
        data.update(
            type="group",
            is_organization=False,
            image_url="",
            created=None,
            approval_status="approved",
            state="active",
            package_count=package_count,
            num_followers=0,
            extras=[{"key": "uri", "value": theme.uri}],
            groups=[],
            tags=[],
            users=[],
        )
    return data


def licence_dict(licence: Licence) -> dict:
    """A CKAN 2.10 licence dict (od_conformance and the older is_okd_compliant alike)."""
    return {
        "id": licence.id,
        "title": licence.title,
        "url": licence.uri,
        "status": "active",
        "maintainer": "",
        "family": "",
        "domain_content": False,
        "domain_data": False,
        "domain_software": False,
        "od_conformance": "approved" if licence.is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "is_okd_compliant": licence.is_open,
        "is_osi_compliant": False,
        "is_generic": licence.id.startswith("other-") or licence.id == "notspecified",
    }


@dataclass(frozen=True)
class Links:
    """The links a resource dict shows: `url` (CKAN's one link), `access_url`, `download_url`, and the
    absolute URL of the uploaded file ("" when the distribution is a link)."""

    url: str = ""
    access_url: str = ""
    download_url: str = ""
    file_url: str = ""


def resource_links(distribution: Distribution, *, base_url: str) -> Links:
    file_url = base_url + distribution.file_url if distribution.file else ""
    download = file_url or distribution.download_url
    return Links(
        url=download or distribution.access_url,
        access_url=distribution.access_url,
        download_url=download,
        file_url=file_url,
    )


def resource_dict(
    distribution: Distribution, dataset: Dataset, *, base_url: str, position: int, data_access: bool = True
) -> dict:
    """A CKAN resource dict; ckanext-dcat's resource fields (access_url, download_url, rights, status,
    license, language, hash_algorithm) ride along at the top level as it puts them. Without
    `data_access` (a policy the caller is not entitled under) the only link is the dataset's page."""
    links = resource_links(distribution, base_url=base_url)
    if not data_access:
        links = Links(url=dataset.uri)
    licence = distribution.licence
    return {
        "id": str(distribution.uuid),
        "package_id": str(dataset.uuid),
        "name": distribution.title,
        "description": distribution.description,
        "url": links.url,
        "url_type": "upload" if distribution.file else None,
        "format": distribution.format.label if distribution.format else "",
        "mimetype": _or_none(distribution.media_type),
        "mimetype_inner": None,
        "size": distribution.byte_size,
        "hash": distribution.checksum_sha256,
        "hash_algorithm": SPDX_SHA256 if distribution.checksum_sha256 else None,
        "created": ckan_datetime(distribution.created_at),
        "last_modified": ckan_datetime(distribution.updated_at),
        "metadata_modified": ckan_datetime(distribution.updated_at),
        "position": position,
        "state": "active",
        "resource_type": None,
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": False,
        "access_url": _or_none(links.access_url),
        "download_url": _or_none(links.download_url),
        "license": licence.id if licence else None,
        "rights": _or_none(distribution.rights),
        "status": ADMS_STATUS + distribution.status,
        "language": _or_none(distribution.language),
    }


def _extras_output(dataset: Dataset, more: dict | None = None) -> list[dict]:
    values: dict[str, str | None] = {
        **(more or {}),
        "access_rights": AccessRights(dataset.access_rights).uri,
        "conforms_to": json.dumps([dataset.conforms_to]) if dataset.conforms_to else None,
        "contains_personal_data": "true" if dataset.contains_personal_data else "false",
        "frequency": dataset.accrual_periodicity.uri if dataset.accrual_periodicity else None,
        "identifier": dataset.identifier or dataset.uri,
        "issued": dataset.issued.isoformat() if dataset.issued else None,
        "language": json.dumps(dataset.languages) if dataset.languages else None,
        "modified": timezone.localtime(dataset.modified, UTC).isoformat() if dataset.modified else None,
        "publisher_name": dataset.publisher.name,
        "publisher_uri": settings.SITE_URL + dataset.publisher.get_absolute_url(),
        "spatial": json.dumps(dataset.spatial_geojson) if dataset.spatial_geojson else None,
        "spatial_bbox": json.dumps(bbox_polygon(dataset.bbox)) if dataset.bbox else None,
        "spatial_text": dataset.spatial_name or None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "theme": json.dumps([theme.uri for theme in dataset.themes.all()]) if dataset.themes.all() else None,
        "uri": dataset.uri,
        "version_notes": dataset.version_notes or None,
    }
    return [{"key": key, "value": value} for key, value in sorted(values.items()) if value is not None]


def package_dict(dataset: Dataset, *, base_url: str, viewer=None) -> dict:
    """The CKAN package dict of a dataset (fetched through `package_queryset`), as `viewer` may see it:
    download and access links of data behind an access policy only for those entitled to it."""
    access = hooks.get_access()
    data_access = access.dataset_is_open(dataset) or (
        viewer is not None and access.data_visible_to(viewer, dataset)
    )
    licence = dataset.licence
    tags = [keyword.name for keyword in dataset.keywords.all()]
    distributions = list(dataset.distributions.all())
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "url": dataset.landing_page,
        "version": _or_none(dataset.version),
        "author": None,
        "author_email": None,
        "maintainer": _or_none(dataset.contact_name),
        "maintainer_email": _or_none(dataset.contact_email),
        "license_id": licence.id if licence else None,
        "license_title": licence.title if licence else None,
        "license_url": _or_none(licence.uri) if licence else None,
        "isopen": bool(licence and licence.is_open),
        "owner_org": dataset.publisher.slug,
        "organization": organization_dict(dataset.publisher, base_url=base_url),
        "private": dataset.status != DatasetStatus.PUBLISHED,
        "state": STATES[dataset.status],
        "type": "dataset",
        "creator_user_id": None,
        "metadata_created": ckan_datetime(dataset.created_at),
        "metadata_modified": ckan_datetime(dataset.updated_at),
        "tags": [
            {"name": name, "display_name": name, "state": "active", "vocabulary_id": None} for name in tags
        ],
        "num_tags": len(tags),
        "groups": [group_dict(theme) for theme in dataset.themes.all()],
        "resources": [
            resource_dict(
                distribution, dataset, base_url=base_url, position=position, data_access=data_access
            )
            for position, distribution in enumerate(distributions)
        ],
        "num_resources": len(distributions),
        "extras": _extras_output(dataset, access.package_extras(dataset)),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- input ------------------------------------------------------------------------------------------


def service_errors(exc: DjangoValidationError, names: dict[str, str]) -> dict[str, list[str]]:
    """A service's ValidationError as CKAN field messages (our field names translated to CKAN's)."""
    raw = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    errors: dict[str, list[str]] = {}
    for name, messages in raw.items():
        errors.setdefault(names.get(name, name), []).extend(str(message) for message in messages)
    return errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value.strip()


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", "", "none"):
        return False
    raise ValueError("not a boolean")


def _json_or_text(value):
    """Extras carry lists as JSON strings (ckanext-dcat); plain strings are accepted too."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith(("[", "{")):
            return json.loads(stripped)
    return value


def _parse_date(value) -> date | None:
    text = _text(value)
    if not text:
        return None
    moment = parse_datetime(text)
    day = moment.date() if moment else parse_date(text)
    if day is None:
        raise ValueError("not a date")
    return day


def _parse_datetime(value) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError("not a date-time")
        moment = datetime(day.year, day.month, day.day)
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _vocabulary_code(value: str) -> str:
    """The code of an EU vocabulary URI (…/frequency/DAILY → DAILY), or the value itself upper-cased."""
    return value.strip().rstrip("/").rsplit("/", 1)[-1].upper()


def find_licence(value: str) -> Licence | None:
    value = value.strip()
    return Licence.objects.filter(id=value).first() or (
        Licence.objects.filter(uri=value).first() if "://" in value else None
    )


def find_file_type(value: str) -> FileType | None:
    """A resource format: an EU file-type code, label, URI, media type or file extension (any case)."""
    value = value.strip()
    if not value:
        return None
    key = _vocabulary_code(value) if "://" in value else value.upper()
    for file_type in FileType.objects.all():
        candidates = {file_type.code, file_type.label.upper(), file_type.code.removesuffix("_SRVC")}
        if file_type.media_type:
            candidates.add(file_type.media_type.upper())
        candidates.update(extension.upper() for extension in file_type.extensions.split())
        if key in candidates or key.lstrip(".") in candidates:
            return file_type
    return None


class Errors(dict):
    """Field messages gathered while reading input; `raise_if_any()` reports them all at once."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


@dataclass
class PackageInput:
    """What a package dict asks for, in the services' terms."""

    fields: dict = field(default_factory=dict)
    keywords: list[str] | None = None
    themes: list[str] | None = None
    private: bool | None = None
    resources: list[dict] | None = None


def _tags(data: dict, errors: Errors) -> list[str] | None:
    if "tags" in data and data["tags"] is not None:
        names = []
        tags = data["tags"]
        if not isinstance(tags, list):
            errors.add("tags", "Not a list")
            return None
        for tag in tags:
            name = tag.get("name") if isinstance(tag, dict) else tag
            if not isinstance(name, str) or not name.strip():
                errors.add("tags", "Every tag needs a name")
                continue
            names.append(name.strip())
        return names
    if data.get("tag_string"):
        return [name.strip() for name in str(data["tag_string"]).split(",") if name.strip()]
    return None


def _groups(data: dict, extras: dict, errors: Errors) -> list[str] | None:
    """Theme codes from `groups` (names or ids), else from the `theme` extra (URIs or codes)."""
    known = set(Theme.objects.values_list("code", flat=True))
    if data.get("groups") is not None:
        groups = data["groups"]
        if not isinstance(groups, list):
            errors.add("groups", "Not a list")
            return None
        references = [g.get("name") or g.get("id") if isinstance(g, dict) else g for g in groups]
    elif extras.get("theme"):
        try:
            references = _json_or_text(extras["theme"])
        except ValueError:
            errors.add("theme", "Give a JSON list of EU data-theme URIs")
            return None
        references = references if isinstance(references, list) else [references]
    else:
        return None
    codes = []
    for reference in references:
        code = _vocabulary_code(str(reference or ""))
        if code not in known:
            errors.add("groups", f"Group not found: {reference}")
        else:
            codes.append(code)
    return codes


def _spatial(extras: dict, fields: dict, errors: Errors) -> None:
    geometry = extras.get("spatial")
    bbox = extras.get("spatial_bbox")
    fields.update(spatial_geojson=None, bbox_west=None, bbox_south=None, bbox_east=None, bbox_north=None)
    if geometry:
        try:
            fields["spatial_geojson"] = json.loads(geometry) if isinstance(geometry, str) else geometry
        except ValueError:
            errors.add("spatial", "Give a GeoJSON geometry")
        return  # the service derives the bounding box from the geometry
    if bbox:
        try:
            bbox = json.loads(bbox) if isinstance(bbox, str) and bbox.strip().startswith("{") else bbox
            if isinstance(bbox, dict):
                ring = bbox["coordinates"][0]
                if len(ring) == 5 and ring[0][1] == ring[1][1] and ring[1][0] == ring[2][0]:
                    # The polygons we write: corners in order, so a box across the antimeridian survives.
                    (west, south), (east, north) = ring[0][:2], ring[2][:2]
                else:
                    xs, ys = [point[0] for point in ring], [point[1] for point in ring]
                    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
            else:
                west, south, east, north = (float(part) for part in str(bbox).split(","))
        except (ValueError, KeyError, IndexError, TypeError):
            errors.add("spatial_bbox", "Give a GeoJSON polygon or minlon,minlat,maxlon,maxlat")
            return
        fields.update(bbox_west=west, bbox_south=south, bbox_east=east, bbox_north=north)


def _extras_input(data: dict, errors: Errors) -> dict:
    extras = data.get("extras") or []
    if isinstance(extras, dict):
        extras = [{"key": key, "value": value} for key, value in extras.items()]
    if not isinstance(extras, list):
        errors.add("extras", "Not a list")
        return {}
    found = {}
    for extra in extras:
        if not isinstance(extra, dict) or "key" not in extra:
            errors.add("extras", "Every extra needs a key and a value")
            continue
        key = extra["key"]
        if key in READ_ONLY_EXTRAS or extra.get("deleted"):
            continue
        if key not in WRITABLE_EXTRAS:
            errors.add(
                "extras",
                f"Unsupported extra {key!r}; this portal stores: {', '.join(sorted(WRITABLE_EXTRAS))}",
            )
            continue
        found[key] = extra.get("value")
    return found


def package_input(data: dict, *, dataset: Dataset | None = None) -> PackageInput:
    """Read a package dict for package_create (`dataset` None) or package_update (full replace: what
    is missing is cleared, except the system dates `issued` / `modified`, which keep their value).

    Raises ValidationError with every problem found, by CKAN field name."""
    errors = Errors()
    result = PackageInput()
    fields = result.fields
    extras = _extras_input(data, errors)

    def text(name: str, key: str | None = None, source: dict = data) -> str:
        try:
            return _text(source.get(key or name))
        except TypeError:
            errors.add(name, "Must be a string")
            return ""

    name = text("name")
    if name:
        if not _NAME.match(name) or len(name) < 2:
            errors.add(
                "name", "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"
            )
        fields["slug"] = name
    elif dataset is None and not text("title"):
        errors.add("name", "Missing value")
    fields["title"] = text("title") or name or (dataset.title if dataset else "")
    fields["description"] = text("notes")
    fields["landing_page"] = text("url")
    fields["version"] = text("version")
    fields["contact_name"] = text("maintainer") if "maintainer" in data else text("author")
    fields["contact_email"] = text("maintainer_email") if "maintainer_email" in data else text("author_email")
    licence_id = text("license_id")
    fields["licence"] = None
    if licence_id:
        fields["licence"] = find_licence(licence_id)
        if fields["licence"] is None:
            errors.add("license_id", f"License not found: {licence_id}")

    result.keywords = _tags(data, errors)
    result.themes = _groups(data, extras, errors)
    if dataset is not None:
        # Full replace: no tags or groups means none.
        result.keywords = result.keywords if result.keywords is not None else []
        result.themes = result.themes if result.themes is not None else []

    fields["identifier"] = text("identifier", source=extras)
    if dataset is not None and fields["identifier"] == dataset.uri:
        fields["identifier"] = ""  # the default we show: keep it a default (it follows the slug)
    fields["spatial_name"] = text("spatial_text", source=extras)
    fields["version_notes"] = text("version_notes", source=extras)
    _spatial(extras, fields, errors)
    for key, parse, target in (
        ("temporal_start", _parse_date, "temporal_start"),
        ("temporal_end", _parse_date, "temporal_end"),
        ("issued", _parse_date, "issued"),
        ("modified", _parse_datetime, "modified"),
    ):
        try:
            value = parse(extras.get(key))
        except (ValueError, TypeError):
            errors.add(key, "Give an ISO 8601 date" + (" or date-time" if key == "modified" else ""))
            continue
        # System dates are set when given and changed; an echoed value (package_show → update) is no change.
        unchanged = value is None or (dataset is not None and value == getattr(dataset, target))
        if key in ("issued", "modified") and unchanged:
            continue
        fields[target] = value

    frequency = text("frequency", source=extras)
    fields["accrual_periodicity"] = None
    if frequency:
        fields["accrual_periodicity"] = Frequency.objects.filter(code=_vocabulary_code(frequency)).first()
        if fields["accrual_periodicity"] is None:
            errors.add("frequency", f"Unknown frequency {frequency!r}: use an EU frequency URI or code")
    access_rights = text("access_rights", source=extras)
    fields["access_rights"] = AccessRights.PUBLIC
    if access_rights:
        code = _vocabulary_code(access_rights)
        if code in AccessRights.values:
            fields["access_rights"] = code
        else:
            errors.add("access_rights", "Use an EU access-right URI or PUBLIC, RESTRICTED, NON_PUBLIC")
    fields["languages"] = []
    if extras.get("language"):
        try:
            languages = _json_or_text(extras["language"])
        except ValueError:
            languages = None
        if isinstance(languages, str):
            languages = [part.strip() for part in languages.split(",") if part.strip()]
        if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
            errors.add("language", "Give a JSON list of ISO 639-1 codes")
        else:
            fields["languages"] = [code.rsplit("/", 1)[-1].lower() for code in languages]
    fields["conforms_to"] = ""
    if extras.get("conforms_to"):
        try:
            conforms = _json_or_text(extras["conforms_to"])
        except ValueError:
            conforms = None
        conforms = conforms if isinstance(conforms, list) else [conforms]
        if len(conforms) != 1 or not isinstance(conforms[0], str):
            errors.add("conforms_to", "Give one standard's URL (a JSON list of one, or the URL)")
        else:
            fields["conforms_to"] = conforms[0].strip()
    fields["contains_personal_data"] = False
    if "contains_personal_data" in extras:
        try:
            fields["contains_personal_data"] = _bool(extras["contains_personal_data"])
        except ValueError:
            errors.add("contains_personal_data", "Give true or false")

    if "private" in data and data["private"] is not None:
        try:
            result.private = _bool(data["private"])
        except ValueError:
            errors.add("private", "Give true or false")
    if data.get("state") == "draft" and dataset is None and result.private is None:
        result.private = True  # CKAN's draft state, as package_create accepts it

    if data.get("resources") is not None:
        if not isinstance(data["resources"], list) or not all(isinstance(r, dict) for r in data["resources"]):
            errors.add("resources", "Give a list of resource dicts")
        else:
            result.resources = data["resources"]
    errors.raise_if_any()
    return result


def _title_from(upload, url: str, file_type: FileType | None) -> str:
    if upload is not None and getattr(upload, "name", ""):
        return PurePosixPath(upload.name).name
    path = unquote(urlparse(url).path).rstrip("/")
    if path and PurePosixPath(path).name:
        return PurePosixPath(path).name
    return file_type.label if file_type else "Resource"


def resource_input(data: dict, *, current: Links | None = None, upload=None) -> dict:
    """Read a resource dict into distribution fields (full replace of an existing one, whose links as
    shown are `current`). Raises ValidationError by CKAN field name.

    CKAN has one link, `url`; we have an access URL, a download URL and uploaded files. `access_url` and
    `download_url` (as ckanext-dcat sends them) are taken as given; a `url` that is neither of them is
    the download URL (or, when a different download URL is given, the access URL). A `url` or
    `download_url` that points at the uploaded file keeps the file; another link replaces it."""
    errors = Errors()
    current = current or Links()

    def text(name: str) -> str:
        try:
            return _text(data.get(name))
        except TypeError:
            errors.add(name, "Must be a string")
            return ""

    url, access, download = text("url"), text("access_url"), text("download_url")
    fields: dict = {}
    if upload is not None:
        fields["file"] = upload
    elif current.file_url and url in ("", current.file_url) and download in ("", current.file_url):
        pass  # the uploaded file stays
    elif current.file_url:
        fields["file"] = ""  # replaced by a link
    if current.file_url:
        download = "" if download == current.file_url else download
        url = "" if url == current.file_url else url
    if url and url not in (access, download):
        if not download or download == current.download_url:
            download = url
        elif not access:
            access = url
    is_file = upload is not None or bool(current.file_url and "file" not in fields)
    fields["access_url"] = access
    fields["download_url"] = "" if is_file else download

    format_text = text("format")
    fields["format"] = find_file_type(format_text) if format_text else None
    if format_text and fields["format"] is None:
        errors.add(
            "format",
            f"Unknown format {format_text!r}: use an EU file type ("
            + ", ".join(FileType.objects.values_list("label", flat=True)[:12])
            + ", …)",
        )
    fields["title"] = text("name") or _title_from(upload, download or access, fields["format"])
    fields["description"] = text("description")
    fields["media_type"] = text("mimetype")
    fields["rights"] = text("rights")
    language = data.get("language")
    # ckanext-dcat sends a list; a distribution here has one language.
    fields["language"] = str(language[0]).strip() if isinstance(language, list) and language else ""
    if not isinstance(language, list):
        fields["language"] = text("language")
    licence_id = text("license") or text("license_id")
    fields["licence"] = None
    if licence_id:
        fields["licence"] = find_licence(licence_id)
        if fields["licence"] is None:
            errors.add("license", f"License not found: {licence_id}")
    status = text("status")
    fields["status"] = DistributionStatus.COMPLETED
    if status:
        code = status.removeprefix(ADMS_STATUS)
        matches = [value for value in DistributionStatus.values if value.lower() == code.lower()]
        if matches:
            fields["status"] = matches[0]
        else:
            errors.add("status", "Use an ADMS status: Completed, UnderDevelopment, Deprecated, Withdrawn")
    if not is_file:
        # Size and checksum of a link are what the publisher states; an upload's are measured.
        fields["byte_size"] = None
        fields["checksum_sha256"] = ""
        if data.get("size") not in (None, ""):
            try:
                fields["byte_size"] = int(data["size"])
                if fields["byte_size"] < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.add("size", "Must be a natural number")
        hash_text = text("hash")
        if hash_text:
            match = _SHA256.match(hash_text)
            if match is None:
                errors.add("hash", "Give the SHA-256 checksum as 64 hexadecimal digits")
            else:
                fields["checksum_sha256"] = match.group(1).lower()
    errors.raise_if_any()
    return fields
