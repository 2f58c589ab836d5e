"""Seeded vocabularies: licences (CKAN ids + EU licence URIs), EU data themes, frequencies, file types.

The tables below are facts from the EU Publications Office authority tables and CKAN's default
licence list. `sync(apps)` upserts them; it runs from a data migration and from `load_demo`, so a
fresh database and an old one converge on the same rows. Admins may add more rows in Django admin.
"""

from django.utils.translation import gettext_noop

EU = "http://publications.europa.eu/resource/authority/"

# (id, title, EU licence URI or other canonical URL, open per the Open Definition)
LICENCES = [
    ("cc-by", gettext_noop("Creative Commons Attribution 4.0"), EU + "licence/CC_BY_4_0", True),
    (
        "cc-by-sa",
        gettext_noop("Creative Commons Attribution Share-Alike 4.0"),
        EU + "licence/CC_BYSA_4_0",
        True,
    ),
    ("cc-zero", gettext_noop("Creative Commons CCZero"), EU + "licence/CC0", True),
    ("cc-nc", gettext_noop("Creative Commons Non-Commercial 4.0"), EU + "licence/CC_BYNC_4_0", False),
    (
        "cc-by-nd",
        gettext_noop("Creative Commons Attribution No-Derivatives 4.0"),
        EU + "licence/CC_BYND_4_0",
        False,
    ),
    ("odc-by", "Open Data Commons Attribution License", EU + "licence/ODC_BY", True),
    (
        "odc-odbl",
        "Open Data Commons Open Database License (ODbL)",
        EU + "licence/ODC_ODBL",
        True,
    ),
    (
        "odc-pddl",
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        EU + "licence/ODC_PDDL",
        True,
    ),
    ("eupl-1.2", gettext_noop("European Union Public Licence 1.2"), EU + "licence/EUPL_1_2", True),
    ("gfdl", "GNU Free Documentation License", EU + "licence/GFDL_1_3", True),
    (
        "uk-ogl",
        "UK Open Government Licence (OGL)",
        "http://reference.data.gov.uk/id/open-government-licence",
        True,
    ),
    ("other-open", gettext_noop("Other (Open)"), "", True),
    ("other-pd", gettext_noop("Other (Public Domain)"), "", True),
    ("other-at", gettext_noop("Other (Attribution)"), "", True),
    ("other-nc", gettext_noop("Other (Non-Commercial)"), "", False),
    ("other-closed", gettext_noop("Other (Not Open)"), "", False),
    ("notspecified", gettext_noop("License not specified"), "", False),
]

# (code, label) from http://publications.europa.eu/resource/authority/data-theme
THEMES = [
    ("AGRI", gettext_noop("Agriculture, fisheries, forestry and food")),
    ("ECON", gettext_noop("Economy and finance")),
    ("EDUC", gettext_noop("Education, culture and sport")),
    ("ENER", gettext_noop("Energy")),
    ("ENVI", gettext_noop("Environment")),
    ("GOVE", gettext_noop("Government and public sector")),
    ("HEAL", gettext_noop("Health")),
    ("INTR", gettext_noop("International issues")),
    ("JUST", gettext_noop("Justice, legal system and public safety")),
    ("REGI", gettext_noop("Regions and cities")),
    ("SOCI", gettext_noop("Population and society")),
    ("TECH", gettext_noop("Science and technology")),
    ("TRAN", gettext_noop("Transport")),
]

# (code, label, expected days between updates or None) from the EU frequency table
FREQUENCIES = [
    ("CONT", gettext_noop("continuous"), 1 / 1440),
    ("UPDATE_CONT", gettext_noop("continuously updated"), 1.0),
    ("1MIN", gettext_noop("every minute"), 1 / 1440),
    ("15MIN", gettext_noop("every fifteen minutes"), 1 / 96),
    ("30MIN", gettext_noop("every thirty minutes"), 1 / 48),
    ("HOURLY", gettext_noop("hourly"), 1 / 24),
    ("DAILY_2", gettext_noop("twice a day"), 0.5),
    ("DAILY", gettext_noop("daily"), 1.0),
    ("WEEKLY_2", gettext_noop("semiweekly"), 3.5),
    ("WEEKLY", gettext_noop("weekly"), 7.0),
    ("BIWEEKLY", gettext_noop("biweekly"), 14.0),
    ("MONTHLY_2", gettext_noop("semimonthly"), 15.0),
    ("MONTHLY", gettext_noop("monthly"), 31.0),
    ("BIMONTHLY", gettext_noop("bimonthly"), 62.0),
    ("QUARTERLY", gettext_noop("quarterly"), 92.0),
    ("ANNUAL_2", gettext_noop("semiannual"), 183.0),
    ("ANNUAL", gettext_noop("annual"), 366.0),
    ("BIENNIAL", gettext_noop("biennial"), 731.0),
    ("TRIENNIAL", gettext_noop("triennial"), 1096.0),
    ("QUINQUENNIAL", gettext_noop("quinquennial"), 1827.0),
    ("DECENNIAL", gettext_noop("decennial"), 3653.0),
    ("IRREG", gettext_noop("irregular"), None),
    ("NEVER", gettext_noop("never"), None),
    ("OTHER", gettext_noop("other"), None),
    ("UNKNOWN", gettext_noop("unknown"), None),
]

# (code, label, IANA media type, machine-readable, non-proprietary, extensions)
FILE_TYPES = [
    ("CSV", "CSV", "text/csv", True, True, "csv"),
    ("TSV", "TSV", "text/tab-separated-values", True, True, "tsv"),
    ("JSON", "JSON", "application/json", True, True, "json"),
    ("GEOJSON", "GeoJSON", "application/geo+json", True, True, "geojson"),
    ("JSON_LD", "JSON-LD", "application/ld+json", True, True, "jsonld"),
    ("XML", "XML", "application/xml", True, True, "xml"),
    ("RDF_XML", "RDF/XML", "application/rdf+xml", True, True, "rdf"),
    ("RDF_TURTLE", "Turtle", "text/turtle", True, True, "ttl"),
    (
        "XLSX",
        "Excel XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
        False,
        "xlsx",
    ),
    ("XLS", "Excel XLS", "application/vnd.ms-excel", True, False, "xls"),
    (
        "ODS",
        "OpenDocument Spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        True,
        True,
        "ods",
    ),
    ("PARQUET", "Parquet", "application/vnd.apache.parquet", True, True, "parquet"),
    ("GPKG", "GeoPackage", "application/geopackage+sqlite3", True, True, "gpkg"),
    ("SHP", "ESRI Shapefile", "application/x-shapefile", True, False, "shp"),
    ("KML", "KML", "application/vnd.google-earth.kml+xml", True, True, "kml"),
    ("GML", "GML", "application/gml+xml", True, True, "gml"),
    ("NETCDF", "NetCDF", "application/x-netcdf", True, True, "nc"),
    ("GEOTIFF", "GeoTIFF", "image/tiff", True, True, "tif tiff"),
    ("LAS", gettext_noop("LAS point cloud"), "application/vnd.las", True, True, "las laz"),
    ("ZIP", "ZIP", "application/zip", False, True, "zip"),
    ("PDF", "PDF", "application/pdf", False, True, "pdf"),
    ("HTML", "HTML", "text/html", False, True, "html htm"),
    ("TXT", gettext_noop("Text"), "text/plain", False, True, "txt"),
    ("PNG", "PNG", "image/png", False, True, "png"),
    ("JPEG", "JPEG", "image/jpeg", False, True, "jpg jpeg"),
    ("WMS_SRVC", gettext_noop("WMS service"), "", True, True, ""),
    ("WFS_SRVC", gettext_noop("WFS service"), "", True, True, ""),
]


def sync(apps) -> None:
    """Upsert every vocabulary row; `apps` is a migration state registry or django.apps.apps."""
    Licence = apps.get_model("catalog", "Licence")
    Theme = apps.get_model("catalog", "Theme")
    Frequency = apps.get_model("catalog", "Frequency")
    FileType = apps.get_model("catalog", "FileType")
    for position, (licence_id, title, uri, is_open) in enumerate(LICENCES):
        Licence.objects.update_or_create(
            id=licence_id, defaults={"title": title, "uri": uri, "is_open": is_open, "position": position}
        )
    for code, label in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"label": label, "uri": EU + "data-theme/" + code})
    for position, (code, label, days) in enumerate(FREQUENCIES):
        Frequency.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "uri": EU + "frequency/" + code,
                "period_days": days,
                "position": position,
            },
        )
    for code, label, media_type, machine_readable, non_proprietary, extensions in FILE_TYPES:
        FileType.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "uri": EU + "file-type/" + code,
                "media_type": media_type,
                "machine_readable": machine_readable,
                "non_proprietary": non_proprietary,
                "extensions": extensions,
            },
        )
