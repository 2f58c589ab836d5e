"""Demo data requests and showcases: what companies and researchers ask the demo cities for, some of
it already answered by demo datasets, and the reuses built on them. Idempotent (keyed by title)."""

import datetime
import logging

from accounts.models import User
from catalog.models import Dataset, FileType, Frequency, Theme

from . import services
from .choices import RequestStatus, ShowcaseStatus
from .models import DataRequest, Showcase
from .recommendations import similar_refresh_all

logger = logging.getLogger(__name__)

GDANSK = (18.43, 54.27, 18.95, 54.45)
VILNIUS = (25.02, 54.57, 25.48, 54.83)
TURKU = (22.05, 60.37, 22.45, 60.55)
ROTTERDAM = (4.35, 51.85, 4.60, 51.99)
WROCLAW = (16.80, 51.04, 17.18, 51.21)

REQUESTS = [
    {
        "title": "Hourly parking occupancy in Gdańsk",
        "org": "mobility-insights",
        "author": "jonas@mobility.example",
        "description": "Occupancy of public car parks and on-street parking zones in Gdańsk, per hour, "
        "ideally as a live feed with a year of history. We want to route drivers to free spaces and "
        "cut search traffic in the city centre.",
        "themes": ["TRAN"],
        "bbox": GDANSK,
        "spatial_name": "Gdańsk",
        "formats": ["CSV", "JSON"],
        "frequency": "HOURLY",
        "intended_use": "Parking guidance in the Mobility Insights route planner.",
        "willing_to_pay": True,
        "addressed_to": "gdansk",
        "votes": ["aiste@balticport.example", "sofia@urbantwin.example", "marta@sctwins.example"],
        "comments": [
            (
                "aiste@balticport.example",
                "We would use this too, for port-area parking near the ferry terminal.",
            ),
            ("katarzyna@gdansk.example", "The parking zone operator has sensor data; we are asking them."),
        ],
    },
    {
        "title": "3D buildings with roof orientation for Vilnius solar study",
        "org": "urban-twin-research",
        "author": "sofia@urbantwin.example",
        "description": "A 3D building model (LoD2) of Vilnius with roof surfaces — tilt and orientation — so "
        "that we can estimate rooftop solar potential per building for the city's climate plan.",
        "themes": ["ENER", "REGI"],
        "bbox": VILNIUS,
        "spatial_name": "Vilnius",
        "formats": ["JSON"],
        "intended_use": "Rooftop solar potential study (open results).",
        "addressed_to": "vilnius",
        "votes": ["jonas@mobility.example"],
        "respond": {
            "by": "ruta@vilnius.example",
            "status": RequestStatus.PLANNED,
            "planned_for": datetime.date(2026, 9, 30),
            "response": "The LoD2 model is being produced with the cadastre; roof attributes are included.",
        },
    },
    {
        "title": "E-scooter trips in Vilnius by hour",
        "org": "baltic-port-analytics",
        "author": "aiste@balticport.example",
        "description": "Anonymised shared e-scooter trips (start, end, time) in Vilnius to study the last "
        "mile between public transport stops and workplaces.",
        "themes": ["TRAN"],
        "bbox": VILNIUS,
        "spatial_name": "Vilnius",
        "formats": ["CSV"],
        "votes": ["jonas@mobility.example"],
    },
    {
        "title": "Turku public transport timetables as GTFS",
        "org": "mobility-insights",
        "author": "jonas@mobility.example",
        "description": "Föli's stops, routes and timetables in GTFS so that Turku can be added to our "
        "multimodal journey planner.",
        "themes": ["TRAN"],
        "bbox": TURKU,
        "spatial_name": "Turku",
        "formats": ["ZIP"],
        "frequency": "WEEKLY",
        "respond": {
            "by": "ilkka@turku.example",
            "status": RequestStatus.FULFILLED,
            "dataset": "turku-foli-gtfs",
            "response": "Föli publishes the GTFS feed weekly.",
        },
    },
    {
        "title": "Heat stress per neighbourhood in Rotterdam",
        "org": "urban-twin-research",
        "author": "sofia@urbantwin.example",
        "description": "Modelled heat stress (felt temperature) per neighbourhood of Rotterdam for a heat "
        "wave scenario, to compare with tree cover.",
        "themes": ["ENVI", "HEAL"],
        "bbox": ROTTERDAM,
        "spatial_name": "Rotterdam",
        "respond": {
            "by": "anna@rotterdam.example",
            "status": RequestStatus.PLANNED,
            "planned_for": datetime.date(2026, 6, 1),
            "response": "The 2025 heat stress map is being checked and will be published in spring.",
        },
    },
    {
        "title": "Noise levels along Wrocław's main roads",
        "org": "mobility-insights",
        "author": "jonas@mobility.example",
        "description": "Road traffic noise (Lden) along the main roads of Wrocław, to weigh quiet routes "
        "for cyclists.",
        "themes": ["ENVI"],
        "bbox": WROCLAW,
        "spatial_name": "Wrocław",
        "respond": {
            "by": "tomasz@wroclaw.example",
            "status": RequestStatus.FULFILLED,
            "dataset": "wroclaw-noise-map-2022",
            "response": "The strategic noise map covers all main roads.",
        },
    },
    {
        "title": "Air quality sensor readings in Gdańsk",
        "org": "urban-twin-research",
        "author": "sofia@urbantwin.example",
        "description": "PM2.5, PM10 and NO2 from the city's monitoring stations in Gdańsk, hourly.",
        "themes": ["ENVI", "HEAL"],
        "bbox": GDANSK,
        "spatial_name": "Gdańsk",
        "votes": ["aiste@balticport.example"],
        "respond": {
            "by": "katarzyna@gdansk.example",
            "status": RequestStatus.FULFILLED,
            "dataset": "gdansk-air-quality",
        },
    },
    {
        "title": "Electricity use of every household in Wrocław",
        "org": "baltic-port-analytics",
        "author": "aiste@balticport.example",
        "description": "Smart-meter readings per household in Wrocław, every 15 minutes.",
        "themes": ["ENER"],
        "bbox": WROCLAW,
        "spatial_name": "Wrocław",
        "willing_to_pay": True,
        "respond": {
            "by": "tomasz@wroclaw.example",
            "status": RequestStatus.DECLINED,
            "response": "Household readings are personal data; see the energy use of municipal buildings.",
        },
    },
]

SHOWCASES = [
    {
        "title": "Baltic multimodal journey planner",
        "kind": "application",
        "org": "mobility-insights",
        "author": "jonas@mobility.example",
        "description": "Door-to-door journeys combining buses, trams and e-scooters in Gdańsk, Vilnius and "
        "Turku, built on the cities' GTFS feeds.",
        "url": "https://planner.mobility.example/",
        "datasets": [
            "gdansk-public-transport-gtfs",
            "vilnius-public-transport-gtfs",
            "turku-foli-gtfs",
            "vilnius-e-scooter-trips",
        ],  # fmt: skip
        "feature_by": "ilkka@turku.example",
    },
    {
        "title": "Solar roofs atlas of the North Sea and Baltic cities",
        "kind": "visualisation",
        "org": "urban-twin-research",
        "author": "sofia@urbantwin.example",
        "description": "An interactive map comparing the rooftop solar potential of Rotterdam and Turku, "
        "drawn over the 3D city models.",
        "url": "https://atlas.urbantwin.example/solar",
        "datasets": [
            "rotterdam-solar-potential-roofs",
            "turku-solar-energy-potential",
            "rotterdam-3d-city-model",
            "helsinki-3d-city-model",
        ],  # fmt: skip
        "feature_by": "anna@rotterdam.example",
    },
    {
        "title": "Urban heat islands and tree cover: a four-city comparison",
        "kind": "paper",
        "org": "urban-twin-research",
        "author": "sofia@urbantwin.example",
        "description": "A research paper relating modelled heat stress and land surface temperature to tree "
        "cover in Rotterdam, Amsterdam, Helsinki and Vilnius.",
        "url": "https://doi.example.org/10.1234/uhi-2026",
        "datasets": [
            "rotterdam-heat-stress-2025",
            "amsterdam-trees",
            "helsinki-heat-island-risk",
            "vilnius-land-surface-temperature",
        ],  # fmt: skip
    },
    {
        "title": "Cloudburst scenario for Gdańsk",
        "kind": "scenario",
        "org": "urban-twin-research",
        "author": "sofia@urbantwin.example",
        "description": "A digital-twin scenario: a 100 mm cloudburst, the retention tanks' response and the "
        "evacuation routes that stay passable.",
        "datasets": [
            "gdansk-rain-gauges-retention",
            "gdansk-evacuation-routes",
            "gdansk-building-footprints",
        ],
    },
    {
        "title": "Port congestion dashboard",
        "kind": "analysis",
        "org": "baltic-port-analytics",
        "author": "aiste@balticport.example",
        "description": "Weekly analysis of cargo flows and vessel waiting times in Gdańsk and Rotterdam.",
        "datasets": ["gdansk-port-cargo-flows", "rotterdam-port-cargo-throughput"],
    },
]


def _users(emails) -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__in=list(emails))}


def load_demand_demo(*, organisations, editors, now) -> None:
    """Demo requests (open, planned, fulfilled, declined) and showcases; then the similar datasets."""
    emails = set()
    for spec in REQUESTS:
        emails |= {spec["author"], *spec.get("votes", []), *(a for a, _t in spec.get("comments", []))}
        if "respond" in spec:
            emails.add(spec["respond"]["by"])
    for spec in SHOWCASES:
        emails |= {spec["author"], spec.get("feature_by", spec["author"])}
    users = _users(emails)
    datasets = {d.slug: d for d in Dataset.objects.published()}
    for spec in REQUESTS:
        _load_request(spec, organisations=organisations, users=users, datasets=datasets)
    for spec in SHOWCASES:
        _load_showcase(spec, organisations=organisations, users=users, datasets=datasets)
    similar_refresh_all()


def _load_request(spec, *, organisations, users, datasets) -> None:
    organisation, author = organisations.get(spec["org"]), users.get(spec["author"])
    if organisation is None or author is None or DataRequest.objects.filter(title=spec["title"]).exists():
        return
    data_request = services.data_request_create(
        actor=author,
        organization=organisation,
        title=spec["title"],
        description=spec["description"],
        themes=list(Theme.objects.filter(pk__in=spec.get("themes", []))),
        formats=list(FileType.objects.filter(pk__in=spec.get("formats", []))),
        bbox=spec.get("bbox"),
        spatial_name=spec.get("spatial_name", ""),
        intended_use=spec.get("intended_use", ""),
        willing_to_pay=spec.get("willing_to_pay", False),
        frequency=Frequency.objects.filter(pk=spec.get("frequency")).first(),
        addressed_to=organisations.get(spec.get("addressed_to", "")),
    )
    for email in spec.get("votes", []):
        if email in users:
            services.data_request_upvote(data_request=data_request, user=users[email])
    for email, body in spec.get("comments", []):
        if email in users:
            services.comment_create(data_request=data_request, author=users[email], body=body)
    answer = spec.get("respond")
    if answer and answer["by"] in users:
        dataset = datasets.get(answer.get("dataset", ""))
        if answer.get("dataset") and dataset is None:
            return  # the answering dataset is not in this catalogue: leave the request open
        services.data_request_respond(
            data_request=data_request,
            actor=users[answer["by"]],
            status=answer["status"],
            response=answer.get("response", ""),
            planned_for=answer.get("planned_for"),
            dataset=dataset,
        )


def _load_showcase(spec, *, organisations, users, datasets) -> None:
    organisation, author = organisations.get(spec["org"]), users.get(spec["author"])
    if organisation is None or author is None or Showcase.objects.filter(title=spec["title"]).exists():
        return
    showcase = services.showcase_create(
        actor=author,
        organization=organisation,
        title=spec["title"],
        kind=spec["kind"],
        description=spec["description"],
        url=spec.get("url", ""),
        status=ShowcaseStatus.PUBLISHED,
        datasets=[datasets[slug] for slug in spec["datasets"] if slug in datasets],
    )
    featurer = users.get(spec.get("feature_by", ""))
    if featurer is not None:
        services.showcase_feature(showcase=showcase, actor=featurer)
