"""A deterministic synthetic catalogue: publishers, keywords and datasets as plain field values.

Nothing here touches the database; `bench.build` turns the values into rows. The spread aims at what
a city portal looks like: a few large publishers and a long tail, topics that repeat across cities
and years, a Zipf-like keyword distribution, 1–3 distributions per dataset and 5 % drafts.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils.text import slugify

# Every DRAFT_EVERY-th dataset id is a draft (5 %); the rest is published.
DRAFT_EVERY = 20
# Datasets generated one by one by default; larger catalogues are completed with clones (bench.build).
GENERATED_MAX = 100_000

# Upper bounds of related rows per dataset (the builder derives their ids from the dataset's id).
MAX_DISTRIBUTIONS = 3  # 1, 2 or 3 (45 %, 35 %, 20 %)
MAX_KEYWORDS = 5  # up to 2 of the topic's, the city's name and up to 2 from the long tail
MAX_THEMES = 2

# The word the text-search case looks for: it is in one topic's title and in a few topics' keywords.
SEARCH_WORD = "traffic"

# (slug, name, city, country, west, south, east, north) of the municipalities that publish.
CITIES = [
    ("rotterdam", "Gemeente Rotterdam", "Rotterdam", "NL", 4.38, 51.86, 4.60, 51.99),
    ("helsinki", "City of Helsinki", "Helsinki", "FI", 24.83, 60.13, 25.25, 60.30),
    ("amsterdam", "Gemeente Amsterdam", "Amsterdam", "NL", 4.73, 52.28, 5.07, 52.43),
    ("tampere", "City of Tampere", "Tampere", "FI", 23.54, 61.42, 24.12, 61.84),
    ("barcelona", "Ajuntament de Barcelona", "Barcelona", "ES", 2.05, 41.32, 2.23, 41.47),
    ("vienna", "Stadt Wien", "Vienna", "AT", 16.18, 48.12, 16.58, 48.32),
    ("espoo", "City of Espoo", "Espoo", "FI", 24.50, 60.10, 24.85, 60.36),
    ("ghent", "Stad Gent", "Ghent", "BE", 3.58, 50.98, 3.85, 51.19),
    ("lyon", "Métropole de Lyon", "Lyon", "FR", 4.77, 45.70, 4.90, 45.81),
    ("munich", "Landeshauptstadt München", "Munich", "DE", 11.36, 48.06, 11.72, 48.25),
    ("tallinn", "Tallinna Linnavalitsus", "Tallinn", "EE", 24.55, 59.35, 24.93, 59.50),
    ("bologna", "Comune di Bologna", "Bologna", "IT", 11.23, 44.42, 11.43, 44.56),
    ("porto", "Câmara Municipal do Porto", "Porto", "PT", -8.69, 41.14, -8.55, 41.19),
    ("aarhus", "Aarhus Kommune", "Aarhus", "DK", 10.05, 56.08, 10.30, 56.24),
]

# (slug, name, kind) of the publishers that are not municipalities.
OTHER_PUBLISHERS = [
    ("port-of-rotterdam", "Port of Rotterdam Authority", "company"),
    ("hsl", "Helsinki Regional Transport", "company"),
    ("gridco", "GridCo Energy Networks", "company"),
    ("tno", "TNO Urban Digital Twins", "research"),
    ("vtt", "VTT Technical Research Centre", "research"),
    ("tu-delft", "TU Delft 3D Geoinformation", "research"),
]

# (title, EU theme codes, keywords) of the subjects that city datasets are about.
TOPICS = [
    ("Traffic counts", ["TRAN"], ["traffic", "mobility", "counts"]),
    ("Parking occupancy", ["TRAN"], ["parking", "mobility", "real-time"]),
    ("Public transport stops", ["TRAN"], ["public transport", "gtfs", "mobility"]),
    ("Cycling network", ["TRAN", "ENVI"], ["cycling", "mobility", "network"]),
    ("Road works", ["TRAN", "GOVE"], ["traffic", "road works", "permits"]),
    ("Electric vehicle charging points", ["TRAN", "ENER"], ["ev", "charging", "energy"]),
    ("Port vessel calls", ["TRAN", "ECON"], ["port", "logistics", "ais"]),
    ("Air quality measurements", ["ENVI", "HEAL"], ["air quality", "no2", "pm10", "sensors"]),
    ("Noise map", ["ENVI", "HEAL"], ["noise", "traffic", "environment"]),
    ("Flood risk zones", ["ENVI", "REGI"], ["flooding", "climate adaptation", "water"]),
    ("Heat stress map", ["ENVI", "HEAL"], ["heat", "climate adaptation", "trees"]),
    ("Tree register", ["ENVI"], ["trees", "green", "biodiversity"]),
    ("Groundwater levels", ["ENVI"], ["water", "sensors", "groundwater"]),
    ("Solar potential of roofs", ["ENER"], ["solar", "energy", "buildings"]),
    ("Energy consumption by district", ["ENER", "ECON"], ["energy", "consumption", "districts"]),
    ("District heating network", ["ENER"], ["heating", "energy", "network"]),
    ("Street lighting", ["ENER", "GOVE"], ["lighting", "energy", "assets"]),
    ("Building footprints", ["REGI"], ["buildings", "gis", "cadastre"]),
    ("3D city model LOD2", ["REGI", "TECH"], ["3d", "citygml", "buildings", "digital twin"]),
    ("Point cloud", ["REGI", "TECH"], ["lidar", "3d", "digital twin"]),
    ("Land use plan", ["REGI", "AGRI"], ["zoning", "land use", "planning"]),
    ("Population by neighbourhood", ["SOCI"], ["population", "demographics", "districts"]),
    ("Housing stock", ["SOCI", "ECON"], ["housing", "buildings"]),
    ("Schools and enrolment", ["EDUC"], ["schools", "education"]),
    ("Sports facilities", ["EDUC", "HEAL"], ["sports", "facilities"]),
    ("Municipal budget", ["ECON", "GOVE"], ["budget", "finance", "open government"]),
    ("Waste collection points", ["ENVI", "GOVE"], ["waste", "recycling", "assets"]),
    ("IoT sensor network", ["TECH"], ["sensors", "iot", "real-time", "digital twin"]),
    ("Crime statistics", ["JUST"], ["safety", "crime", "districts"]),
    ("Tourism overnight stays", ["ECON", "INTR"], ["tourism", "statistics"]),
]

QUALIFIERS = ["", "", "", " – monthly", " – hourly", " (real-time)", " – district level", " – archive"]

# Long-tail keywords are built from these, giving a pool of a few thousand distinct names.
TAIL_ADJECTIVES = [
    "annual", "historic", "modelled", "measured", "raw", "aggregated", "validated", "forecast",
    "municipal", "regional", "open", "experimental", "baseline", "scenario", "quarterly", "weekly",
    "spatial", "temporal", "indicative", "official", "derived", "crowdsourced", "synthetic", "legacy",
]  # fmt: skip
TAIL_NOUNS = [
    "indicators", "grid", "survey", "census", "inventory", "register", "monitoring", "model",
    "observations", "statistics", "permits", "assets", "zones", "routes", "stations", "samples",
    "network", "map", "tiles", "timeseries", "counts", "index", "boundaries", "footprints",
    "emissions", "usage", "capacity", "occupancy", "events", "incidents", "projections", "scenarios",
    "parcels", "blocks", "segments", "nodes", "sensors", "meters", "readings", "visits",
    "trips", "flows", "profiles", "areas", "layers", "catalogue", "points", "polygons",
    "lines", "rasters", "records", "reports", "plans", "targets", "budgets", "contracts",
    "tenders", "subsidies", "fees", "charges", "levels", "depths", "heights", "volumes",
    "loads", "demand", "supply", "prices", "costs",
]  # fmt: skip

SENTENCES = [
    "Collected by the municipality and updated by an automated pipeline.",
    "Values are validated before publication; gaps are marked as missing rather than interpolated.",
    "Coordinates are given in **ETRS89** (EPSG:4258); a WGS 84 copy is provided for web maps.",
    "This dataset feeds the city's *local digital twin* and its scenario simulations.",
    "See the documentation for the meaning of each column and the quality flags.",
    "Historic records before 2015 were digitised from paper archives and may be less precise.",
    "The data is published under the city's open-data policy and may be reused freely.",
    "Personal data has been removed or aggregated to at least ten persons per cell.",
    "Updates follow the frequency stated below; corrections are published as new versions.",
    "Derived from sensor measurements, calibrated against reference stations twice a year.",
    "Part of the European *Living-in.EU* data space pilot for interoperable city data.",
    "Questions and error reports are welcome at the contact address below.",
]
BULLETS = [
    "- one row per measurement\n- timestamps in UTC\n- units in SI",
    "- `id`: stable identifier\n- `geometry`: GeoJSON\n- `valid_from` / `valid_to`: validity period",
    "1. download the ZIP\n2. load the GeoPackage in QGIS\n3. join on the district code",
]

# (licence id, weight): the mix of a typical European city portal; missing ids get weight 1.
LICENCE_WEIGHTS = {
    "cc-by": 40,
    "cc-zero": 20,
    "odc-odbl": 10,
    "cc-by-sa": 8,
    "other-open": 5,
    "notspecified": 5,
    "eupl-1.2": 3,
    "odc-by": 3,
}
FORMAT_WEIGHTS = {
    "CSV": 30,
    "JSON": 14,
    "GEOJSON": 14,
    "XLSX": 8,
    "GPKG": 6,
    "SHP": 5,
    "XML": 4,
    "PDF": 4,
    "ZIP": 4,
    "WMS_SRVC": 3,
    "WFS_SRVC": 3,
    "LAS": 2,
}
FREQUENCY_WEIGHTS = {"DAILY": 10, "MONTHLY": 12, "ANNUAL": 15, "QUARTERLY": 6, "IRREG": 8, "CONT": 4}
ACCESS_RIGHTS = ["PUBLIC", "RESTRICTED", "NON_PUBLIC"]
ACCESS_RIGHTS_WEIGHTS = [90, 97, 100]  # cumulative: 90 %, 7 %, 3 %

# Published datasets are spread over this many days before the catalogue's reference date.
HISTORY_DAYS = 6 * 365


@dataclass(frozen=True)
class Vocabularies:
    """The seeded vocabulary keys the generator may use (read from the database by the builder)."""

    licences: Sequence[str]
    themes: Sequence[str]
    frequencies: Sequence[str]
    file_types: dict[str, tuple[str, str]]  # code -> (media type, first file extension)


@dataclass(slots=True)
class DatasetSpec:
    """One dataset's column values and the keys of its related rows."""

    fields: dict
    keyword_indexes: list[int]
    theme_codes: list[str]
    distributions: list[dict]


def organization_fields() -> list[dict]:
    """Column values of the 20 publishing organisations, municipalities first."""
    rows = [
        {
            "slug": slug,
            "name": name,
            "kind": "municipality",
            "city": city,
            "country": country,
            "website": f"https://www.{slug}.example.eu/",
            "email": f"opendata@{slug}.example.eu",
        }
        for slug, name, city, country, *_bbox in CITIES
    ]
    rows += [
        {"slug": slug, "name": name, "kind": kind, "website": f"https://{slug}.example.eu/"}
        for slug, name, kind in OTHER_PUBLISHERS
    ]
    return rows


def keyword_names() -> list[str]:
    """Every keyword of the pool, the common (topic and city) ones first: index order is popularity."""
    common = dict.fromkeys(itertools.chain.from_iterable(keywords for _t, _th, keywords in TOPICS))
    common.update(dict.fromkeys(city.lower() for _s, _n, city, *_rest in CITIES))
    tail = [f"{adjective} {noun}" for noun in TAIL_NOUNS for adjective in TAIL_ADJECTIVES]
    return list(common) + [name for name in tail if name not in common]


def is_draft_id(dataset_id: int) -> bool:
    """Whether the dataset with this id is a draft: exactly one in DRAFT_EVERY, spread evenly."""
    return dataset_id % DRAFT_EVERY == 0


def published_count(total: int) -> int:
    """How many of the datasets with ids 1..`total` are published."""
    return total - total // DRAFT_EVERY


def total_for_published(published: int) -> int:
    """The smallest number of datasets (ids 1..n) of which `published` are published."""
    total = published * DRAFT_EVERY // (DRAFT_EVERY - 1)
    while published_count(total) < published:
        total += 1
    return total


class CatalogueGenerator:
    """Yields dataset specs; each dataset is a function of (seed, id) alone, so a catalogue grown
    in steps (10k, then 100k) is the same as one built in one go."""

    def __init__(self, *, vocabularies: Vocabularies, publisher_ids: Sequence[int], seed: int = 1) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.reference = datetime(2025, 6, 1, tzinfo=UTC)
        self.vocabularies = vocabularies
        self.publisher_ids = list(publisher_ids)
        # Zipf-like: the first publishers (the big cities) publish most.
        self.publisher_weights = list(
            itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(self.publisher_ids)))
        )
        self.keywords = keyword_names()
        self.keyword_index = {name: index for index, name in enumerate(self.keywords)}
        self.tail_start = len(self.keywords) - len(TAIL_ADJECTIVES) * len(TAIL_NOUNS)
        self.tail_weights = list(
            itertools.accumulate(1 / (rank + 1) for rank in range(len(self.keywords) - self.tail_start))
        )
        self.licences, self.licence_weights = self._weighted(vocabularies.licences, LICENCE_WEIGHTS)
        self.formats, self.format_weights = self._weighted(list(vocabularies.file_types), FORMAT_WEIGHTS)
        self.frequencies, self.frequency_weights = self._weighted(vocabularies.frequencies, FREQUENCY_WEIGHTS)
        themes = set(vocabularies.themes)
        self.topics = [
            (title, [code for code in codes if code in themes], [self.keyword_index[k] for k in keywords])
            for title, codes, keywords in TOPICS
        ]
        self.places = self._places()
        self.slug_bases = {
            (topic, city): slugify(f"{topic} {city}")[:80]
            for topic, *_ in TOPICS
            for _slug, city in self.places
        }

    @staticmethod
    def _weighted(keys: Sequence[str], weights: dict[str, int]) -> tuple[list[str], list[int]]:
        """Keys with cumulative weights for `random.choices` (unlisted keys weigh 1)."""
        keys = list(keys)
        return keys, list(itertools.accumulate(weights.get(key, 1) for key in keys))

    @staticmethod
    def _places() -> list[tuple[str, str]]:
        """(publisher slug, place name) in the order of `organization_fields()`."""
        cities = [(slug, city) for slug, _name, city, *_rest in CITIES]
        return cities + [(slug, "Europe") for slug, *_rest in OTHER_PUBLISHERS]

    def datasets(self, *, first_id: int, count: int) -> Iterator[DatasetSpec]:
        """`count` dataset specs with ids from `first_id` (drafts as `is_draft_id` says)."""
        rng = self.rng
        choices = rng.choices
        bboxes = {slug: bbox for slug, _name, _city, _country, *bbox in CITIES}
        city_keywords = {slug: self.keyword_index[city.lower()] for slug, _name, city, *_rest in CITIES}
        publishers = range(len(self.publisher_ids))
        for dataset_id in range(first_id, first_id + count):
            rng.seed(self.seed * 1_000_000_007 + dataset_id)
            index = choices(publishers, cum_weights=self.publisher_weights)[0]
            publisher_slug, city = self.places[index]
            topic, theme_codes, topic_keywords = self.topics[rng.randrange(len(self.topics))]
            year = 2010 + rng.randrange(16)
            title = f"{topic} {city} {year}{QUALIFIERS[rng.randrange(len(QUALIFIERS))]}"
            is_draft = is_draft_id(dataset_id)
            published_at = (
                None if is_draft else self.reference - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
            )
            created_at = (published_at or self.reference) - timedelta(days=rng.randrange(1, 60))
            modified = (published_at or created_at) + timedelta(days=rng.randrange(0, 400))
            modified = min(modified, self.reference)
            fields = {
                "id": dataset_id,
                "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                "slug": f"{self.slug_bases[topic, city]}-{dataset_id}",
                "title": title,
                "description": self._description(topic, city),
                "publisher_id": self.publisher_ids[index],
                "contact_name": "Open data team",
                "contact_email": f"opendata@{publisher_slug}.example.eu",
                "spatial_name": city,
                "issued": (published_at or created_at).date(),
                "modified": modified,
                "languages": ["en"] if rng.random() < 0.6 else ["en", "fi"],
                "version": f"{year}.{rng.randrange(1, 5)}",
                "landing_page": f"https://data.{publisher_slug}.example.eu/{dataset_id}",
                "access_rights": choices(ACCESS_RIGHTS, cum_weights=ACCESS_RIGHTS_WEIGHTS)[0],
                "licence_id": None
                if rng.random() < 0.03
                else choices(self.licences, cum_weights=self.licence_weights)[0],
                "accrual_periodicity_id": choices(self.frequencies, cum_weights=self.frequency_weights)[0],
                "status": "draft" if is_draft else "published",
                "created_at": created_at,
                "updated_at": max(modified, published_at or created_at),
                "published_at": published_at,
            }
            if publisher_slug in bboxes and rng.random() < 0.8:
                fields.update(
                    zip(
                        ("bbox_west", "bbox_south", "bbox_east", "bbox_north"),
                        bboxes[publisher_slug],
                        strict=True,
                    )
                )
            if rng.random() < 0.5:
                fields["temporal_start"] = date(year, 1, 1)
                fields["temporal_end"] = date(year, 12, 31)
            keywords = set(rng.sample(topic_keywords, k=rng.randint(1, 2)))
            if publisher_slug in city_keywords and rng.random() < 0.5:
                keywords.add(city_keywords[publisher_slug])
            for _ in range(rng.randint(0, 2)):
                keywords.add(
                    self.tail_start + choices(range(len(self.tail_weights)), cum_weights=self.tail_weights)[0]
                )
            yield DatasetSpec(
                fields=fields,
                keyword_indexes=sorted(keywords),
                theme_codes=theme_codes[: rng.randint(1, MAX_THEMES)],
                distributions=self._distributions(fields, choices((1, 2, 3), weights=(45, 35, 20))[0]),
            )

    def _description(self, topic: str, city: str) -> str:
        rng = self.rng
        sentences = rng.sample(SENTENCES, k=rng.randint(2, 4))
        text = f"{topic} for {city}. " + " ".join(sentences)
        if rng.random() < 0.3:
            text += "\n\n" + BULLETS[rng.randrange(len(BULLETS))]
        return text

    def _distributions(self, dataset: dict, count: int) -> list[dict]:
        rng = self.rng
        rows = []
        for position, code in enumerate(rng.choices(self.formats, cum_weights=self.format_weights, k=count)):
            media_type, extension = self.vocabularies.file_types[code]
            is_service = not extension
            base = f"https://data.example.eu/{dataset['slug']}"
            rows.append(
                {
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "title": f"{dataset['title']} ({code.replace('_SRVC', '')})",
                    "access_url": f"{base}/service" if is_service else "",
                    "download_url": "" if is_service else f"{base}/{position}.{extension}",
                    "format_id": code,
                    "media_type": media_type,
                    "byte_size": None if is_service else rng.randrange(1_000, 500_000_000),
                    "position": position,
                    "created_at": dataset["created_at"],
                    "updated_at": dataset["updated_at"],
                }
            )
        return rows
