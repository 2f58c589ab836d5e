"""Demo content for Twinport and the idempotent loader behind `manage.py load_demo`.

The content is plain data: seven European cities with digital-twin programmes, two companies and a
research institute, a multi-city programme, demo users sharing one password, and about forty-five
datasets on the themes city twins deal with (energy, mobility, climate risk, ports, 3D city models).

`load_demo()` writes it through the catalogue and accounts services, so the same rules apply as in
the web interface. It is keyed by slugs and e-mail addresses: running it again updates the metadata
and creates no duplicates. Existing users keep their passwords.
"""

import textwrap
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.choices import OrganizationKind, Role
from accounts.models import Organization, Programme, User
from accounts.services import membership_set

from . import vocabularies
from .choices import AccessRights, DatasetStatus
from .models import Dataset, FileType, Frequency, Licence
from .services import (
    dataset_create,
    dataset_publish,
    dataset_update,
    dataset_withdraw,
    distribution_create,
    distribution_update,
)

# Published on purpose: every demo login uses it. Never load the demo into a production database.
DEMO_PASSWORD = "twinport-demo"  # noqa: S105

# Demo content of higher layers (twins), registered in their AppConfig.ready():
# `extension(organisations=…, editors=…, now=…)`, called inside load_demo's transaction; idempotent.
DEMO_EXTENSIONS: list = []

PUBLISHED, DRAFT, WITHDRAWN = DatasetStatus.PUBLISHED, DatasetStatus.DRAFT, DatasetStatus.WITHDRAWN
PUBLIC, RESTRICTED, NON_PUBLIC = AccessRights.PUBLIC, AccessRights.RESTRICTED, AccessRights.NON_PUBLIC

MB = 1_000_000
KB = 1_000


def _md(text: str) -> str:
    """Markdown written indented in this module, without the indentation."""
    return textwrap.dedent(text).strip()


# --- Organisations ------------------------------------------------------------------------------

# Per city: where its data lives (`data` prefixes relative distribution links and landing pages),
# its map services, the place name and bounding box (west, south, east, north; WGS 84) and languages.
CITIES: dict[str, dict[str, Any]] = {
    "rotterdam": {
        "data": "https://data.rotterdam.nl",
        "maps": "https://maps.rotterdam.nl/geoserver/ows",
        "place": "Rotterdam, Netherlands",
        "bbox": (4.35, 51.85, 4.60, 51.99),
        "languages": ["en", "nl"],
    },
    "turku": {
        "data": "https://data.turku.fi",
        "maps": "https://opaskartta.turku.fi/TeklaOGCWeb/WMS.ashx",
        "place": "Turku, Finland",
        "bbox": (22.15, 60.38, 22.40, 60.53),
        "languages": ["en", "fi", "sv"],
    },
    "gdansk": {
        "data": "https://dane.gdansk.pl",
        "maps": "https://gis.gdansk.pl/arcgis/services/wms",
        "place": "Gdańsk, Poland",
        "bbox": (18.45, 54.27, 18.95, 54.45),
        "languages": ["en", "pl"],
    },
    "wroclaw": {
        "data": "https://www.wroclaw.pl/open-data",
        "maps": "https://geoportal.wroclaw.pl/mapy/ows",
        "place": "Wrocław, Poland",
        "bbox": (16.80, 51.04, 17.18, 51.21),
        "languages": ["en", "pl"],
    },
    "vilnius": {
        "data": "https://data.vilnius.lt",
        "maps": "https://maps.vilnius.lt/maps/services/wms",
        "place": "Vilnius, Lithuania",
        "bbox": (25.02, 54.57, 25.48, 54.83),
        "languages": ["en", "lt"],
    },
    "helsinki": {
        "data": "https://data.hel.fi",
        "maps": "https://kartta.hel.fi/ws/geoserver/avoindata/wms",
        "place": "Helsinki, Finland",
        "bbox": (24.78, 60.13, 25.25, 60.30),
        "languages": ["en", "fi", "sv"],
    },
    "amsterdam": {
        "data": "https://data.amsterdam.nl",
        "maps": "https://map.data.amsterdam.nl/maps/wms",
        "place": "Amsterdam, Netherlands",
        "bbox": (4.73, 52.28, 5.07, 52.43),
        "languages": ["en", "nl"],
    },
}

# Smaller areas for datasets that cover part of a city only.
AREAS: dict[str, tuple[str, tuple[float, float, float, float]]] = {
    "rotterdam-port": ("Port of Rotterdam (Waalhaven to Maasvlakte 2)", (3.97, 51.88, 4.45, 52.00)),
    "rotterdam-unembanked": ("Unembanked areas along the Nieuwe Maas, Rotterdam", (4.36, 51.88, 4.55, 51.93)),
    "gdansk-port": ("Port of Gdańsk (Inner and Outer Port)", (18.60, 54.36, 18.76, 54.42)),
    "gdansk-lowlands": ("Gdańsk lowlands and the Vistula delta districts", (18.62, 54.30, 18.95, 54.40)),
    "helsinki-shore": ("Helsinki shoreline (Jätkäsaari to Kalasatama)", (24.89, 60.14, 25.00, 60.19)),
    "turku-aura": ("Aura river valley and the harbour, Turku", (22.20, 60.42, 22.32, 60.46)),
    "wroclaw-odra": ("Odra river valley, Wrocław", (16.90, 51.06, 17.12, 51.16)),
    "amsterdam-centre": ("Amsterdam city centre (Centrum district)", (4.87, 52.36, 4.93, 52.385)),
    "vilnius-old-town": ("Vilnius Old Town and Naujamiestis", (25.25, 54.67, 25.31, 54.70)),
}

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "rotterdam",
        "name": "City of Rotterdam",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "NL",
        "city": "Rotterdam",
        "website": "https://www.rotterdam.nl",
        "email": "opendata@rotterdam.example",
        "description": _md("""
            The municipality of Rotterdam runs **Digital City Rotterdam**, a 3D digital twin of the city
            and Europe's largest port. Its open data covers buildings, energy, climate adaptation,
            mobility and the port area.

            Questions about a dataset? Write to the contact point named on the dataset.
        """),
    },
    {
        "slug": "turku",
        "name": "City of Turku",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "FI",
        "city": "Turku",
        "website": "https://www.turku.fi",
        "email": "opendata@turku.example",
        "description": _md("""
            Turku aims to be **carbon neutral by 2029**. The city's digital twin links energy, public
            transport (Föli) and flood-risk data for the Aura river valley and the archipelago coast.
        """),
    },
    {
        "slug": "gdansk",
        "name": "City of Gdańsk",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "PL",
        "city": "Gdańsk",
        "website": "https://www.gdansk.pl",
        "email": "opendata@gdansk.example",
        "description": _md("""
            Gdańsk publishes data on its port, public transport, rainwater retention and air quality.
            Flood resilience of the low-lying Vistula delta districts is a focus of the city's
            digital twin.
        """),
    },
    {
        "slug": "wroclaw",
        "name": "City of Wrocław",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "PL",
        "city": "Wrocław",
        "website": "https://www.wroclaw.pl",
        "email": "opendata@wroclaw.example",
        "description": _md("""
            Wrocław's open data programme publishes traffic, air quality, noise and flood-risk data.
            The city's intelligent transport system feeds the mobility layers of its digital twin.
        """),
    },
    {
        "slug": "vilnius",
        "name": "City of Vilnius",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "LT",
        "city": "Vilnius",
        "website": "https://vilnius.lt",
        "email": "opendata@vilnius.example",
        "description": _md("""
            Vilnius publishes open data on public transport, building renovation and civil
            protection. Its digital twin supports the renovation of Soviet-era apartment blocks.
        """),
    },
    {
        "slug": "helsinki",
        "name": "City of Helsinki",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "FI",
        "city": "Helsinki",
        "website": "https://www.hel.fi",
        "email": "opendata@helsinki.example",
        "description": _md("""
            Helsinki was among the first cities to open a **semantic 3D city model** (CityGML) and a
            reality mesh of the whole city. Energy data of the city's own buildings and the
            shoreline's sea-level sensors complete its twin.
        """),
    },
    {
        "slug": "amsterdam",
        "name": "City of Amsterdam",
        "kind": OrganizationKind.MUNICIPALITY,
        "country": "NL",
        "city": "Amsterdam",
        "website": "https://www.amsterdam.nl",
        "email": "opendata@amsterdam.example",
        "description": _md("""
            Amsterdam publishes hundreds of datasets: trees, charging points, cycling, noise and the
            water of its canals. Most are open under CC0.
        """),
    },
    {
        "slug": "mobility-insights",
        "name": "Mobility Insights BV",
        "kind": OrganizationKind.COMPANY,
        "country": "NL",
        "city": "Utrecht",
        "website": "https://www.mobility.example",
        "email": "hello@mobility.example",
        "description": _md("""
            A mobility analytics company. We combine public traffic counts with our own floating-car
            data to forecast congestion and plan charging infrastructure for cities.
        """),
    },
    {
        "slug": "baltic-port-analytics",
        "name": "Baltic Port Analytics",
        "kind": OrganizationKind.COMPANY,
        "country": "LT",
        "city": "Klaipėda",
        "website": "https://www.balticport.example",
        "email": "info@balticport.example",
        "description": _md("""
            Analysts of cargo flows through the Baltic and North Sea ports, with offices in Klaipėda
            and Gdynia. We use port throughput and vessel data to model hinterland logistics.
        """),
    },
    {
        "slug": "urban-twin-research",
        "name": "Urban Twin Research Institute",
        "kind": OrganizationKind.RESEARCH,
        "country": "NL",
        "city": "Delft",
        "website": "https://www.urbantwin.example",
        "email": "contact@urbantwin.example",
        "description": _md("""
            An independent research institute for urban digital twins: 3D city models, heat and
            flood simulation, and the interoperability of local twins across Europe.
        """),
    },
]

PROGRAMME: dict[str, Any] = {
    "slug": "smart-city-digital-twins",
    "name": "Smart City Digital Twins",
    "website": "https://www.sctwins.example",
    "organizations": ["turku", "gdansk", "wroclaw", "vilnius"],
    "coordinators": ["marta@sctwins.example"],
    "description": _md("""
        Four cities around the Baltic Sea build **interoperable local digital twins** together and
        share what they learn. The programme agrees on common data models for energy, mobility and
        climate risk, so that a tool built for one city works in the others.

        Partner cities: Turku, Gdańsk, Wrocław and Vilnius.
    """),
}

# --- Users --------------------------------------------------------------------------------------

# `memberships` are (organisation slug, role). The first editor of a city publishes its datasets.
USERS: list[dict[str, Any]] = [
    {
        "email": "admin@twinport.example",
        "full_name": "Twinport Admin",
        "superuser": True,
        "memberships": [],
        "role": "Site admin",
        "try": "Django admin at /admin/; sees every draft",
    },
    {
        "email": "anna@rotterdam.example",
        "full_name": "Anna de Vries",
        "memberships": [("rotterdam", Role.EDITOR)],
        "role": "Editor, City of Rotterdam",
        "try": "edit and publish datasets; the heat-stress draft",
    },
    {
        "email": "pieter@rotterdam.example",
        "full_name": "Pieter Bakker",
        "memberships": [("rotterdam", Role.ADMIN)],
        "role": "Admin, City of Rotterdam",
        "try": "manage members and invitations; decide access requests",
    },
    {
        "email": "ilkka@turku.example",
        "full_name": "Ilkka Virtanen",
        "memberships": [("turku", Role.ADMIN)],
        "role": "Admin, City of Turku",
        "try": "manage Turku's members",
    },
    {
        "email": "sanna@turku.example",
        "full_name": "Sanna Mäkinen",
        "memberships": [("turku", Role.EDITOR)],
        "role": "Editor, City of Turku",
        "try": "Turku's datasets and its street-lighting draft",
    },
    {
        "email": "eva@helsinki.example",
        "full_name": "Eva Lindholm",
        "memberships": [("helsinki", Role.EDITOR)],
        "role": "Editor, City of Helsinki",
        "try": "the non-public district heating dataset",
    },
    {
        "email": "katarzyna@gdansk.example",
        "full_name": "Katarzyna Nowak",
        "memberships": [("gdansk", Role.EDITOR)],
        "role": "Editor, City of Gdańsk",
        "try": "port cargo flows and evacuation routes",
    },
    {
        "email": "tomasz@wroclaw.example",
        "full_name": "Tomasz Kowalski",
        "memberships": [("wroclaw", Role.EDITOR)],
        "role": "Editor, City of Wrocław",
        "try": "republish the withdrawn traffic counts",
    },
    {
        "email": "ruta@vilnius.example",
        "full_name": "Rūta Petrauskienė",
        "memberships": [("vilnius", Role.EDITOR)],
        "role": "Editor, City of Vilnius",
        "try": "the restricted e-scooter draft",
    },
    {
        "email": "sanne@amsterdam.example",
        "full_name": "Sanne Jansen",
        "memberships": [("amsterdam", Role.EDITOR)],
        "role": "Editor, City of Amsterdam",
        "try": "the restricted crowd monitor",
    },
    {
        "email": "jonas@mobility.example",
        "full_name": "Jonas Smit",
        "memberships": [("mobility-insights", Role.MEMBER)],
        "role": "Consumer, Mobility Insights BV",
        "try": "request access to restricted datasets",
    },
    {
        "email": "aiste@balticport.example",
        "full_name": "Aistė Kazlauskienė",
        "memberships": [("baltic-port-analytics", Role.ADMIN)],
        "role": "Consumer, Baltic Port Analytics",
        "try": "subscribe to port cargo flows",
    },
    {
        "email": "sofia@urbantwin.example",
        "full_name": "Sofia Lindqvist",
        "memberships": [("urban-twin-research", Role.MEMBER)],
        "role": "Researcher, Urban Twin Research Institute",
        "try": "search 3D city models and heat maps across cities",
    },
    {
        "email": "marta@sctwins.example",
        "full_name": "Marta Zielińska",
        "memberships": [],
        "role": "Coordinator, Smart City Digital Twins",
        "try": "the programme's page and its four cities",
    },
]

# --- Datasets -----------------------------------------------------------------------------------

# Keys: org, slug, title, description, keywords, themes, licence, frequency, temporal (start, end),
# age (days since first issued, days since last modified; for back-dating published datasets) and
# distributions. Optional: area (a key of AREAS; default the whole city), access_rights,
# personal_data, version, conforms_to, contact (name, e-mail) and state (default published).
# A distribution has a title, a format (EU file type), a `download` or an `access` URL (a path is
# relative to the city's data portal), and optionally a size in bytes and a description.
DATASETS: list[dict[str, Any]] = [
    # Rotterdam ---------------------------------------------------------------------------------
    {
        "org": "rotterdam",
        "slug": "rotterdam-3d-city-model",
        "title": "3D city model of Rotterdam (CityGML LoD2)",
        "description": _md("""
            Every building in Rotterdam as a **LoD2 solid with roof shapes**, together with terrain,
            bridges, water surfaces and street furniture. The model is the geometric backbone of
            Digital City Rotterdam and is rebuilt every year from the national building register
            (BAG) and a fresh aerial laser scan.

            The model is delivered in CityGML 2.0 tiles of 1 × 1 km and as CityJSON for web use.
            Building objects carry the BAG identifier, construction year, number of storeys and the
            measured roof height, so they can be joined with the energy-label and solar-potential
            datasets.

            Known limitations: buildings under construction at the time of the scan are missing,
            and roof superstructures smaller than 2 m² are not modelled.
        """),
        "keywords": ["3D city model", "CityGML", "CityJSON", "buildings", "LoD2", "digital twin"],
        "themes": ["REGI", "TECH"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2024, 3, 1), date(2024, 3, 31)),
        "version": "2024.1",
        "conforms_to": "https://www.ogc.org/standard/citygml/",
        "age": (690, 120),
        "distributions": [
            {
                "title": "CityGML tiles (ZIP)",
                "format": "ZIP",
                "download": "/3d/rotterdam-3d-2024-citygml.zip",
                "size": 4_200 * MB,
            },
            {
                "title": "CityJSON tiles",
                "format": "JSON",
                "download": "/3d/rotterdam-3d-2024.city.json",
                "size": 1_350 * MB,
            },
            {
                "title": "Tile index",
                "format": "GEOJSON",
                "download": "/3d/tile-index.geojson",
                "size": 820 * KB,
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-port-cargo-throughput",
        "title": "Port of Rotterdam cargo throughput by commodity",
        "description": _md("""
            Quarterly throughput of the port of Rotterdam in tonnes, broken down by **commodity group**
            (crude oil, mineral oil products, LNG, dry bulk, containers, roll-on/roll-off and other
            general cargo) and by direction (incoming, outgoing).

            Container volumes are also given in TEU. Figures for the latest quarter are provisional
            and are revised with the next release.

            The data feeds the port layer of the city's digital twin, where it is combined with
            hinterland traffic to estimate truck movements on the A15 corridor.
        """),
        "keywords": ["port", "cargo", "throughput", "containers", "TEU", "logistics"],
        "themes": ["TRAN", "ECON"],
        "licence": "cc-by",
        "frequency": "QUARTERLY",
        "temporal": (date(2015, 1, 1), None),
        "area": "rotterdam-port",
        "contact": ("Port statistics desk", "port-statistics@rotterdam.example"),
        "age": (720, 21),
        "distributions": [
            {
                "title": "Throughput by commodity (CSV)",
                "format": "CSV",
                "download": "/port/cargo-throughput-quarterly.csv",
                "size": 310 * KB,
            },
            {
                "title": "Throughput by commodity (Excel)",
                "format": "XLSX",
                "download": "/port/cargo-throughput-quarterly.xlsx",
                "size": 190 * KB,
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-building-energy-labels",
        "title": "Energy labels and gas and electricity use of buildings",
        "description": _md("""
            For every residential and utility building in Rotterdam: the registered **energy label**
            (A++++ to G), the year of registration and the average annual gas and electricity use
            per postcode-6 area, as reported by the grid operators.

            Consumption is only published for postcode areas with at least ten connections, so
            that no individual household can be identified.

            The dataset is used to prioritise neighbourhoods for the heat transition
            ("aardgasvrije wijken") and to target insulation subsidies.

            Columns:

            - `bag_id` – building identifier in the national building register
            - `energy_label`, `label_date`
            - `pc6`, `gas_m3_avg`, `electricity_kwh_avg`, `connections`
        """),
        "keywords": ["energy labels", "energy consumption", "buildings", "heat transition", "gas"],
        "themes": ["ENER"],
        "licence": "cc-zero",
        "frequency": "ANNUAL",
        "temporal": (date(2019, 1, 1), date(2024, 12, 31)),
        "version": "2024",
        "age": (600, 95),
        "distributions": [
            {
                "title": "Energy labels per building (CSV)",
                "format": "CSV",
                "download": "/energy/energy-labels-buildings.csv",
                "size": 48 * MB,
            },
            {
                "title": "Energy use per postcode area (GeoPackage)",
                "format": "GPKG",
                "download": "/energy/energy-use-pc6.gpkg",
                "size": 36 * MB,
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-solar-potential-roofs",
        "title": "Solar potential of roofs",
        "description": _md("""
            The yearly solar irradiation (kWh/m²) on every roof surface in Rotterdam, derived from
            the 3D city model and a shadow simulation over a typical meteorological year. Each roof
            face is classed as *very suitable*, *suitable* or *less suitable* for solar panels.

            The estimated yield assumes panels with 21 % efficiency and leaves a margin of 0.5 m
            from roof edges. Monumental buildings are flagged because permits are required.

            Use it to find large roofs for solar projects, or to estimate the city's rooftop
            potential per district.
        """),
        "keywords": ["solar energy", "solar potential", "roofs", "photovoltaics", "renewable energy"],
        "themes": ["ENER", "ENVI"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2024, 1, 1), date(2024, 12, 31)),
        "age": (540, 200),
        "distributions": [
            {
                "title": "Roof faces with solar potential (GeoPackage)",
                "format": "GPKG",
                "download": "/energy/solar-potential-roofs.gpkg",
                "size": 610 * MB,
            },
            {
                "title": "Solar potential map (WMS)",
                "format": "WMS_SRVC",
                "access": "https://maps.rotterdam.nl/geoserver/ows?service=WMS&layers=zonnepotentie",
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-flood-risk-unembanked-areas",
        "title": "Flood risk of unembanked areas",
        "description": _md("""
            About 40,000 people live and work outside the dikes of Rotterdam, in the old harbours and
            along the Nieuwe Maas. This dataset gives the **expected flood depth** there for storm
            surges with return periods of 1 in 10, 1 in 100 and 1 in 1,000 years, under the current
            climate and the 2050 and 2100 climate scenarios.

            Depths come from a 2D hydrodynamic model on a 5 m grid. The accompanying report explains
            the model, the dike-ring assumptions and the uncertainty of the results.

            Part of the Rotterdam Weatherwise programme; used to check spatial plans and to plan
            evacuation in the unembanked districts.
        """),
        "keywords": ["flood risk", "storm surge", "climate adaptation", "water depth", "Weatherwise"],
        "themes": ["ENVI", "JUST"],
        "licence": "cc-by",
        "frequency": "IRREG",
        "temporal": (date(2023, 1, 1), date(2100, 12, 31)),
        "area": "rotterdam-unembanked",
        "version": "2.1",
        "age": (480, 160),
        "distributions": [
            {
                "title": "Flood depth grids (GeoTIFF, ZIP)",
                "format": "ZIP",
                "download": "/climate/flood-depth-unembanked-grids.zip",
                "size": 860 * MB,
            },
            {
                "title": "Flood depth map (WMS)",
                "format": "WMS_SRVC",
                "access": "https://maps.rotterdam.nl/geoserver/ows?service=WMS&layers=overstroming_buitendijks",
            },
            {
                "title": "Technical report",
                "format": "PDF",
                "download": "/climate/flood-risk-unembanked-report.pdf",
                "size": 12 * MB,
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-heat-stress-2025",
        "title": "Heat stress map 2025",
        "description": _md("""
            The **physiological equivalent temperature** (PET) on a hot summer afternoon, on a 1 m
            grid for the whole city, modelled from the 3D city model, the tree register and surface
            materials.

            This update adds the new green roofs and the re-paved squares of the city centre. It is
            still being validated against the measurements of the 2024 heat wave.
        """),
        "keywords": ["heat stress", "urban heat island", "climate adaptation", "PET"],
        "themes": ["ENVI", "HEAL"],
        "licence": "cc-by",
        "frequency": "IRREG",
        "temporal": (date(2025, 6, 1), date(2025, 8, 31)),
        "version": "2025-draft",
        "state": DRAFT,
        "distributions": [
            {
                "title": "PET grid (GeoTIFF)",
                "format": "GEOTIFF",
                "download": "/climate/heat-stress-pet-2025.tif",
                "size": 1_900 * MB,
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-traffic-intensities",
        "title": "Traffic intensities at counting loops",
        "description": _md("""
            Vehicle counts per 15 minutes from about 600 induction loops on Rotterdam's main roads,
            by lane and by vehicle length class (passenger car, van, truck).

            Loops that were out of order are marked with a quality flag rather than removed. Counts
            are published with a delay of one day.

            The API returns the latest week; the yearly archives cover everything since 2018.
        """),
        "keywords": ["traffic", "traffic counts", "induction loops", "mobility", "road network"],
        "themes": ["TRAN"],
        "licence": "cc-zero",
        "frequency": "DAILY",
        "temporal": (date(2018, 1, 1), None),
        "age": (700, 1),
        "distributions": [
            {
                "title": "Traffic counts API (JSON)",
                "format": "JSON",
                "access": "https://api.data.rotterdam.nl/traffic/v1/counts",
            },
            {
                "title": "Yearly archive 2024 (CSV)",
                "format": "CSV",
                "download": "/traffic/counts-2024.csv",
                "size": 2_300 * MB,
            },
            {
                "title": "Counting loop locations",
                "format": "GEOJSON",
                "download": "/traffic/loops.geojson",
                "size": 640 * KB,
            },
        ],
    },
    {
        "org": "rotterdam",
        "slug": "rotterdam-port-vessel-movements",
        "title": "Vessel movements in the port area (AIS, aggregated)",
        "description": _md("""
            Hourly counts and average speeds of seagoing and inland vessels per port basin, derived
            from AIS messages. Vessel identities are removed; only counts per ship type and size
            class remain.

            The data is **restricted**: it is shared with partners in port-logistics and
            emission-modelling projects under an agreement with the port authority. Request access
            to receive the download links.
        """),
        "keywords": ["AIS", "shipping", "vessel movements", "port", "emissions"],
        "themes": ["TRAN", "ENVI"],
        "licence": "other-closed",
        "access_rights": RESTRICTED,
        "frequency": "MONTHLY",
        "temporal": (date(2022, 1, 1), None),
        "area": "rotterdam-port",
        "contact": ("Port data coordination", "port-data@rotterdam.example"),
        "age": (400, 25),
        "distributions": [
            {
                "title": "Monthly extract (Parquet)",
                "format": "PARQUET",
                "download": "/port/ais-aggregated.parquet",
                "size": 420 * MB,
            },
            {
                "title": "Data dictionary",
                "format": "PDF",
                "download": "/port/ais-aggregated-dictionary.pdf",
                "size": 380 * KB,
            },
        ],
    },
    # Amsterdam ---------------------------------------------------------------------------------
    {
        "org": "amsterdam",
        "slug": "amsterdam-ev-charging-points",
        "title": "Public charging points for electric vehicles",
        "description": _md("""
            All public charging points in Amsterdam with their location, operator, number of
            sockets, maximum power and whether they are fast chargers. The occupancy file gives the
            share of time each socket was in use per hour of the day, averaged over the last month.

            Amsterdam places charging points on request of residents with an electric car; the
            occupancy data helps decide where the network grows next.
        """),
        "keywords": ["electric vehicles", "charging points", "e-mobility", "occupancy"],
        "themes": ["ENER", "TRAN"],
        "licence": "cc-zero",
        "frequency": "DAILY",
        "temporal": (date(2020, 1, 1), None),
        "age": (710, 0),
        "distributions": [
            {
                "title": "Charging points (GeoJSON)",
                "format": "GEOJSON",
                "download": "https://api.data.amsterdam.nl/v1/laadpalen/?_format=geojson",
                "size": 6 * MB,
            },
            {
                "title": "Hourly occupancy last month (CSV)",
                "format": "CSV",
                "download": "/mobility/charging-occupancy.csv",
                "size": 18 * MB,
            },
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-trees",
        "title": "Tree register",
        "description": _md("""
            Almost 270,000 trees managed by the city: species (scientific and Dutch name), height
            class, trunk diameter, year of planting and the owner responsible for maintenance.

            Trees in private gardens are not included. The register is updated weekly as trees are
            felled and planted.

            In the digital twin, the trees feed the heat-stress model and the shade analysis of
            cycle routes.
        """),
        "keywords": ["trees", "urban green", "biodiversity", "shade"],
        "themes": ["ENVI"],
        "licence": "cc-zero",
        "frequency": "WEEKLY",
        "temporal": (date(2016, 1, 1), None),
        "age": (690, 3),
        "distributions": [
            {
                "title": "Trees (GeoJSON)",
                "format": "GEOJSON",
                "download": "/environment/trees.geojson",
                "size": 96 * MB,
            },
            {"title": "Trees (CSV)", "format": "CSV", "download": "/environment/trees.csv", "size": 41 * MB},
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-bike-counts",
        "title": "Bicycle counts on the main cycle routes",
        "description": _md("""
            Hourly counts from permanent cycle counters on the main cycle network, including the
            ferries across the IJ and the bridges of the canal belt. Each counter reports both
            directions separately.

            A few counters were moved during road works; their history is kept under the old
            counter id.
        """),
        "keywords": ["cycling", "bicycle counts", "active mobility", "traffic"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "HOURLY",
        "temporal": (date(2019, 1, 1), None),
        "age": (650, 0),
        "distributions": [
            {
                "title": "Counts API (JSON)",
                "format": "JSON",
                "access": "https://api.data.amsterdam.nl/v1/fietstellingen/",
            },
            {
                "title": "Counter locations (CSV)",
                "format": "CSV",
                "download": "/mobility/bike-counters.csv",
                "size": 24 * KB,
            },
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-noise-map-2022",
        "title": "Strategic noise map 2022",
        "description": _md("""
            Noise levels from road traffic, trams, railways, industry and Schiphol airport, as
            required every five years by the **Environmental Noise Directive** (2002/49/EC).
            Levels are given as Lden and Lnight contours in 5 dB classes.

            The report counts the residents and dwellings exposed to each class and is the basis of
            the city's noise action plan.
        """),
        "keywords": ["noise", "environmental noise", "Lden", "END", "health"],
        "themes": ["ENVI", "HEAL"],
        "licence": "cc-by",
        "frequency": "QUINQUENNIAL",
        "temporal": (date(2021, 1, 1), date(2021, 12, 31)),
        "conforms_to": "https://eur-lex.europa.eu/eli/dir/2002/49/oj",
        "age": (730, 400),
        "distributions": [
            {
                "title": "Noise contours (GeoPackage)",
                "format": "GPKG",
                "download": "/environment/noise-2022.gpkg",
                "size": 145 * MB,
            },
            {
                "title": "Noise map (WMS)",
                "format": "WMS_SRVC",
                "access": "https://map.data.amsterdam.nl/maps/wms?layers=geluidskaart_2022",
            },
            {
                "title": "Noise map report",
                "format": "PDF",
                "download": "/environment/noise-map-2022-report.pdf",
                "size": 9 * MB,
            },
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-3d-buildings-cityjson",
        "title": "3D buildings (CityJSON LoD2.2)",
        "description": _md("""
            Amsterdam's buildings as LoD2.2 models with detailed roof shapes, generated from the
            national building register and the AHN4 elevation model.

            Delivered as CityJSON tiles; each building carries its BAG identifier and construction
            year. Ideal for shadow, solar and wind studies, and light enough for web viewers.
        """),
        "keywords": ["3D buildings", "CityJSON", "LoD2", "3D city model"],
        "themes": ["REGI", "TECH"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2023, 1, 1), date(2023, 12, 31)),
        "version": "2023.2",
        "conforms_to": "https://www.cityjson.org/specs/2.0.1/",
        "age": (500, 150),
        "distributions": [
            {
                "title": "CityJSON tiles (ZIP)",
                "format": "ZIP",
                "download": "/3d/buildings-lod22-cityjson.zip",
                "size": 2_100 * MB,
            },
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-canal-water-levels",
        "title": "Water levels in the canals",
        "description": _md("""
            Measurements every 15 minutes from the water-level sensors in the canals and along the
            IJ, relative to NAP (the Amsterdam Ordnance Datum). The canal level is normally held
            at 0.40 m below NAP by the sluices.

            Also useful for monitoring the quay walls, many of which are being renovated.
        """),
        "keywords": ["water level", "canals", "sensors", "quay walls", "NAP"],
        "themes": ["ENVI"],
        "licence": "cc-zero",
        "frequency": "15MIN",
        "temporal": (date(2021, 6, 1), None),
        "area": "amsterdam-centre",
        "age": (420, 0),
        "distributions": [
            {
                "title": "Live measurements (JSON)",
                "format": "JSON",
                "access": "https://api.data.amsterdam.nl/v1/waterstanden/",
            },
            {
                "title": "History 2021–2024 (CSV)",
                "format": "CSV",
                "download": "/water/water-levels-history.csv",
                "size": 310 * MB,
            },
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-crowd-monitor",
        "title": "Crowd monitor city centre",
        "description": _md("""
            Estimated numbers of pedestrians per 15 minutes in the busiest streets of the city
            centre, from counting cameras and Wi-Fi sensors. The city uses it to manage crowds on
            King's Day, New Year's Eve and busy summer weekends.

            The raw sensor data contains **pseudonymised device identifiers**, which count as
            personal data. Access is therefore restricted to research and safety partners with a
            data processing agreement; the public dashboard shows only aggregated levels.
        """),
        "keywords": ["crowd monitoring", "pedestrians", "public safety", "sensors"],
        "themes": ["SOCI", "JUST"],
        "licence": "other-closed",
        "access_rights": RESTRICTED,
        "personal_data": True,
        "frequency": "15MIN",
        "temporal": (date(2022, 4, 1), None),
        "area": "amsterdam-centre",
        "contact": ("Crowd management team", "crowd-monitor@amsterdam.example"),
        "age": (380, 2),
        "distributions": [
            {
                "title": "Counts per sensor (CSV)",
                "format": "CSV",
                "download": "/safety/crowd-monitor-counts.csv",
                "size": 520 * MB,
            },
            {
                "title": "Sensor locations",
                "format": "GEOJSON",
                "download": "/safety/crowd-sensors.geojson",
                "size": 35 * KB,
            },
        ],
    },
    {
        "org": "amsterdam",
        "slug": "amsterdam-parking-garages-legacy",
        "title": "Parking garage occupancy (legacy feed)",
        "description": _md("""
            Free spaces in the city's parking garages and park-and-ride sites, updated every few
            minutes from the old parking guidance system.

            **This feed is withdrawn.** The guidance system was replaced in 2024; use the parking
            availability API of the new mobility platform instead.
        """),
        "keywords": ["parking", "park and ride", "occupancy"],
        "themes": ["TRAN"],
        "licence": "cc-zero",
        "frequency": "CONT",
        "temporal": (date(2017, 1, 1), date(2024, 3, 31)),
        "state": WITHDRAWN,
        "age": (730, 450),
        "distributions": [
            {
                "title": "Occupancy feed (JSON)",
                "format": "JSON",
                "access": "https://api.data.amsterdam.nl/parkeergarages/legacy.json",
            },
        ],
    },
    # Helsinki ----------------------------------------------------------------------------------
    {
        "org": "helsinki",
        "slug": "helsinki-3d-city-model",
        "title": "Helsinki 3D city model (CityGML)",
        "description": _md("""
            The **semantic 3D city model** of Helsinki: about 80,000 buildings in LoD2 with their
            building-register attributes, plus terrain and bridges. A textured reality mesh of the
            whole city is published alongside it.

            The model is the base of the Kalasatama and Energy and Climate Atlas twins, where it is
            used for solar, energy-renovation and wind simulations.

            The CityGML files are split into 1 km tiles in the ETRS-GK25 (EPSG:3879) coordinate
            system; the bounding box here is given in WGS 84.
        """),
        "keywords": ["3D city model", "CityGML", "buildings", "reality mesh", "digital twin"],
        "themes": ["REGI", "TECH"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2023, 1, 1), date(2023, 12, 31)),
        "version": "2023",
        "conforms_to": "https://www.ogc.org/standard/citygml/",
        "age": (715, 180),
        "distributions": [
            {
                "title": "CityGML LoD2 tiles (ZIP)",
                "format": "ZIP",
                "download": "/3d/helsinki-citygml-lod2.zip",
                "size": 3_600 * MB,
            },
            {
                "title": "Building footprints (WFS)",
                "format": "WFS_SRVC",
                "access": "https://kartta.hel.fi/ws/geoserver/avoindata/wfs?typeName=avoindata:Rakennukset_alue",
            },
        ],
    },
    {
        "org": "helsinki",
        "slug": "helsinki-energy-public-buildings",
        "title": "Hourly energy consumption of city-owned buildings",
        "description": _md("""
            Hourly **electricity, district heat and water consumption** of about 1,000 buildings
            owned by the City of Helsinki: schools, day-care centres, offices, libraries and sports
            halls.

            Each building has its property code, use category and heated floor area, so that
            consumption per m² can be compared between similar buildings. Gaps caused by meter
            faults are left empty, not interpolated.

            The data supports the city's goal of carbon neutrality by 2030 and its energy
            renovation programme.
        """),
        "keywords": [
            "energy consumption",
            "district heating",
            "electricity",
            "public buildings",
            "smart meters",
        ],
        "themes": ["ENER", "GOVE"],
        "licence": "cc-by",
        "frequency": "DAILY",
        "temporal": (date(2017, 1, 1), None),
        "age": (705, 1),
        "distributions": [
            {"title": "Consumption API (JSON)", "format": "JSON", "access": "https://api.hel.fi/energy/v1/"},
            {
                "title": "Buildings and meters (CSV)",
                "format": "CSV",
                "download": "/energy/buildings-meters.csv",
                "size": 420 * KB,
            },
        ],
    },
    {
        "org": "helsinki",
        "slug": "helsinki-district-heating-network",
        "title": "District heating network and heat plants",
        "description": _md("""
            The district heating pipes, pumping stations, heat plants and heat storages of
            Helsinki, with pipe diameters, supply temperatures and the year of construction.

            This is **critical infrastructure** information and is not public. It is shared only
            with city departments and contractors that plan excavations or model heat demand in
            the city's energy twin.
        """),
        "keywords": ["district heating", "heat network", "critical infrastructure", "energy"],
        "themes": ["ENER"],
        "licence": "other-closed",
        "access_rights": NON_PUBLIC,
        "frequency": "ANNUAL",
        "temporal": (date(2024, 1, 1), date(2024, 12, 31)),
        "contact": ("Energy twin team", "energy-twin@helsinki.example"),
        "age": (300, 90),
        "distributions": [
            {
                "title": "Network (GeoPackage)",
                "format": "GPKG",
                "download": "/restricted/district-heating.gpkg",
                "size": 88 * MB,
            },
        ],
    },
    {
        "org": "helsinki",
        "slug": "helsinki-air-quality",
        "title": "Air quality measurements (NO2, PM10, PM2.5)",
        "description": _md("""
            Hourly concentrations of nitrogen dioxide, particulate matter (PM10 and PM2.5) and
            ozone from the air-quality stations in Helsinki, including the busy street canyons of
            Mäkelänkatu and Mannerheimintie.

            Values are in µg/m³. The most recent 48 hours are unvalidated; validated values replace
            them once a month.
        """),
        "keywords": ["air quality", "NO2", "particulate matter", "PM2.5", "health"],
        "themes": ["ENVI", "HEAL"],
        "licence": "cc-by",
        "frequency": "HOURLY",
        "temporal": (date(2010, 1, 1), None),
        "age": (640, 0),
        "distributions": [
            {
                "title": "Hourly measurements (CSV)",
                "format": "CSV",
                "download": "/environment/air-quality-hourly.csv",
                "size": 160 * MB,
            },
            {
                "title": "Stations (GeoJSON)",
                "format": "GEOJSON",
                "download": "/environment/air-quality-stations.geojson",
                "size": 12 * KB,
            },
        ],
    },
    {
        "org": "helsinki",
        "slug": "helsinki-sea-level-sensors",
        "title": "Sea level and flood warning levels along the shoreline",
        "description": _md("""
            Sea level measured every 10 minutes at sensors along Helsinki's shoreline, with the
            **flood warning thresholds** for each location (the level at which streets, basements
            and the metro entrances start to flood).

            New districts such as Jätkäsaari and Kalasatama are built on raised ground; the
            thresholds here apply to the older shoreline.
        """),
        "keywords": ["sea level", "flood warning", "coastal flooding", "sensors"],
        "themes": ["ENVI", "JUST"],
        "licence": "cc-by",
        "frequency": "15MIN",
        "temporal": (date(2020, 1, 1), None),
        "area": "helsinki-shore",
        "age": (560, 0),
        "distributions": [
            {
                "title": "Live sea levels (JSON)",
                "format": "JSON",
                "access": "https://api.hel.fi/sealevel/v1/",
            },
            {
                "title": "Sensors and warning thresholds",
                "format": "GEOJSON",
                "download": "/water/sea-level-thresholds.geojson",
                "size": 30 * KB,
            },
        ],
    },
    {
        "org": "helsinki",
        "slug": "helsinki-heat-island-risk",
        "title": "Urban heat island risk index",
        "description": _md("""
            A risk index combining surface temperature on hot days with the **vulnerability of the
            population** (age over 75, small children) and the distance to cool places such as
            parks and libraries.

            The method is being reviewed with the social and health services division before
            publication.
        """),
        "keywords": ["urban heat island", "heat risk", "vulnerability", "climate adaptation"],
        "themes": ["ENVI", "HEAL", "SOCI"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2024, 6, 1), date(2024, 8, 31)),
        "state": DRAFT,
        "distributions": [
            {
                "title": "Risk index per 250 m grid cell (GeoPackage)",
                "format": "GPKG",
                "download": "/climate/heat-risk-index.gpkg",
                "size": 14 * MB,
            },
        ],
    },
    # Turku -------------------------------------------------------------------------------------
    {
        "org": "turku",
        "slug": "turku-foli-gtfs",
        "title": "Föli public transport timetables (GTFS)",
        "description": _md("""
            Timetables of the Föli buses and the Föri ferry across the Aura river in **GTFS**,
            covering Turku, Kaarina, Raisio, Naantali, Lieto and Rusko.

            The static feed is regenerated every night. Real-time vehicle positions and trip
            updates are available as GTFS-Realtime through the Föli API.
        """),
        "keywords": ["GTFS", "public transport", "timetables", "buses", "Föli"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "DAILY",
        "temporal": (date(2016, 1, 1), None),
        "conforms_to": "https://gtfs.org/documentation/schedule/reference/",
        "contact": ("Föli open data", "foli-data@turku.example"),
        "age": (725, 0),
        "distributions": [
            {
                "title": "GTFS feed (ZIP)",
                "format": "ZIP",
                "download": "/transport/foli-gtfs.zip",
                "size": 14 * MB,
            },
            {
                "title": "Real-time vehicle positions (JSON)",
                "format": "JSON",
                "access": "/api/foli/vehicle-positions",
            },
        ],
    },
    {
        "org": "turku",
        "slug": "turku-bus-stops",
        "title": "Bus stops and shelters",
        "description": _md("""
            Locations of all Föli bus stops with their stop code, name in Finnish and Swedish,
            whether they have a shelter, a real-time display and step-free access.

            Stop accessibility was surveyed in 2023; stops added since then are marked as not yet
            surveyed.
        """),
        "keywords": ["bus stops", "public transport", "accessibility"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "MONTHLY",
        "temporal": (date(2023, 1, 1), None),
        "age": (610, 20),
        "distributions": [
            {
                "title": "Stops (GeoJSON)",
                "format": "GEOJSON",
                "download": "/transport/bus-stops.geojson",
                "size": 1_400 * KB,
            },
            {
                "title": "Stops (CSV)",
                "format": "CSV",
                "download": "/transport/bus-stops.csv",
                "size": 380 * KB,
            },
        ],
    },
    {
        "org": "turku",
        "slug": "turku-flood-risk-areas",
        "title": "Flood risk areas of the Aura river and the coast",
        "description": _md("""
            Areas flooded by the Aura river and by high sea levels at return periods of 1 in 50,
            1 in 100 and 1 in 250 years, with the buildings and roads inside each zone.

            The harbour and the river banks in the city centre are the most exposed areas; the
            maps guide the minimum building heights in the master plan.
        """),
        "keywords": ["flood risk", "Aura river", "sea level", "land use planning"],
        "themes": ["ENVI", "JUST"],
        "licence": "cc-by",
        "frequency": "IRREG",
        "temporal": (date(2022, 1, 1), date(2022, 12, 31)),
        "area": "turku-aura",
        "age": (530, 300),
        "distributions": [
            {
                "title": "Flood zones (GeoPackage)",
                "format": "GPKG",
                "download": "/environment/flood-zones.gpkg",
                "size": 22 * MB,
            },
            {
                "title": "Flood zones map (WMS)",
                "format": "WMS_SRVC",
                "access": "https://opaskartta.turku.fi/TeklaOGCWeb/WMS.ashx?layers=tulvariskialueet",
            },
        ],
    },
    {
        "org": "turku",
        "slug": "turku-solar-energy-potential",
        "title": "Solar energy potential of roofs",
        "description": _md("""
            Annual solar radiation on roofs in Turku, computed from laser-scanning data at 1 m
            resolution. The building summary gives the usable roof area and the estimated
            electricity yield for each building.

            Residents can look up their own roof in the city's solar map, which uses this data.
        """),
        "keywords": ["solar energy", "solar potential", "roofs", "renewable energy"],
        "themes": ["ENER"],
        "licence": "cc-by",
        "frequency": "IRREG",
        "temporal": (date(2021, 1, 1), date(2021, 12, 31)),
        "age": (660, 500),
        "distributions": [
            {
                "title": "Radiation grid (GeoTIFF)",
                "format": "GEOTIFF",
                "download": "/energy/solar-radiation.tif",
                "size": 740 * MB,
            },
            {
                "title": "Yield per building (GeoPackage)",
                "format": "GPKG",
                "download": "/energy/solar-buildings.gpkg",
                "size": 31 * MB,
            },
        ],
    },
    {
        "org": "turku",
        "slug": "turku-greenhouse-gas-emissions",
        "title": "Greenhouse gas emissions inventory",
        "description": _md("""
            Turku's yearly greenhouse gas emissions in tonnes of CO₂-equivalent, by sector:
            district heating, electricity, separate heating, road traffic, shipping, industry,
            agriculture and waste.

            The inventory tracks progress towards the city's target of **carbon neutrality by
            2029**. The report explains the method and the changes to earlier years.
        """),
        "keywords": ["greenhouse gas emissions", "carbon neutrality", "climate", "CO2"],
        "themes": ["ENVI", "ENER"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(1990, 1, 1), date(2024, 12, 31)),
        "version": "2024",
        "age": (695, 60),
        "distributions": [
            {
                "title": "Emissions by sector (Excel)",
                "format": "XLSX",
                "download": "/climate/ghg-inventory.xlsx",
                "size": 95 * KB,
            },
            {
                "title": "Emissions report",
                "format": "PDF",
                "download": "/climate/ghg-inventory-report.pdf",
                "size": 3 * MB,
            },
        ],
    },
    {
        "org": "turku",
        "slug": "turku-street-lighting-energy-pilot",
        "title": "Smart street lighting energy use (pilot)",
        "description": _md("""
            Energy use of the dimmable LED street lights in the Itäharju pilot area, per light and
            per hour, together with the dimming schedule.

            The pilot ends in autumn; the dataset will be published with the evaluation report.
        """),
        "keywords": ["street lighting", "LED", "energy efficiency", "pilot"],
        "themes": ["ENER"],
        "licence": "cc-by",
        "frequency": "DAILY",
        "temporal": (date(2025, 1, 1), None),
        "state": DRAFT,
        "distributions": [
            {
                "title": "Hourly energy per light (CSV)",
                "format": "CSV",
                "download": "/energy/street-lighting-pilot.csv",
                "size": 8 * MB,
            },
        ],
    },
    # Gdańsk ------------------------------------------------------------------------------------
    {
        "org": "gdansk",
        "slug": "gdansk-port-cargo-flows",
        "title": "Port of Gdańsk cargo flows by terminal",
        "description": _md("""
            Monthly cargo handled in the port of Gdańsk per terminal and cargo group: containers
            (in TEU and tonnes), coal, fuels, LNG, grain and other bulk, and general cargo.

            Since 2022 the port has taken over much of the region's fuel and coal imports; the
            monthly series shows the shift clearly. Figures are compiled with the port authority
            and may be used for **non-commercial purposes** only.
        """),
        "keywords": ["port", "cargo", "containers", "logistics", "Baltic Sea"],
        "themes": ["TRAN", "ECON"],
        "licence": "cc-nc",
        "frequency": "MONTHLY",
        "temporal": (date(2018, 1, 1), None),
        "area": "gdansk-port",
        "contact": ("Port and logistics unit", "port@gdansk.example"),
        "age": (690, 12),
        "distributions": [
            {
                "title": "Monthly cargo by terminal (CSV)",
                "format": "CSV",
                "download": "/port/cargo-monthly.csv",
                "size": 140 * KB,
            },
            {
                "title": "Monthly cargo by terminal (Excel)",
                "format": "XLSX",
                "download": "/port/cargo-monthly.xlsx",
                "size": 85 * KB,
            },
        ],
    },
    {
        "org": "gdansk",
        "slug": "gdansk-public-transport-gtfs",
        "title": "Public transport timetables (GTFS)",
        "description": _md("""
            Timetables of the trams and buses of ZTM Gdańsk in **GTFS**, including the routes to
            the airport and to the beaches of Brzeźno and Stogi.

            Published every day with the changes of the next two weeks. Real-time departures are
            available from the departures API.
        """),
        "keywords": ["GTFS", "public transport", "trams", "buses", "timetables"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "DAILY",
        "temporal": (date(2017, 1, 1), None),
        "conforms_to": "https://gtfs.org/documentation/schedule/reference/",
        "age": (720, 0),
        "distributions": [
            {
                "title": "GTFS feed (ZIP)",
                "format": "ZIP",
                "download": "/transport/ztm-gtfs.zip",
                "size": 19 * MB,
            },
            {"title": "Real-time departures (JSON)", "format": "JSON", "access": "/api/transport/departures"},
        ],
    },
    {
        "org": "gdansk",
        "slug": "gdansk-rain-gauges-retention",
        "title": "Rain gauges and retention reservoir levels",
        "description": _md("""
            Rainfall from about 30 rain gauges and the water levels of the city's **retention
            reservoirs**, measured every 5 minutes and published every 15 minutes.

            After the floods of 2001 and 2016 Gdańsk built more than 50 reservoirs to hold back
            storm water from the moraine hills. Together with the flood model, this data lets the
            digital twin forecast which reservoirs will overflow during a cloudburst.
        """),
        "keywords": ["rainfall", "storm water", "retention reservoirs", "flooding", "sensors"],
        "themes": ["ENVI", "JUST"],
        "licence": "cc-by",
        "frequency": "15MIN",
        "temporal": (date(2016, 8, 1), None),
        "age": (610, 0),
        "distributions": [
            {"title": "Live measurements (JSON)", "format": "JSON", "access": "/api/water/measurements"},
            {
                "title": "Gauges and reservoirs (GeoJSON)",
                "format": "GEOJSON",
                "download": "/water/gauges-reservoirs.geojson",
                "size": 95 * KB,
            },
            {
                "title": "History (CSV)",
                "format": "CSV",
                "download": "/water/measurements-history.csv",
                "size": 780 * MB,
            },
        ],
    },
    {
        "org": "gdansk",
        "slug": "gdansk-evacuation-routes",
        "title": "Emergency evacuation routes and assembly points",
        "description": _md("""
            Evacuation routes, assembly points and reception centres for the low-lying districts of
            Gdańsk in case of river flooding or a **storm surge** from the Baltic Sea.

            Routes are planned for people on foot and for buses; assembly points list their
            capacity and whether they are accessible by wheelchair. The leaflet is what residents
            receive from the crisis management centre.
        """),
        "keywords": ["evacuation", "emergency", "civil protection", "flooding", "storm surge"],
        "themes": ["JUST", "REGI"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2024, 1, 1), None),
        "area": "gdansk-lowlands",
        "contact": ("Crisis management centre", "crisis@gdansk.example"),
        "age": (450, 70),
        "distributions": [
            {
                "title": "Routes and assembly points (GeoJSON)",
                "format": "GEOJSON",
                "download": "/safety/evacuation.geojson",
                "size": 2_100 * KB,
            },
            {
                "title": "Residents' leaflet",
                "format": "PDF",
                "download": "/safety/evacuation-leaflet.pdf",
                "size": 4 * MB,
            },
        ],
    },
    {
        "org": "gdansk",
        "slug": "gdansk-air-quality",
        "title": "Air quality monitoring stations",
        "description": _md("""
            Hourly NO2, PM10, PM2.5, SO2 and ozone from the automatic monitoring stations in
            Gdańsk, operated together with the neighbouring cities of the Tricity.

            The stations near the port and the refinery help separate shipping and industrial
            emissions from road traffic.
        """),
        "keywords": ["air quality", "NO2", "PM10", "PM2.5", "monitoring stations"],
        "themes": ["ENVI", "HEAL"],
        "licence": "cc-by",
        "frequency": "HOURLY",
        "temporal": (date(2012, 1, 1), None),
        "age": (680, 0),
        "distributions": [
            {
                "title": "Hourly measurements (CSV)",
                "format": "CSV",
                "download": "/environment/air-quality.csv",
                "size": 120 * MB,
            },
        ],
    },
    {
        "org": "gdansk",
        "slug": "gdansk-building-footprints",
        "title": "Building footprints with heights",
        "description": _md("""
            Footprints of all buildings in Gdańsk with the number of storeys, the height of the
            eaves and the ridge from the 2023 laser scan, and the main use of the building.

            The footprints are the starting point of the city's LoD1 and LoD2 models. Shared under
            the ODbL so that improvements flow back.
        """),
        "keywords": ["buildings", "footprints", "building heights", "3D city model"],
        "themes": ["REGI"],
        "licence": "odc-odbl",
        "frequency": "ANNUAL",
        "temporal": (date(2023, 1, 1), date(2023, 12, 31)),
        "version": "2023.1",
        "age": (520, 210),
        "distributions": [
            {
                "title": "Footprints (GeoPackage)",
                "format": "GPKG",
                "download": "/buildings/footprints.gpkg",
                "size": 128 * MB,
            },
            {
                "title": "Footprints (WFS)",
                "format": "WFS_SRVC",
                "access": "https://gis.gdansk.pl/arcgis/services/wfs?typeName=budynki",
            },
        ],
    },
    # Wrocław -----------------------------------------------------------------------------------
    {
        "org": "wroclaw",
        "slug": "wroclaw-traffic-flow",
        "title": "Traffic flow from ITS detectors",
        "description": _md("""
            Vehicle counts and average speeds per 15 minutes from the detectors of Wrocław's
            **intelligent transport system** at signalised junctions and on the ring roads.

            Each record gives the detector, the lane, the number of vehicles and the share of heavy
            vehicles. Detectors with less than 90 % availability in an interval are flagged.
        """),
        "keywords": ["traffic", "traffic flow", "ITS", "detectors", "congestion"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "15MIN",
        "temporal": (date(2019, 1, 1), None),
        "age": (700, 0),
        "distributions": [
            {"title": "Traffic flow API (JSON)", "format": "JSON", "access": "/api/its/traffic-flow"},
            {
                "title": "Monthly archive (CSV)",
                "format": "CSV",
                "download": "/its/traffic-flow-monthly.csv",
                "size": 240 * MB,
            },
        ],
    },
    {
        "org": "wroclaw",
        "slug": "wroclaw-traffic-counts-2019",
        "title": "Manual traffic counts 2019",
        "description": _md("""
            Manual counts of cars, trucks, cyclists and pedestrians at 120 junctions, made over two
            weekdays in May 2019.

            **Withdrawn:** the counts contained errors at several junctions on the Odra bridges.
            The corrected figures are part of the ITS traffic flow dataset.
        """),
        "keywords": ["traffic counts", "junctions", "cyclists", "pedestrians"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "NEVER",
        "temporal": (date(2019, 5, 14), date(2019, 5, 15)),
        "state": WITHDRAWN,
        "age": (728, 380),
        "distributions": [
            {
                "title": "Counts per junction (Excel)",
                "format": "XLSX",
                "download": "/traffic/manual-counts-2019.xlsx",
                "size": 1_200 * KB,
            },
        ],
    },
    {
        "org": "wroclaw",
        "slug": "wroclaw-odra-flood-hazard",
        "title": "Odra flood hazard zones",
        "description": _md("""
            Flood hazard zones of the Odra and its tributaries (Oława, Ślęza, Bystrzyca, Widawa)
            for floods with probabilities of 10 %, 1 % and 0.2 % per year, with water depths.

            The **1997 flood** inundated a third of the city; since then the flood channels and
            polders have been rebuilt. The maps take the new defences into account.
        """),
        "keywords": ["flood hazard", "Odra", "flooding", "rivers", "climate adaptation"],
        "themes": ["ENVI", "JUST"],
        "licence": "cc-by",
        "frequency": "IRREG",
        "temporal": (date(2020, 1, 1), None),
        "area": "wroclaw-odra",
        "age": (640, 330),
        "distributions": [
            {
                "title": "Hazard zones (GeoPackage)",
                "format": "GPKG",
                "download": "/environment/flood-hazard.gpkg",
                "size": 54 * MB,
            },
            {
                "title": "Hazard map (WMS)",
                "format": "WMS_SRVC",
                "access": "https://geoportal.wroclaw.pl/mapy/ows?service=WMS&layers=zagrozenie_powodziowe",
            },
            {
                "title": "Methodology",
                "format": "PDF",
                "download": "/environment/flood-hazard-method.pdf",
                "size": 2_500 * KB,
            },
        ],
    },
    {
        "org": "wroclaw",
        "slug": "wroclaw-air-quality-sensors",
        "title": "Air quality sensor network (PM2.5, PM10)",
        "description": _md("""
            Particulate matter measured every 10 minutes by about 100 low-cost sensors on schools
            and lamp posts, published as hourly averages.

            Low-cost sensors over-read in humid weather; values are corrected against the
            reference station at ul. Wiśniowa. Use the reference stations for compliance checks
            and this network for the spatial picture, such as **low-emission heating** hot spots
            in winter.
        """),
        "keywords": ["air quality", "PM2.5", "low-cost sensors", "smog"],
        "themes": ["ENVI", "HEAL"],
        "licence": "odc-odbl",
        "frequency": "HOURLY",
        "temporal": (date(2021, 10, 1), None),
        "age": (590, 0),
        "distributions": [
            {
                "title": "Hourly averages (CSV)",
                "format": "CSV",
                "download": "/environment/air-sensors-hourly.csv",
                "size": 330 * MB,
            },
            {
                "title": "Sensor locations (GeoJSON)",
                "format": "GEOJSON",
                "download": "/environment/air-sensors.geojson",
                "size": 40 * KB,
            },
        ],
    },
    {
        "org": "wroclaw",
        "slug": "wroclaw-noise-map-2022",
        "title": "Acoustic map 2022",
        "description": _md("""
            Wrocław's strategic noise map for road, tram, rail, aircraft and industrial noise, made
            under the Environmental Noise Directive. Indicators: Lden and Lnight.

            The report estimates how many residents live above the limits and is the basis of the
            environmental noise programme.
        """),
        "keywords": ["noise", "acoustic map", "Lden", "health"],
        "themes": ["ENVI", "HEAL"],
        "licence": "cc-by",
        "frequency": "QUINQUENNIAL",
        "temporal": (date(2021, 1, 1), date(2021, 12, 31)),
        "conforms_to": "https://eur-lex.europa.eu/eli/dir/2002/49/oj",
        "age": (710, 560),
        "distributions": [
            {
                "title": "Noise contours (GeoPackage)",
                "format": "GPKG",
                "download": "/environment/noise-2022.gpkg",
                "size": 98 * MB,
            },
            {
                "title": "Acoustic map report",
                "format": "PDF",
                "download": "/environment/noise-2022-report.pdf",
                "size": 17 * MB,
            },
        ],
    },
    {
        "org": "wroclaw",
        "slug": "wroclaw-energy-municipal-buildings",
        "title": "Energy consumption of municipal buildings",
        "description": _md("""
            Yearly heat, electricity and gas consumption of the schools, kindergartens, offices and
            cultural buildings managed by the city, with their floor area and the year of their
            last thermal modernisation.

            Used to rank buildings for the next round of energy renovation.
        """),
        "keywords": ["energy consumption", "public buildings", "energy renovation", "schools"],
        "themes": ["ENER", "GOVE"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2018, 1, 1), date(2024, 12, 31)),
        "age": (620, 75),
        "distributions": [
            {
                "title": "Consumption per building (Excel)",
                "format": "XLSX",
                "download": "/energy/municipal-buildings.xlsx",
                "size": 420 * KB,
            },
            {
                "title": "Consumption per building (CSV)",
                "format": "CSV",
                "download": "/energy/municipal-buildings.csv",
                "size": 310 * KB,
            },
        ],
    },
    # Vilnius -----------------------------------------------------------------------------------
    {
        "org": "vilnius",
        "slug": "vilnius-public-transport-gtfs",
        "title": "Public transport timetables (GTFS)",
        "description": _md("""
            Timetables of the Vilnius buses and trolleybuses in **GTFS**, published by the
            municipal transport company.

            The feed also contains the shapes of the routes and the accessibility of stops.
        """),
        "keywords": ["GTFS", "public transport", "trolleybuses", "timetables"],
        "themes": ["TRAN"],
        "licence": "cc-by",
        "frequency": "WEEKLY",
        "temporal": (date(2018, 1, 1), None),
        "conforms_to": "https://gtfs.org/documentation/schedule/reference/",
        "age": (700, 4),
        "distributions": [
            {
                "title": "GTFS feed (ZIP)",
                "format": "ZIP",
                "download": "/transport/vilnius-gtfs.zip",
                "size": 11 * MB,
            },
        ],
    },
    {
        "org": "vilnius",
        "slug": "vilnius-apartment-building-renovation",
        "title": "Energy performance and renovation of apartment buildings",
        "description": _md("""
            The energy performance class of multi-apartment buildings in Vilnius, whether they have
            been renovated under the **modernisation programme**, and the measured heat consumption
            per m² before and after renovation.

            Most apartment blocks in Vilnius were built between 1960 and 1990 and use two to three
            times more heat than a renovated building. The data helps the city and residents'
            associations choose where to start.
        """),
        "keywords": ["energy performance", "renovation", "apartment buildings", "heat consumption"],
        "themes": ["ENER", "REGI"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2013, 1, 1), date(2024, 12, 31)),
        "age": (560, 110),
        "distributions": [
            {
                "title": "Buildings (CSV)",
                "format": "CSV",
                "download": "/energy/renovation-buildings.csv",
                "size": 6 * MB,
            },
            {
                "title": "Buildings (Excel)",
                "format": "XLSX",
                "download": "/energy/renovation-buildings.xlsx",
                "size": 4 * MB,
            },
        ],
    },
    {
        "org": "vilnius",
        "slug": "vilnius-land-surface-temperature",
        "title": "Summer land surface temperature",
        "description": _md("""
            Land surface temperature on clear summer days, derived from Landsat 8 and 9 thermal
            images at 30 m resolution and averaged over June to August.

            The map shows the **urban heat island** of the Old Town and the shopping districts, and
            the cooling effect of the Neris valley and the forests around the city.
        """),
        "keywords": ["land surface temperature", "urban heat island", "remote sensing", "Landsat"],
        "themes": ["ENVI", "HEAL"],
        "licence": "cc-by",
        "frequency": "ANNUAL",
        "temporal": (date(2019, 6, 1), date(2024, 8, 31)),
        "age": (470, 200),
        "distributions": [
            {
                "title": "Mean summer temperature (GeoTIFF)",
                "format": "GEOTIFF",
                "download": "/climate/lst-summer-mean.tif",
                "size": 28 * MB,
            },
        ],
    },
    {
        "org": "vilnius",
        "slug": "vilnius-shelters-evacuation",
        "title": "Public shelters and evacuation assembly points",
        "description": _md("""
            Public shelters and places for temporary sheltering in Vilnius, with their address,
            capacity and opening arrangements, and the assembly points for the evacuation of each
            eldership.

            Kept up to date by the civil protection unit of the municipality; the map for residents
            uses the same data.
        """),
        "keywords": ["civil protection", "shelters", "evacuation", "emergency"],
        "themes": ["JUST"],
        "licence": "cc-by",
        "frequency": "MONTHLY",
        "temporal": (date(2022, 3, 1), None),
        "contact": ("Civil protection unit", "civil-protection@vilnius.example"),
        "age": (520, 15),
        "distributions": [
            {
                "title": "Shelters (GeoJSON)",
                "format": "GEOJSON",
                "download": "/safety/shelters.geojson",
                "size": 480 * KB,
            },
            {
                "title": "Shelters (CSV)",
                "format": "CSV",
                "download": "/safety/shelters.csv",
                "size": 160 * KB,
            },
        ],
    },
    {
        "org": "vilnius",
        "slug": "vilnius-e-scooter-trips",
        "title": "Shared e-scooter trips",
        "description": _md("""
            Trips made with shared e-scooters in Vilnius: start and end time, start and end
            location, distance and operator.

            Start and end points of trips can reveal where people live and work, so the data
            **contains personal data**. It will be shared only with researchers under an agreement;
            a public version aggregated to 250 m cells is being prepared.
        """),
        "keywords": ["micromobility", "e-scooters", "shared mobility", "trips"],
        "themes": ["TRAN"],
        "licence": "cc-nc",
        "access_rights": RESTRICTED,
        "personal_data": True,
        "frequency": "MONTHLY",
        "temporal": (date(2023, 4, 1), None),
        "area": "vilnius-old-town",
        "state": DRAFT,
        "distributions": [
            {
                "title": "Trips (Parquet)",
                "format": "PARQUET",
                "download": "/mobility/e-scooter-trips.parquet",
                "size": 640 * MB,
            },
        ],
    },
]


# --- Loader -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """How much of the demo content is in the database."""

    organisations: int
    datasets: int
    published: int
    users: int

    def __str__(self) -> str:
        return (
            f"Demo: {self.organisations} organisations, {self.datasets} datasets "
            f"({self.published} published), {self.users} users"
        )


def demo_logins() -> list[dict[str, str]]:
    """The demo logins (e-mail, password, role, what to try), in the order of USERS."""
    return [
        {"email": user["email"], "password": DEMO_PASSWORD, "role": user["role"], "try": user["try"]}
        for user in USERS
    ]


def demo_summary() -> DemoSummary:
    """Count the demo organisations, datasets and users present in the database."""
    datasets = Dataset.objects.filter(slug__in=[spec["slug"] for spec in DATASETS])
    return DemoSummary(
        organisations=Organization.objects.filter(slug__in=[org["slug"] for org in ORGANISATIONS]).count(),
        datasets=datasets.count(),
        published=datasets.filter(status=PUBLISHED).count(),
        users=User.objects.filter(email__in=[user["email"] for user in USERS]).count(),
    )


def load_demo(*, now: datetime | None = None) -> DemoSummary:
    """Create or update all demo content in one transaction; safe to run again.

    Metadata is overwritten with the demo's; existing users keep their passwords, and datasets
    or distributions added by hand are left alone. Publication dates are spread backwards from
    `now` (default: the current time).
    """
    now = now or timezone.now()
    with transaction.atomic():
        vocabularies.sync(django_apps)
        organisations = _load_organisations()
        users = _load_users(organisations=organisations)
        _load_programme(organisations=organisations, users=users)
        editors = _editors(organisations=organisations, users=users)
        for spec in DATASETS:
            organisation = organisations[spec["org"]]
            _load_dataset(spec=spec, organisation=organisation, actor=editors[organisation.slug], now=now)
        for extension in DEMO_EXTENSIONS:
            extension(organisations=organisations, editors=editors, now=now)
    return demo_summary()


def _load_organisations() -> dict[str, Organization]:
    organisations = {}
    for spec in ORGANISATIONS:
        fields = {key: value for key, value in spec.items() if key != "slug"}
        organisation = Organization.objects.filter(slug=spec["slug"]).first() or Organization(
            slug=spec["slug"]
        )
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.full_clean()
        organisation.save()
        organisations[organisation.slug] = organisation
    return organisations


def _load_users(*, organisations: dict[str, Organization]) -> dict[str, User]:
    from allauth.account.models import EmailAddress

    users = {}
    password_hash = ""  # hashed once, only if a user is new: the hasher is slow on purpose
    for spec in USERS:
        email = spec["email"].lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User(email=email, password=password_hash)
        superuser = spec.get("superuser", False)
        user.full_name = spec["full_name"]
        user.is_staff = user.is_superuser = superuser
        user.is_active = True
        user.save()
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None:
            address = EmailAddress(user=user, email=email)
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
        address.verified = address.primary = True
        address.save()
        for org_slug, role in spec["memberships"]:
            membership_set(organization=organisations[org_slug], user=user, role=role)
        users[email] = user
    return users


def _load_programme(*, organisations: dict[str, Organization], users: dict[str, User]) -> Programme:
    programme, _created = Programme.objects.update_or_create(
        slug=PROGRAMME["slug"],
        defaults={
            "name": PROGRAMME["name"],
            "description": PROGRAMME["description"],
            "website": PROGRAMME["website"],
        },
    )
    programme.organizations.add(*[organisations[slug] for slug in PROGRAMME["organizations"]])
    programme.coordinators.add(*[users[email] for email in PROGRAMME["coordinators"]])
    return programme


def _editors(*, organisations: dict[str, Organization], users: dict[str, User]) -> dict[str, User]:
    """The demo user who publishes each organisation's datasets: its first editor (else its admin)."""
    editors: dict[str, User] = {}
    for wanted in (Role.EDITOR, Role.ADMIN):
        for spec in USERS:
            for org_slug, role in spec["memberships"]:
                if role == wanted and org_slug in organisations:
                    editors.setdefault(org_slug, users[spec["email"]])
    return editors


def _absolute(*, url: str, city: dict[str, Any]) -> str:
    return city["data"] + url if url.startswith("/") else url


def _dataset_fields(*, spec: dict[str, Any], organisation: Organization) -> dict[str, Any]:
    city = CITIES[organisation.slug]
    place, bbox = AREAS[spec["area"]] if "area" in spec else (city["place"], city["bbox"])
    west, south, east, north = bbox
    contact_name, contact_email = spec.get(
        "contact", (f"Open data team, {organisation.name}", organisation.email)
    )
    temporal_start, temporal_end = spec["temporal"]
    local_name = spec["slug"].removeprefix(organisation.slug + "-")
    return {
        "slug": spec["slug"],
        "title": spec["title"],
        "description": spec["description"],
        "contact_name": contact_name,
        "contact_email": contact_email,
        "spatial_name": place,
        "bbox_west": west,
        "bbox_south": south,
        "bbox_east": east,
        "bbox_north": north,
        "temporal_start": temporal_start,
        "temporal_end": temporal_end,
        "accrual_periodicity": Frequency.objects.get(code=spec["frequency"]),
        "languages": list(city["languages"]),
        "version": spec.get("version", ""),
        "landing_page": f"{city['data']}/dataset/{local_name}",
        "conforms_to": spec.get("conforms_to", ""),
        "access_rights": spec.get("access_rights", PUBLIC),
        "licence": Licence.objects.get(id=spec["licence"]),
        "contains_personal_data": spec.get("personal_data", False),
    }


def _load_dataset(*, spec: dict[str, Any], organisation: Organization, actor: User, now: datetime) -> Dataset:
    fields = _dataset_fields(spec=spec, organisation=organisation)
    dataset = Dataset.objects.filter(slug=spec["slug"]).first()
    if dataset is None:
        dataset = dataset_create(
            publisher=organisation, actor=actor, keywords=spec["keywords"], themes=spec["themes"], **fields
        )
    else:
        dataset = dataset_update(
            dataset=dataset, actor=actor, keywords=spec["keywords"], themes=spec["themes"], **fields
        )
    _load_distributions(dataset=dataset, specs=spec["distributions"], actor=actor, organisation=organisation)
    dataset = _apply_state(dataset=dataset, state=spec.get("state", PUBLISHED), actor=actor)
    if "age" in spec and dataset.status != DRAFT:
        _backdate(dataset=dataset, age=spec["age"], now=now)
    return dataset


def _load_distributions(
    *, dataset: Dataset, specs: list[dict[str, Any]], actor: User, organisation: Organization
) -> None:
    city = CITIES[organisation.slug]
    existing = {distribution.title: distribution for distribution in dataset.distributions.all()}
    for position, spec in enumerate(specs):
        file_type = FileType.objects.get(code=spec["format"])
        fields = {
            "description": spec.get("description", ""),
            "download_url": _absolute(url=spec["download"], city=city) if "download" in spec else "",
            "access_url": _absolute(url=spec["access"], city=city) if "access" in spec else "",
            "format": file_type,
            "media_type": file_type.media_type,
            "byte_size": spec.get("size"),
            "position": position,
        }
        distribution = existing.get(spec["title"])
        if distribution is None:
            distribution_create(dataset=dataset, actor=actor, title=spec["title"], **fields)
        else:
            distribution_update(distribution=distribution, actor=actor, **fields)


def _apply_state(*, dataset: Dataset, state: str, actor: User) -> Dataset:
    """Bring a dataset to its demo state through the legal transitions.

    A demo draft that someone has since published stays published: nothing un-publishes.
    """
    if state == PUBLISHED and dataset.status != PUBLISHED:
        dataset = dataset_publish(dataset=dataset, actor=actor)
    elif state == WITHDRAWN and dataset.status != WITHDRAWN:
        if dataset.status == DRAFT:
            dataset = dataset_publish(dataset=dataset, actor=actor)
        dataset = dataset_withdraw(dataset=dataset, actor=actor)
    return dataset


def _backdate(*, dataset: Dataset, age: tuple[int, int], now: datetime) -> None:
    """Spread the demo's publication history over the past: first issued and last modified."""
    issued_days, modified_days = age
    # Published at a plausible office hour; modified no earlier than issued.
    issued_day = (now - timedelta(days=issued_days)).date()
    published_at = timezone.make_aware(datetime.combine(issued_day, time(9, 30)))
    modified = max(now - timedelta(days=modified_days, hours=3), published_at)
    Dataset.objects.filter(pk=dataset.pk).update(
        issued=issued_day, published_at=published_at, modified=modified, updated_at=modified
    )
