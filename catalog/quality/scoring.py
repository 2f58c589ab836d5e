"""The data.europa.eu Metadata Quality Assessment (design.md §7): the weights in one table, the score.

Pure functions over `DatasetFacts` (catalog.quality.indicators): no database, no network — the
facts carry the link results and the DCAT-AP compliance verdict that were measured before.
405 points in five dimensions; distribution indicators are taken from the best-scoring distribution;
the bands are excellent 351–405, good 221–350, sufficient 121–220, bad 0–120.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .choices import Band
from .indicators import DatasetFacts, DistributionFacts


@dataclass(frozen=True)
class Indicator:
    """One MQA indicator: its code, dimension, points, whether a distribution or the dataset answers it,
    what it checks and the one-line fix shown to the publisher when it is missed."""

    code: str
    dimension: str
    points: int
    level: str  # "dataset" | "distribution"
    label: str
    fix: str


DIMENSIONS = {
    "findability": _("Findability"),
    "accessibility": _("Accessibility"),
    "interoperability": _("Interoperability"),
    "reusability": _("Reusability"),
    "contextuality": _("Contextuality"),
}

# The one table of weights (data.europa.eu MQA methodology). The order is the order shown to people.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("keyword", "findability", 30, "dataset", _("Keywords"),
              _("Add a few keywords people would search for.")),
    Indicator("theme", "findability", 30, "dataset", _("Themes"), _("Choose at least one EU data theme.")),
    Indicator("spatial", "findability", 20, "dataset", _("Spatial coverage"),
              _("Give the area the data covers (draw a box on the map or name the place).")),
    Indicator("temporal", "findability", 20, "dataset", _("Temporal coverage"),
              _("Give the time period the data covers.")),
    Indicator("access_url_status", "accessibility", 50, "distribution", _("Access URL answers"),
              _("Fix the access URL: it must answer with HTTP 2xx.")),
    Indicator("download_url", "accessibility", 20, "distribution", _("Download URL given"),
              _("Upload the file or give a direct download URL.")),
    Indicator("download_url_status", "accessibility", 30, "distribution", _("Download URL answers"),
              _("Fix the download URL: it must answer with HTTP 2xx.")),
    Indicator("format", "interoperability", 20, "distribution", _("Format given"),
              _("Set the file format of the distribution.")),
    Indicator("media_type", "interoperability", 10, "distribution", _("Media type given"),
              _("Set the IANA media type (e.g. text/csv).")),
    Indicator("format_vocabulary", "interoperability", 10, "distribution",
              _("Format or media type from a vocabulary"),
              _("Use an EU file type or an IANA media type.")),
    Indicator("non_proprietary", "interoperability", 20, "distribution", _("Non-proprietary format"),
              _("Also offer the data in an open format (CSV instead of XLS, for instance).")),
    Indicator("machine_readable", "interoperability", 20, "distribution", _("Machine-readable format"),
              _("Offer a machine-readable format (CSV, JSON, GeoJSON…) rather than PDF or HTML.")),
    Indicator("dcat_ap_compliance", "interoperability", 30, "dataset", _("DCAT-AP compliant"),
              _("Fix the DCAT-AP violations listed below.")),
    Indicator("licence", "reusability", 20, "distribution", _("Licence given"), _("Choose a licence.")),
    Indicator("known_licence", "reusability", 10, "distribution", _("Licence from the EU vocabulary"),
              _("Choose a licence with an EU licence authority URI (CC BY 4.0, for instance).")),
    Indicator("access_rights", "reusability", 10, "dataset", _("Access rights given"),
              _("Say whether access is public, restricted or non-public.")),
    Indicator("access_rights_vocabulary", "reusability", 5, "dataset",
              _("Access rights from the EU vocabulary"), _("Use the EU access-right vocabulary.")),
    Indicator("contact_point", "reusability", 20, "dataset", _("Contact point"),
              _("Add a contact name or e-mail address.")),
    Indicator("publisher", "reusability", 10, "dataset", _("Publisher"), _("Name the publisher.")),
    Indicator("rights", "contextuality", 5, "distribution", _("Rights statement"),
              _("Add a rights statement to the distribution (who holds the rights, attribution).")),
    Indicator("byte_size", "contextuality", 5, "distribution", _("File size"),
              _("Give the size of the file (uploads get it automatically).")),
    Indicator("issued", "contextuality", 5, "dataset", _("Issue date"), _("Set the date of first issue.")),
    Indicator("modified", "contextuality", 5, "dataset", _("Modification date"),
              _("Set the date of the last modification.")),
)  # fmt: skip
INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
MAX_SCORE = sum(indicator.points for indicator in INDICATORS)
DIMENSION_MAX = {
    dimension: sum(i.points for i in INDICATORS if i.dimension == dimension) for dimension in DIMENSIONS
}
_DISTRIBUTION_INDICATORS = tuple(i for i in INDICATORS if i.level == "distribution")
_DATASET_INDICATORS = tuple(i for i in INDICATORS if i.level == "dataset")

# Lowest score of each band, best first.
BANDS: tuple[tuple[Band, int], ...] = (
    (Band.EXCELLENT, 351),
    (Band.GOOD, 221),
    (Band.SUFFICIENT, 121),
    (Band.BAD, 0),
)


def band_for(score: float) -> Band:
    """The band of a (dataset or averaged) score."""
    for band, lowest in BANDS:
        if score >= lowest:
            return band
    return Band.BAD


def band_range(band: str) -> tuple[int, int]:
    """(lowest, highest) score of a band."""
    bounds = [lowest for _band, lowest in BANDS]
    for index, (value, lowest) in enumerate(BANDS):
        if value == band:
            highest = MAX_SCORE if index == 0 else bounds[index - 1] - 1
            return lowest, highest
    raise ValueError(band)


@dataclass
class Score:
    """A dataset's MQA result: total, band, points per dimension, each indicator met or not."""

    total: int
    band: Band
    dimensions: dict[str, int]
    results: dict[str, bool]
    best_distribution: int | None = None  # index into facts.distributions
    fixes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"total": self.total, "dimensions": self.dimensions, "results": self.results}


def distribution_results(facts: DatasetFacts, distribution: DistributionFacts) -> dict[str, bool]:
    """The distribution-level indicators for one distribution."""
    licence = distribution.licence or facts.licence
    known_licence = distribution.known_licence if distribution.licence else facts.known_licence
    return {
        "access_url_status": distribution.access_url_ok,
        "download_url": distribution.has_download_url,
        "download_url_status": distribution.download_url_ok,
        "format": distribution.has_format,
        "media_type": distribution.has_media_type,
        "format_vocabulary": distribution.format_from_vocabulary,
        "non_proprietary": distribution.non_proprietary,
        "machine_readable": distribution.machine_readable,
        "licence": bool(licence),
        "known_licence": bool(licence) and known_licence,
        "rights": distribution.has_rights,
        "byte_size": distribution.has_byte_size,
    }


def dataset_results(facts: DatasetFacts) -> dict[str, bool]:
    """The dataset-level indicators."""
    return {
        "keyword": facts.has_keyword,
        "theme": facts.has_theme,
        "spatial": facts.has_spatial,
        "temporal": facts.has_temporal,
        "dcat_ap_compliance": facts.dcat_ap_compliant is True,
        "access_rights": facts.has_access_rights,
        "access_rights_vocabulary": facts.access_rights_from_vocabulary,
        "contact_point": facts.has_contact_point,
        "publisher": facts.has_publisher,
        "issued": facts.has_issued or any(d.has_issued for d in facts.distributions),
        "modified": facts.has_modified or any(d.has_modified for d in facts.distributions),
    }


def _points(results: dict[str, bool], indicators) -> int:
    return sum(indicator.points for indicator in indicators if results.get(indicator.code))


def score(facts: DatasetFacts) -> Score:
    """The MQA score of one dataset. The best-scoring distribution answers the distribution indicators
    (ties: the first); a dataset without distributions misses them all."""
    results = dataset_results(facts)
    best_index, best_results, best_points = None, None, -1
    for index, distribution in enumerate(facts.distributions):
        candidate = distribution_results(facts, distribution)
        points = _points(candidate, _DISTRIBUTION_INDICATORS)
        if points > best_points:
            best_index, best_results, best_points = index, candidate, points
    if best_results is None:
        best_results = dict.fromkeys((i.code for i in _DISTRIBUTION_INDICATORS), False)
    results.update(best_results)
    dimensions = dict.fromkeys(DIMENSIONS, 0)
    total = 0
    for indicator in INDICATORS:
        if results[indicator.code]:
            dimensions[indicator.dimension] += indicator.points
            total += indicator.points
    return Score(
        total=total,
        band=band_for(total),
        dimensions=dimensions,
        results={indicator.code: results[indicator.code] for indicator in INDICATORS},
        best_distribution=best_index,
    )


def breakdown(results: dict[str, bool]) -> list[dict]:
    """Per dimension: its points and its indicators (label, points earned / possible, the fix if missed),
    for the dataset page and the API."""
    rows = []
    for dimension, label in DIMENSIONS.items():
        indicators = []
        earned = 0
        for indicator in INDICATORS:
            if indicator.dimension != dimension:
                continue
            met = bool(results.get(indicator.code))
            earned += indicator.points if met else 0
            indicators.append(
                {
                    "code": indicator.code,
                    "label": indicator.label,
                    "met": met,
                    "points": indicator.points if met else 0,
                    "max": indicator.points,
                    "fix": "" if met else indicator.fix,
                }
            )
        rows.append(
            {
                "dimension": dimension,
                "label": label,
                "points": earned,
                "max": DIMENSION_MAX[dimension],
                "indicators": indicators,
            }
        )
    return rows


ADD_DISTRIBUTION = _("Add a distribution: upload the file or link it, with its format and licence.")


def top_fixes(results: dict[str, bool], *, has_distribution: bool = True, limit: int = 6) -> list[Indicator]:
    """The missed indicators worth the most points, first: what raises the score fastest.

    Without any distribution its indicators collapse into one fix ("add a distribution", worth their
    sum); a download URL that is missing is asked for before it is asked to answer."""
    missed = [indicator for indicator in INDICATORS if not results.get(indicator.code)]
    if not has_distribution:
        points = sum(i.points for i in missed if i.level == "distribution")
        missed = [i for i in missed if i.level != "distribution"]
        if points:
            fix = Indicator(
                "distribution", "accessibility", points, "distribution", _("Distribution"), ADD_DISTRIBUTION
            )
            missed.append(fix)
    elif not results.get("download_url"):
        missed = [i for i in missed if i.code != "download_url_status"]
    order = {indicator.code: n for n, indicator in enumerate(INDICATORS)}
    return sorted(missed, key=lambda indicator: (-indicator.points, order.get(indicator.code, -1)))[:limit]
