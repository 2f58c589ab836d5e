"""Solr-style `q`, `fq` and `sort` of CKAN's package_search, translated onto DatasetFilterSet.

Supported `fq` (and field clauses inside `q`), clauses separated by spaces (or `AND`) and all ANDed:

    organization:rotterdam   tags:"air quality"   res_format:CSV   license_id:cc-by   groups:tran
    +organization:rotterdam  -tags:draft          tags:(noise OR traffic)   name:<slug>   id:<uuid>
    metadata_modified:[2025-01-01T00:00:00Z TO *]   metadata_created:{NOW-7DAYS TO NOW]   *:*

Facet-like fields become DatasetFilterSet parameters (the same filters as the search page and the
REST API); names, ids and date ranges are plain field lookups. Anything else (OR between clauses,
wildcards, unknown fields, malformed dates) is a SearchQueryError (HTTP 400), never a guess.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from catalog.choices import DatasetStatus
from catalog.filters import DatasetFilterSet
from catalog.models import Dataset, FileType
from catalog.search import parse, search_backend

from . import SearchQueryError

# CKAN field → DatasetFilterSet parameter.
FILTER_PARAMS = {
    "organization": "publisher",
    "owner_org": "publisher",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "licence",
    "groups": "theme",
    "city": "city",
    "frequency": "frequency",
    "access_rights": "access_rights",
}
# CKAN date field → the model's field ("metadata_modified" is when the record last changed here).
RANGE_FIELDS = {"metadata_modified": "updated_at", "metadata_created": "created_at"}
OTHER_FIELDS = {"name", "id", "dataset_type", "type", "capacity"}
SUPPORTED_FIELDS = set(FILTER_PARAMS) | set(RANGE_FIELDS) | OTHER_FIELDS

DEFAULT_SORT = "score desc, metadata_modified desc"
# CKAN sort field → model field; "score" is the full-text relevance (only meaningful with `q`).
SORT_FIELDS = {
    "score": "relevance",
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "title_string": "title",
    "name": "slug",
    "id": "uuid",  # ckanext-harvest pages remote portals with `sort=id asc`
}

_CLAUSE = re.compile(
    r"""
    (?<!\S)
    (?P<sign>[+-]?)
    (?P<field>[A-Za-z_][A-Za-z0-9_.]*):
    (?:
        "(?P<quoted>(?:[^"\\]|\\.)*)"
      | \((?P<group>[^()]*)\)
      | (?P<open>[\[{])\s*(?P<low>[^\s\]}]+)\s+TO\s+(?P<high>[^\s\]}]+)\s*(?P<close>[\]}])
      | (?P<bare>(?:[^\s"()\[\]{}\\]|\\.)+)
    )
    (?=\s|$)
    """,
    re.VERBOSE,
)
_MATCH_ALL = re.compile(r"\*:\*(?=\s|$)")
_CONJUNCTION = re.compile(r"(?:AND|&&)(?=\s|$)")
_GROUP_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_ESCAPE = re.compile(r"\\(.)")
_NOW = re.compile(r"NOW(?:([+-])(\d+)(SECONDS?|MINUTES?|HOURS?|DAYS?|WEEKS?))?$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNITS = {"SECOND": "seconds", "MINUTE": "minutes", "HOUR": "hours", "DAY": "days", "WEEK": "weeks"}


@dataclass
class Clause:
    """One `field:value` term: values are ORed; a range has low/high bounds (None = open)."""

    field: str
    values: list[str] = field(default_factory=list)
    negated: bool = False
    low: datetime | None = None
    high: datetime | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    is_range: bool = False


def _unescape(value: str) -> str:
    return _ESCAPE.sub(r"\1", value)


def _moment(text: str, *, upper: bool) -> datetime | None:
    """A range bound: `*`, NOW[±nUNIT], an ISO date-time (naive = UTC, as in Solr) or an ISO date (its
    first moment; with `upper`, the first moment of the next day, so that the whole day is included)."""
    if text == "*":
        return None
    now_match = _NOW.match(text)
    if now_match:
        moment = timezone.now()
        sign, amount, unit = now_match.groups()
        if amount:
            delta = timedelta(**{_UNITS[unit.rstrip("S")]: int(amount)})
            moment = moment + delta if sign == "+" else moment - delta
        return moment
    try:
        # A bare date first: parse_datetime would read it as its midnight.
        day = parse_date(text) if _DATE.fullmatch(text) else None
        moment = None if day else parse_datetime(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if upper else day, time.min)
    if moment is None:
        raise SearchQueryError(f"Cannot read {text!r} as a date: use an ISO 8601 date or date-time, * or NOW")
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _clause(match: re.Match) -> Clause:
    name = match["field"]
    if name not in SUPPORTED_FIELDS:
        raise SearchQueryError(
            f"Unsupported field {name!r}; filter on one of: {', '.join(sorted(SUPPORTED_FIELDS))}"
        )
    clause = Clause(field=name, negated=match["sign"] == "-")
    if match["open"] is not None:
        if name not in RANGE_FIELDS:
            raise SearchQueryError(
                f"A range works on {' and '.join(sorted(RANGE_FIELDS))} only, not {name!r}"
            )
        clause.is_range = True
        # A date as an inclusive upper bound means the whole day: [* TO 2025-01-31] includes the 31st.
        whole_day = match["close"] == "]" and _DATE.fullmatch(match["high"]) is not None
        clause.low = _moment(match["low"], upper=False)
        clause.high = _moment(match["high"], upper=whole_day)
        clause.low_inclusive = match["open"] == "["
        clause.high_inclusive = match["close"] == "]" and not whole_day
        return clause
    if name in RANGE_FIELDS:
        raise SearchQueryError(f"Filter {name} with a range: {name}:[2025-01-01T00:00:00Z TO *]")
    if match["quoted"] is not None:
        clause.values = [_unescape(match["quoted"])]
    elif match["group"] is not None:
        clause.values = _group_values(match["group"])
    else:
        value = match["bare"]
        if "*" in value.replace("\\*", "") or "?" in value.replace("\\?", ""):
            raise SearchQueryError(f"Wildcards are not supported: {match.group(0)!r}")
        clause.values = [_unescape(value)]
    return clause


def _group_values(text: str) -> list[str]:
    values, expect_value = [], True
    for quoted, bare in _GROUP_ITEM.findall(text):
        if bare in ("OR", "||") and not expect_value:
            expect_value = True
            continue
        if bare in ("AND", "&&", "NOT") or not expect_value:
            raise SearchQueryError(f"Only OR is supported inside parentheses: ({text})")
        values.append(_unescape(quoted) if bare == "" else _unescape(bare))
        expect_value = False
    if not values or expect_value:
        raise SearchQueryError(f"Cannot read ({text})")
    return values


def parse_fq(text: str) -> list[Clause]:
    """The clauses of one `fq` string (all must match)."""
    clauses, position, text = [], 0, text or ""
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        for pattern in (_MATCH_ALL, _CONJUNCTION):
            skip = pattern.match(text, position)
            if skip:
                position = skip.end()
                break
        else:
            match = _CLAUSE.match(text, position)
            if match is None:
                rest = text[position:].split()[0]
                if rest in ("OR", "||", "NOT"):
                    raise SearchQueryError(
                        f"{rest} between clauses is not supported: use field:(a OR b), or -field:value"
                    )
                raise SearchQueryError(f"Cannot read the filter at {text[position : position + 60]!r}")
            clauses.append(_clause(match))
            position = match.end()
    return clauses


def split_q(text: str) -> tuple[str, list[Clause]]:
    """Free text and field clauses of a `q`: clauses on supported fields (`tags:noise`) filter like
    `fq`; everything else — words, phrases, `*:*`, unknown `a:b` — is full-text (or nothing)."""
    text = (text or "").strip()
    clauses: list[Clause] = []

    def take(match: re.Match) -> str:
        if match["field"] in SUPPORTED_FIELDS:
            clauses.append(_clause(match))
            return " "
        return match.group(0)

    words = _CLAUSE.sub(take, _MATCH_ALL.sub(" ", text))
    words = " ".join(words.split())
    return ("" if words in ('""', "*") else words), clauses


def _format_codes(values: Iterable[str]) -> list[str]:
    """res_format values are file-type labels (what resources show) or codes, any case."""
    lookup = {}
    for code, label in FileType.objects.values_list("code", "label"):
        lookup[label.lower()] = code
        lookup[code.lower()] = code
    return [lookup.get(value.lower(), value) for value in values]


def _filterset_params(clause: Clause) -> dict[str, list[str]]:
    param = FILTER_PARAMS[clause.field]
    values = clause.values
    if param == "format":
        values = _format_codes(values)
    elif param in ("theme", "frequency", "access_rights"):
        # Themes are groups named by their lower-case EU code; a vocabulary URI works too.
        values = [value.rstrip("/").rsplit("/", 1)[-1].upper() for value in values]
    return {param: values}


def _lookup(clause: Clause) -> Q:
    """The rows a clause matches, as a Q over Dataset."""
    if clause.is_range:
        column = RANGE_FIELDS[clause.field]
        query = Q()
        if clause.low is not None:
            query &= Q(**{f"{column}__{'gte' if clause.low_inclusive else 'gt'}": clause.low})
        if clause.high is not None:
            query &= Q(**{f"{column}__{'lte' if clause.high_inclusive else 'lt'}": clause.high})
        return query
    if clause.field == "name":
        return Q(slug__in=clause.values)
    if clause.field == "id":
        ids = []
        for value in clause.values:
            try:
                ids.append(uuid.UUID(value))
            except ValueError:
                continue  # not an id of ours: matches nothing
        return Q(uuid__in=ids)
    if clause.field in ("dataset_type", "type"):
        return Q() if "dataset" in clause.values else Q(pk__in=[])
    # capacity: CKAN's public / private
    query = Q(pk__in=[])
    if "public" in clause.values:
        query |= Q(status=DatasetStatus.PUBLISHED)
    if "private" in clause.values:
        query |= ~Q(status=DatasetStatus.PUBLISHED)
    return query


def _filtered(queryset: QuerySet, params: dict) -> QuerySet:
    filterset = DatasetFilterSet(params, queryset=queryset)
    if not filterset.is_valid():
        problems = "; ".join(f"{key}: {' '.join(errors)}" for key, errors in filterset.errors.items())
        raise SearchQueryError(problems)
    # Unordered and unranked, so it can serve as a subquery (facets, exclusions); see `ranked`.
    return filterset.matching


def apply_clauses(queryset: QuerySet, clauses: Iterable[Clause]) -> QuerySet:
    """`queryset` narrowed by every clause (ANDed). Each filter clause is one DatasetFilterSet pass, so
    `tags:a tags:b` keeps datasets that have both tags, like Solr."""
    for clause in clauses:
        if clause.field in FILTER_PARAMS:
            if clause.negated:
                matching = _filtered(Dataset.objects.all(), _filterset_params(clause))
                queryset = queryset.exclude(pk__in=matching.order_by().values("pk"))
            else:
                queryset = _filtered(queryset, _filterset_params(clause))
        else:
            lookup = _lookup(clause)
            queryset = queryset.exclude(lookup) if clause.negated else queryset.filter(lookup)
    return queryset


def apply_text(queryset: QuerySet, text: str) -> QuerySet:
    """Full-text search (our parser: words, "phrases", OR, -word)."""
    if not text:
        return queryset
    return _filtered(queryset, {"q": text})


def ranked(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` with the `relevance` of `text` for ordering (never use the result as a subquery)."""
    if not text:
        return queryset
    return search_backend().rank(queryset, parse(text))


def ordering(sort: str, *, has_relevance: bool) -> tuple:
    """ORDER BY for a CKAN sort string ("metadata_modified desc, name asc"); the primary key breaks ties.
    `score` orders by relevance when there is a full-text query and is skipped otherwise (all equal)."""
    order = []
    for part in (sort or DEFAULT_SORT).split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[0] not in SORT_FIELDS or words[1].lower() not in ("asc", "desc"):
            raise SearchQueryError(
                f'Invalid "sort" parameter {part.strip()!r}: use "<field> asc|desc" with field one of '
                + ", ".join(SORT_FIELDS)
            )
        column, descending = SORT_FIELDS[words[0]], words[1].lower() == "desc"
        if column == "relevance" and not has_relevance:
            continue
        expression = F(column)
        order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True))
    return (*order, "-pk")
