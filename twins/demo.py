"""Demo twins and models (called from catalog.demo.load_demo through DEMO_EXTENSIONS; idempotent).

Every demo city gets a twin. Rotterdam's port twin and Helsinki's energy twin have DTDL models written
for the demo (quays, cranes, berths, vessels; buildings, substations, district heating), Helsinki has a
CityJSON 2.0 building model, and Turku publishes an NGSI-LD Smart Data Model with examples.
"""

import io
import json
import zipfile
from typing import Any

from django.core.files.base import ContentFile

from catalog.choices import DatasetStatus
from catalog.models import Dataset, Licence

from . import services
from .choices import AccessRights, JobStatus, ModelKind, PublicationStatus, ServiceKind
from .models import CityTwin, TwinModel, TwinService

# --- DTDL helpers ---------------------------------------------------------------------------------


def _prop(name, schema, description="", writable=False, **extra):
    item = {"@type": "Property", "name": name, "schema": schema}
    if description:
        item["description"] = description
    if writable:
        item["writable"] = True
    item.update(extra)
    return item


def _tel(name, schema, description="", semantic=None):
    item = {"@type": ["Telemetry", semantic] if semantic else "Telemetry", "name": name, "schema": schema}
    if description:
        item["description"] = description
    return item


def _rel(name, target, description="", max_multiplicity=None):
    item = {"@type": "Relationship", "name": name, "target": target}
    if description:
        item["description"] = description
    if max_multiplicity:
        item["maxMultiplicity"] = max_multiplicity
    return item


def _comp(name, schema, description=""):
    item = {"@type": "Component", "name": name, "schema": schema}
    if description:
        item["description"] = description
    return item


def _enum(*values, value_schema="string"):
    return {
        "@type": "Enum",
        "valueSchema": value_schema,
        "enumValues": [
            {"name": v, "enumValue": v if value_schema == "string" else i} for i, v in enumerate(values, 1)
        ],
    }


def _iface(dtmi, display, description, contents, *, context="dtmi:dtdl:context;3", extends=None):
    interface = {
        "@context": context,
        "@id": dtmi,
        "@type": "Interface",
        "displayName": display,
        "description": description,
    }
    if extends:
        interface["extends"] = extends
    interface["contents"] = contents
    return interface


P = "dtmi:nl:rotterdam:port:"
POINT3 = {
    "@type": "Object",
    "fields": [
        {"name": "x", "schema": "double"},
        {"name": "y", "schema": "double"},
        {"name": "z", "schema": "double"},
    ],
}


def rotterdam_port_interfaces() -> list[dict]:
    """The port twin's asset model (DTDL v3): terminals, quays, berths, cranes, vessels, meters."""
    return [
        _iface(
            f"{P}Asset;1",
            "Port asset",
            "Anything the Port Authority operates or leases.",
            [
                _prop("assetId", "string", "Asset register identifier."),
                _prop("name", "string"),
                _prop("operator", "string", "Operating company (terminal operator or the Port Authority)."),
                _prop("commissionedOn", "date"),
                _prop("location", "point", "WGS 84 position."),
                _rel("maintainedBy", f"{P}MaintenanceContract;1"),
            ],
        ),
        _iface(
            f"{P}MaintenanceContract;1",
            "Maintenance contract",
            "Who maintains an asset, until when.",
            [
                _prop("contractor", "string"),
                _prop("validUntil", "date"),
                _prop("slaHours", "integer"),
            ],
        ),
        _iface(
            f"{P}Terminal;1",
            "Terminal",
            "A cargo terminal with its quays.",
            [
                _prop("terminalCode", "string", "UN/LOCODE-based terminal code, e.g. NLRTM-ECTDELTA."),
                _prop("cargoType", _enum("container", "dryBulk", "liquidBulk", "roro", "breakBulk")),
                _prop("capacityTEU", "integer", "Yearly handling capacity in TEU."),
                _rel("hasQuay", f"{P}Quay;1"),
            ],
            extends=f"{P}Asset;1",
        ),
        _iface(
            f"{P}Quay;1",
            "Quay",
            "A quay wall with berths and cranes.",
            [
                _prop("lengthM", "double"),
                _prop("designDepthM", "double", "Depth below NAP at the quay."),
                _prop("bollards", "integer"),
                _prop("maxBollardPullT", "double"),
                _tel("settlementMm", "double", "Measured settlement of the quay wall."),
                _rel("hasBerth", f"{P}Berth;1"),
                _rel("hasCrane", f"{P}QuayCrane;1"),
            ],
            extends=f"{P}Asset;1",
        ),
        _iface(
            f"{P}Berth;1",
            "Berth",
            "A berth along a quay.",
            [
                _prop("berthNumber", "string"),
                _prop("maxDraughtM", "double"),
                _prop("maxLengthM", "double"),
                _tel("occupied", "boolean"),
                _rel("occupiedBy", f"{P}Vessel;1", max_multiplicity=1),
                _comp("mooring", f"{P}MooringSensor;1", "Load sensors on the berth's bollards."),
            ],
            extends=f"{P}Asset;1",
        ),
        _iface(
            f"{P}MooringSensor;1",
            "Mooring load sensor",
            "Smart bollard hook load cells.",
            [
                _tel("lineLoadKn", "double"),
                _tel("alarm", _enum("none", "warning", "critical")),
                _prop("thresholdKn", "double", writable=True),
            ],
        ),
        _iface(
            f"{P}QuayCrane;1",
            "Ship-to-shore crane",
            "A quay crane with its power meter.",
            [
                _prop("craneNumber", "string"),
                _prop("outreachM", "double"),
                _prop("safeWorkingLoadT", "double"),
                _tel("hoistLoadT", "double", "Load on the spreader."),
                _tel("spreaderPosition", POINT3),
                _tel("state", _enum("idle", "loading", "discharging", "maintenance", "fault")),
                _tel("windSpeed", "double", "Anemometer on the boom (m/s)."),
                {"@type": "Command", "name": "emergencyStop", "description": "Stop all crane motions."},
                {
                    "@type": "Command",
                    "name": "setWindLimit",
                    "request": {"name": "limit", "schema": "double"},
                    "response": {"name": "accepted", "schema": "boolean"},
                },
                _comp("powerMeter", f"{P}EnergyMeter;1"),
                _rel("servesBerth", f"{P}Berth;1"),
            ],
            extends=f"{P}Asset;1",
        ),
        _iface(
            f"{P}EnergyMeter;1",
            "Energy meter",
            "Electricity meter (shore power, cranes).",
            [
                _prop("meterId", "string"),
                _tel("activePowerKw", "double"),
                _tel("energyKwh", "double"),
            ],
        ),
        _iface(
            f"{P}ShorePowerStation;1",
            "Shore power station",
            "Shore power connection for vessels at berth.",
            [
                _prop("ratedPowerMva", "double"),
                _prop("frequencyHz", _enum("50", "60")),
                _comp("meter", f"{P}EnergyMeter;1"),
                _rel("atBerth", f"{P}Berth;1"),
            ],
            extends=f"{P}Asset;1",
        ),
        _iface(
            f"{P}Vessel;1",
            "Vessel",
            "A sea-going or inland vessel calling at the port.",
            [
                _prop("imo", "string", "IMO number."),
                _prop("mmsi", "string"),
                _prop("vesselName", "string"),
                _prop("vesselType", _enum("container", "tanker", "bulkCarrier", "roro", "cruise", "inland")),
                _prop("lengthOverallM", "double"),
                _prop("grossTonnage", "integer"),
                _tel("position", "point"),
                _tel("draughtM", "double"),
                _tel("speedKn", "double"),
                _prop("eta", "dateTime", writable=True),
                _rel("destinationBerth", f"{P}Berth;1", max_multiplicity=1),
                _rel(
                    "reportedBy",
                    "dtmi:int:imo:ais:AisStation;1",
                    "The AIS base station that last saw the vessel.",
                ),
            ],
        ),
    ]


H = "dtmi:fi:helsinki:energy:"


def helsinki_energy_interfaces() -> list[dict]:
    """The energy twin's model (DTDL v2): buildings, electricity substations, district heating."""
    v2 = "dtmi:dtdl:context;2"
    return [
        _iface(
            f"{H}EnergyAsset;1",
            "Energy asset",
            "Common properties of energy network assets.",
            [
                _prop("assetId", "string"),
                _prop("owner", "string"),
                _prop("location", "point"),
                _prop("installedOn", "date"),
            ],
            context=v2,
        ),
        _iface(
            f"{H}Building;1",
            "Building",
            "A building with its energy use (Helsinki Energy and Climate Atlas).",
            [
                _prop("permanentBuildingId", "string", "Finnish permanent building identifier (VTJ-PRT)."),
                _prop("address", "string"),
                _prop("yearBuilt", "integer"),
                _prop("heatedAreaM2", "double"),
                _prop("energyClass", _enum("A", "B", "C", "D", "E", "F", "G")),
                _prop(
                    "mainHeating",
                    _enum("districtHeating", "groundSourceHeatPump", "electric", "oil", "other"),
                ),
                _tel("heatConsumptionKw", "double"),
                _tel("electricityConsumptionKw", "double"),
                _tel("indoorTemperatureC", "double"),
                _comp("heatMeter", f"{H}DistrictHeatingMeter;1"),
                _comp("solar", f"{H}SolarPanelArray;1"),
                _rel("connectedTo", f"{H}Substation;1", max_multiplicity=1),
                _rel("heatedBy", f"{H}DistrictHeatingSubstation;1", max_multiplicity=1),
                _rel(
                    "inDistrict",
                    "dtmi:fi:helsinki:city:District;1",
                    "Statistical district (external city model).",
                ),
            ],
            context=v2,
        ),
        _iface(
            f"{H}Substation;1",
            "Secondary substation",
            "A 20/0.4 kV secondary substation.",
            [
                _prop("substationId", "string"),
                _prop("voltageLevel", _enum("lv", "mv", "hv")),
                _prop("ratedPowerKva", "double"),
                _tel("loadKw", "double"),
                _tel("transformerTemperatureC", "double"),
                _tel("state", _enum("normal", "overload", "outage")),
                {
                    "@type": "Command",
                    "name": "requestReading",
                    "response": {"name": "loadKw", "schema": "double"},
                },
                _rel("feeds", f"{H}Building;1"),
                _rel("suppliedBy", f"{H}GridFeeder;1", max_multiplicity=1),
            ],
            extends=f"{H}EnergyAsset;1",
            context=v2,
        ),
        _iface(
            f"{H}GridFeeder;1",
            "Medium-voltage feeder",
            "A 20 kV feeder from a primary substation.",
            [
                _prop("feederCode", "string"),
                _prop("primarySubstation", "string"),
                _tel("currentA", "double"),
            ],
            extends=f"{H}EnergyAsset;1",
            context=v2,
        ),
        _iface(
            f"{H}HeatingAsset;1",
            "District heating asset",
            "District heating network assets.",
            [
                _prop("networkArea", "string"),
                _tel("supplyTemperatureC", "double"),
                _tel("returnTemperatureC", "double"),
            ],
            extends=f"{H}EnergyAsset;1",
            context=v2,
        ),
        _iface(
            f"{H}DistrictHeatingSubstation;1",
            "District heating substation",
            "Heat exchanger in a building.",
            [
                _prop("ratedPowerKw", "double"),
                _tel("heatFlowKw", "double"),
                _rel("serves", f"{H}Building;1"),
            ],
            extends=f"{H}HeatingAsset;1",
            context=v2,
        ),
        _iface(
            f"{H}DistrictHeatingMeter;1",
            "Heat meter",
            "Billing heat meter.",
            [
                _prop("meterId", "string"),
                _tel("energyMwh", "double"),
                _tel("volumeM3", "double"),
            ],
            context=v2,
        ),
        _iface(
            f"{H}SolarPanelArray;1",
            "Solar panel array",
            "Rooftop photovoltaic system.",
            [
                _prop("peakPowerKwp", "double"),
                _prop("azimuthDeg", "double"),
                _prop("tiltDeg", "double"),
                _tel("productionKw", "double"),
            ],
            context=v2,
        ),
        _iface(
            f"{H}HeatPump;1",
            "Heat pump",
            "A ground-source or air-to-water heat pump.",
            [
                _prop("kind", _enum("groundSource", "airToWater", "exhaustAir")),
                _prop("ratedHeatKw", "double"),
                _tel("cop", "double", "Coefficient of performance."),
                _tel("electricInputKw", "double"),
                _rel("installedIn", f"{H}Building;1", max_multiplicity=1),
            ],
            extends=f"{H}EnergyAsset;1",
            context=v2,
        ),
    ]


def _zip(files: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def dtdl_zip(interfaces: list[dict]) -> bytes:
    """One file per interface, named after its last DTMI segment, as publishers lay them out."""
    return _zip({f"models/{i['@id'].rsplit(':', 1)[-1].split(';')[0]}.json": i for i in interfaces})


def kalasatama_cityjson() -> dict:
    """A small CityJSON 2.0 district: LoD1 blocks (extruded footprints) in ETRS-GK25 (EPSG:3879)."""
    vertices, objects = [], {}
    blocks = [
        (0, 0, 40, 18, 24),
        (50, 0, 30, 20, 30),
        (90, 5, 25, 25, 45),
        (0, 30, 35, 22, 18),
        (45, 35, 40, 15, 21),
        (95, 40, 20, 30, 60),
        (0, 65, 28, 28, 15),
        (40, 62, 45, 20, 27),
        (100, 80, 22, 22, 36),
        (10, 100, 60, 16, 24),
        (80, 110, 30, 30, 33),
        (120, 0, 18, 60, 120),
    ]
    for number, (x, y, w, d, h) in enumerate(blocks, 1):
        base = len(vertices)
        for z in (0, h):
            vertices += [
                [x * 1000, y * 1000, z * 1000],
                [(x + w) * 1000, y * 1000, z * 1000],
                [(x + w) * 1000, (y + d) * 1000, z * 1000],
                [x * 1000, (y + d) * 1000, z * 1000],
            ]
        b, t = [base + i for i in range(4)], [base + 4 + i for i in range(4)]
        shell = [[list(reversed(b))], [t]] + [
            [[b[i], b[(i + 1) % 4], t[(i + 1) % 4], t[i]]] for i in range(4)
        ]
        objects[f"kalasatama-{number:02d}"] = {
            "type": "Building",
            "attributes": {
                "measuredHeight": h,
                "yearOfConstruction": 2012 + number % 10,
                "function": "residential" if h < 40 else "office",
            },
            "geometry": [{"type": "Solid", "lod": "1", "boundaries": [shell]}],
        }
    objects["kalasatama-park"] = {
        "type": "PlantCover",
        "geometry": [{"type": "MultiSurface", "lod": "1", "boundaries": [[[0, 1, 2, 3]]]}],
    }
    return {
        "type": "CityJSON",
        "version": "2.0",
        "transform": {"scale": [0.001, 0.001, 0.001], "translate": [25500400.0, 6675300.0, 0.0]},
        "metadata": {
            "referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/3879",
            "title": "Kalasatama LoD1 (demo)",
        },
        "CityObjects": objects,
        "vertices": vertices,
    }


def air_quality_sdm() -> bytes:
    """Smart Data Model AirQualityObserved: a schema (its common-schema $ref stays outside) and examples."""
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://smart-data-models.github.io/dataModel.Environment/AirQualityObserved/schema.json",
        "title": "Smart Data Models - Air quality observed",
        "type": "object",
        "allOf": [
            {
                "$ref": "https://smart-data-models.github.io/data-models/common-schema.json#/definitions/Location-Commons"
            },
            {
                "properties": {
                    "id": {"type": "string", "format": "uri"},
                    "type": {"type": "string", "enum": ["AirQualityObserved"]},
                    "dateObserved": {"type": "string", "format": "date-time"},
                    "airQualityIndex": {"type": "number", "minimum": 0},
                    "no2": {"type": "number", "minimum": 0, "description": "NO2 in µg/m³"},
                    "pm10": {"type": "number", "minimum": 0},
                    "pm25": {"type": "number", "minimum": 0},
                    "o3": {"type": "number", "minimum": 0},
                    "reliability": {"type": "number", "minimum": 0, "maximum": 1},
                    "refDevice": {"type": "string", "format": "uri"},
                }
            },
        ],
        "required": ["id", "type", "dateObserved"],
    }
    key_values = [
        {
            "id": f"urn:ngsi-ld:AirQualityObserved:turku-{station}",
            "type": "AirQualityObserved",
            "dateObserved": "2025-10-01T08:00:00Z",
            "no2": no2,
            "pm10": pm10,
            "pm25": pm25,
            "reliability": 0.9,
            "location": {"type": "Point", "coordinates": [lon, lat]},
            "refDevice": f"urn:ngsi-ld:Device:turku-aq-{station}",
        }
        for station, no2, pm10, pm25, lon, lat in [
            ("market-square", 21.5, 14.2, 6.1, 22.2666, 60.4515),
            ("ruissalo", 4.2, 8.0, 3.9, 22.1490, 60.4330),
            ("kauppatori-east", 25.1, 16.8, 7.4, 22.2710, 60.4522),
        ]
    ]
    normalized = {
        "id": "urn:ngsi-ld:AirQualityObserved:turku-market-square-normalized",
        "type": "AirQualityObserved",
        "dateObserved": {
            "type": "Property",
            "value": {"@type": "DateTime", "@value": "2025-10-01T08:00:00Z"},
        },
        "no2": {"type": "Property", "value": 21.5, "unitCode": "GQ"},
        "pm10": {"type": "Property", "value": 14.2, "unitCode": "GQ"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [22.2666, 60.4515]}},
        "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:turku-aq-market-square"},
        "@context": ["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"],
    }
    return _zip(
        {
            "schema.json": schema,
            "examples/example.json": key_values,
            "examples/example-normalized.json": normalized,
        }
    )


# --- twins ----------------------------------------------------------------------------------------

TWINS: list[dict[str, Any]] = [
    {
        "org": "rotterdam",
        "slug": "rotterdam-port-twin",
        "name": "Port of Rotterdam digital twin",
        "summary": "Quays, berths, cranes and vessel movements of Europe's largest port in one live model.",
        "domains": ["port", "mobility", "water", "energy"],
        "area": "rotterdam-port",
        "maturity": {
            "connected": (4, "AIS, mooring sensors and crane telemetry stream into the twin."),
            "integrated": (3, "Asset register, vessel calls and quay inspections share the DTDL model."),
            "visualise": (3, "3D port viewer used by the harbour master's operations centre."),
            "analysis": (3, "Berth planning and quay-wall settlement prediction."),
            "secure": (2, "Terminal-level data behind approval; ISO 27001 roadmap."),
        },
        "use_cases": "- Berth planning with predicted arrival times\n- Quay-wall settlement "
        "monitoring\n- Shore power uptake",
        "datasets": ["rotterdam-port-vessel-movements", "rotterdam-port-cargo-throughput"],
        "services": [
            ("Port sensor broker", ServiceKind.NGSI_LD, "https://broker.portofrotterdam.example/ngsi-ld/v1")
        ],
    },
    {
        "org": "helsinki",
        "slug": "helsinki-energy-twin",
        "name": "Helsinki energy twin",
        "summary": "Buildings, the electricity grid and district heating modelled together for the "
        "2030 carbon-neutral goal.",
        "domains": ["energy", "buildings", "climate"],
        "area": None,
        "maturity": {
            "connected": (3, "Hourly district heating and smart-meter data for public buildings."),
            "integrated": (3, "Building register, grid and heating network linked by building id."),
            "visualise": (4, "Energy and Climate Atlas on the Helsinki 3D city model."),
            "analysis": (3, "Renovation scenarios and heat-pump potential per building."),
            "secure": (3, "Personal energy data aggregated to building level."),
        },
        "use_cases": "- Renovation scenarios per building\n- Heat pump and solar potential\n- Grid "
        "load forecasting",
        "datasets": [
            "helsinki-energy-public-buildings",
            "helsinki-district-heating-network",
            "helsinki-3d-city-model",
        ],
        "services": [("Helsinki SensorThings", ServiceKind.SENSORTHINGS, "https://iot.hel.example/v1.1")],
    },
]
DEFAULT_MATURITY = {
    "connected": (2, ""),
    "integrated": (1, ""),
    "visualise": (2, ""),
    "analysis": (1, ""),
    "secure": (1, ""),
}

MODELS: list[dict[str, Any]] = [
    {
        "org": "rotterdam",
        "slug": "rotterdam-port-assets-dtdl",
        "title": "Port of Rotterdam asset model (DTDL v3)",
        "kind": ModelKind.DTDL,
        "twin": "rotterdam-port-twin",
        "file": "port-assets.zip",
        "content": lambda: dtdl_zip(rotterdam_port_interfaces()),
        "description": "DTDL v3 interfaces of the port twin: terminals, quays, berths, ship-to-shore cranes, "
        "shore power, mooring sensors and vessels. The AIS station interface is maintained outside "
        "this model.",
        "keywords": ["port", "DTDL", "quay", "crane", "vessel"],
        "access": AccessRights.PUBLIC,
    },
    {
        "org": "helsinki",
        "slug": "helsinki-energy-dtdl",
        "title": "Helsinki energy twin model (DTDL v2)",
        "kind": ModelKind.DTDL,
        "twin": "helsinki-energy-twin",
        "file": "energy-model.json",
        "content": lambda: json.dumps(helsinki_energy_interfaces(), indent=2).encode(),
        "description": "DTDL v2 interfaces of the energy twin: buildings with heat and electricity meters, "
        "secondary "
        "substations and feeders, district heating substations, heat pumps and rooftop solar. Districts "
        "come from the city model (external).",
        "keywords": ["energy", "DTDL", "building", "substation"],
        "access": AccessRights.PUBLIC,
    },
    {
        "org": "helsinki",
        "slug": "helsinki-kalasatama-cityjson",
        "title": "Kalasatama buildings LoD1 (CityJSON 2.0)",
        "kind": ModelKind.CITYJSON,
        "twin": "helsinki-energy-twin",
        "file": "kalasatama.city.json",
        "content": lambda: json.dumps(kalasatama_cityjson()).encode(),
        "description": "LoD1 building blocks of the Kalasatama district in ETRS-GK25, the geometry "
        "the energy twin attaches its buildings to.",
        "keywords": ["3D", "CityJSON", "buildings"],
        "access": AccessRights.PUBLIC,
    },
    {
        "org": "turku",
        "slug": "turku-air-quality-sdm",
        "title": "Air quality observed (Smart Data Model, NGSI-LD)",
        "kind": ModelKind.NGSI_LD,
        "twin": "turku-twin",
        "file": "air-quality-sdm.zip",
        "content": air_quality_sdm,
        "description": "The FIWARE Smart Data Model AirQualityObserved as Turku uses it, with "
        "key-values and normalized NGSI-LD examples.",
        "keywords": ["air quality", "NGSI-LD", "Smart Data Models"],
        "access": AccessRights.PUBLIC,
    },
]


def _area_geometry(city_bbox) -> dict:
    w, s, e, n = city_bbox
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def load_twins_demo(*, organisations, editors, now) -> None:
    """Create or update the demo twins and models (inside load_demo's transaction)."""
    from catalog.demo import AREAS, CITIES

    licence = Licence.objects.filter(pk="cc-by").first()
    specs = {spec["slug"]: spec for spec in TWINS}
    for slug in CITIES:
        if slug not in organisations:
            continue
        twin_slug = next((s for s, spec in specs.items() if spec["org"] == slug), f"{slug}-twin")
        spec = specs.get(twin_slug) or {
            "org": slug,
            "slug": twin_slug,
            "name": f"{organisations[slug].city or organisations[slug].name} digital twin",
            "summary": f"The local digital twin of {CITIES[slug]['place']}: mobility, climate and "
            "the built environment.",
            "domains": ["mobility", "climate", "buildings"],
            "area": None,
            "maturity": DEFAULT_MATURITY,
            "use_cases": "- Traffic and air quality scenarios\n- Climate adaptation planning",
            "datasets": None,
            "services": [],
        }
        _load_twin(
            spec=spec,
            organisation=organisations[slug],
            actor=editors[slug],
            bbox=AREAS[spec["area"]][1] if spec["area"] else CITIES[slug]["bbox"],
            place=AREAS[spec["area"]][0] if spec["area"] else CITIES[slug]["place"],
        )
    for spec in MODELS:
        if spec["org"] in organisations:
            _load_model(
                spec=spec,
                organisation=organisations[spec["org"]],
                actor=editors[spec["org"]],
                licence=licence,
            )


def _load_twin(*, spec, organisation, actor, bbox, place) -> CityTwin:
    fields = {
        "name": spec["name"],
        "summary": spec["summary"],
        "domains": spec["domains"],
        "area_name": place,
        "area_geojson": _area_geometry(bbox),
        "use_cases": spec["use_cases"],
        "description": f"{spec['summary']}\n\nPresented by {organisation.name} on Twinport: the datasets, "
        "models and live "
        "services below are what the twin is built on.",
    }
    twin = CityTwin.objects.filter(slug=spec["slug"]).first()
    if twin is None:
        twin = services.twin_create(owner=organisation, actor=actor, slug=spec["slug"], **fields)
    else:
        twin = services.twin_update(twin=twin, actor=actor, **fields)
    services.twin_set_maturity(twin=twin, actor=actor, levels=spec["maturity"])
    published = Dataset.objects.filter(publisher=organisation, status=DatasetStatus.PUBLISHED)
    datasets = (
        published.filter(slug__in=spec["datasets"]) if spec["datasets"] else published.order_by("title")[:4]
    )
    services.twin_set_links(twin=twin, actor=actor, datasets=list(datasets))
    for title, kind, url in spec["services"]:
        if not TwinService.objects.filter(twin=twin, url=url).exists():
            # Example hosts do not answer: the demo keeps them unchecked instead of queueing a failing probe.
            TwinService.objects.create(twin=twin, title=title, kind=kind, url=url)
    if twin.status != PublicationStatus.PUBLISHED:
        services.twin_set_status(twin=twin, actor=actor, status=PublicationStatus.PUBLISHED)
    return twin


def _load_model(*, spec, organisation, actor, licence) -> TwinModel:
    fields = {
        "title": spec["title"],
        "kind": spec["kind"],
        "description": spec["description"],
        "keywords": spec["keywords"],
        "licence": licence,
        "access_rights": spec["access"],
    }
    model = TwinModel.objects.filter(slug=spec["slug"]).first()
    if model is None:
        model = services.model_create(publisher=organisation, actor=actor, slug=spec["slug"], **fields)
    else:
        model = services.model_update(model=model, actor=actor, **fields)
    version = model.versions.filter(version="1.0").first()
    if version is None:
        version = services.model_version_create(
            model=model,
            actor=actor,
            version="1.0",
            file=ContentFile(spec["content"](), name=spec["file"]),
            notes="First published version.",
        )
    run = version.runs.filter(status=JobStatus.QUEUED).first()
    if run is not None:  # validate now: the demo publishes the model right away
        services.validation_run_execute(run=run)
    if model.status != PublicationStatus.PUBLISHED:
        services.model_set_status(model=model, actor=actor, status=PublicationStatus.PUBLISHED)
    twin = CityTwin.objects.filter(slug=spec["twin"]).first()
    if twin is not None:
        twin.twin_models.add(model)
    return model
