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
from .models import Dataset, Distribution, FileType, Frequency, Licence
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

PUBLISHED, DRAFT, WITHDRAWN = DatasetStatus.PUBLISHED, DatasetStatus.DRAFT, DatasetStatus.WITHDRAWN
PUBLIC, RESTRICTED, NON_PUBLIC = AccessRights.PUBLIC, AccessRights.RESTRICTED, AccessRights.NON_PUBLIC

GB = 1_000_000_000
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
