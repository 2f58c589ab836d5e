"""Seeded vocabularies: licences (CKAN ids + EU licence URIs), EU data themes, frequencies, file types.

The tables below are facts from the EU Publications Office authority tables and CKAN's default
licence list. `sync(apps)` upserts them; it runs from a data migration and from `load_demo`, so a
fresh database and an old one converge on the same rows. Admins may add more rows in Django admin.
"""

from django.utils.translation import gettext_noop as N_

EU = "http://publications.europa.eu/resource/authority/"

# (id, title, EU licence URI or other canonical URL, open per the Open Definition)
LICENCES = [
    ("cc-by", N_("Creative Commons Attribution 4.0"), EU + "licence/CC_BY_4_0", True),
    ("cc-by-sa", N_("Creative Commons Attribution Share-Alike 4.0"), EU + "licence/CC_BYSA_4_0", True),
    ("cc-zero", N_("Creative Commons CCZero"), EU + "licence/CC0", True),
    ("cc-nc", N_("Creative Commons Non-Commercial 4.0"), EU + "licence/CC_BYNC_4_0", False),
    ("cc-by-nd", N_("Creative Commons Attribution No-Derivatives 4.0"), EU + "licence/CC_BYND_4_0", False),
    ("odc-by", N_("Open Data Commons Attribution License"), EU + "licence/ODC_BY", True),
    ("odc-odbl", N_("Open Data Commons Open Database License (ODbL)"), EU + "licence/ODC_ODBL", True),
    (
        "odc-pddl",
        N_("Open Data Commons Public Domain Dedication and License (PDDL)"),
        EU + "licence/ODC_PDDL",
        True,
    ),
    ("eupl-1.2", N_("European Union Public Licence 1.2"), EU + "licence/EUPL_1_2", True),
    ("gfdl", N_("GNU Free Documentation License"), EU + "licence/GFDL_1_3", True),
    (
        "uk-ogl",
        N_("UK Open Government Licence (OGL)"),
        "http://reference.data.gov.uk/id/open-government-licence",
        True,
    ),
    ("other-open", N_("Other (Open)"), "", True),
    ("other-pd", N_("Other (Public Domain)"), "", True),
    ("other-at", N_("Other (Attribution)"), "", True),
    ("other-nc", N_("Other (Non-Commercial)"), "", False),
    ("other-closed", N_("Other (Not Open)"), "", False),
    ("notspecified", N_("License not specified"), "", False),
]

# (code, label) from http://publications.europa.eu/resource/authority/data-theme
THEMES = [
    ("AGRI", N_("Agriculture, fisheries, forestry and food")),
    ("ECON", N_("Economy and finance")),
    ("EDUC", N_("Education, culture and sport")),
    ("ENER", N_("Energy")),
    ("ENVI", N_("Environment")),
    ("GOVE", N_("Government and public sector")),
    ("HEAL", N_("Health")),
    ("INTR", N_("International issues")),
    ("JUST", N_("Justice, legal system and public safety")),
    ("REGI", N_("Regions and cities")),
    ("SOCI", N_("Population and society")),
    ("TECH", N_("Science and technology")),
    ("TRAN", N_("Transport")),
]

# (code, label, expected days between updates or None) from the EU frequency table
FREQUENCIES = [
    ("CONT", N_("continuous"), 1 / 1440),
    ("UPDATE_CONT", N_("continuously updated"), 1.0),
    ("1MIN", N_("every minute"), 1 / 1440),
    ("15MIN", N_("every fifteen minutes"), 1 / 96),
    ("30MIN", N_("every thirty minutes"), 1 / 48),
    ("HOURLY", N_("hourly"), 1 / 24),
    ("DAILY_2", N_("twice a day"), 0.5),
    ("DAILY", N_("daily"), 1.0),
    ("WEEKLY_2", N_("semiweekly"), 3.5),
    ("WEEKLY", N_("weekly"), 7.0),
    ("BIWEEKLY", N_("biweekly"), 14.0),
    ("MONTHLY_2", N_("semimonthly"), 15.0),
    ("MONTHLY", N_("monthly"), 31.0),
    ("BIMONTHLY", N_("bimonthly"), 62.0),
    ("QUARTERLY", N_("quarterly"), 92.0),
    ("ANNUAL_2", N_("semiannual"), 183.0),
    ("ANNUAL", N_("annual"), 366.0),
    ("BIENNIAL", N_("biennial"), 731.0),
    ("TRIENNIAL", N_("triennial"), 1096.0),
    ("QUINQUENNIAL", N_("quinquennial"), 1827.0),
    ("DECENNIAL", N_("decennial"), 3653.0),
    ("IRREG", N_("irregular"), None),
    ("NEVER", N_("never"), None),
    ("OTHER", N_("other"), None),
    ("UNKNOWN", N_("unknown"), None),
]

# (code, label, IANA media type, machine-readable, non-proprietary, extensions)
FILE_TYPES = [
    ("CSV", N_("CSV"), "text/csv", True, True, "csv"),
    ("TSV", N_("TSV"), "text/tab-separated-values", True, True, "tsv"),
    ("JSON", N_("JSON"), "application/json", True, True, "json"),
    ("GEOJSON", N_("GeoJSON"), "application/geo+json", True, True, "geojson"),
    ("JSON_LD", N_("JSON-LD"), "application/ld+json", True, True, "jsonld"),
    ("XML", N_("XML"), "application/xml", True, True, "xml"),
    ("RDF_XML", N_("RDF/XML"), "application/rdf+xml", True, True, "rdf"),
    ("RDF_TURTLE", N_("Turtle"), "text/turtle", True, True, "ttl"),
    (
        "XLSX",
        N_("Excel XLSX"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
        False,
        "xlsx",
    ),
    ("XLS", N_("Excel XLS"), "application/vnd.ms-excel", True, False, "xls"),
    (
        "ODS",
        N_("OpenDocument Spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
        True,
        True,
        "ods",
    ),
    ("PARQUET", N_("Parquet"), "application/vnd.apache.parquet", True, True, "parquet"),
    ("GPKG", N_("GeoPackage"), "application/geopackage+sqlite3", True, True, "gpkg"),
    ("SHP", N_("ESRI Shapefile"), "application/x-shapefile", True, False, "shp"),
    ("KML", N_("KML"), "application/vnd.google-earth.kml+xml", True, True, "kml"),
    ("GML", N_("GML"), "application/gml+xml", True, True, "gml"),
    ("NETCDF", N_("NetCDF"), "application/x-netcdf", True, True, "nc"),
    ("GEOTIFF", N_("GeoTIFF"), "image/tiff", True, True, "tif tiff"),
    ("LAS", N_("LAS point cloud"), "application/vnd.las", True, True, "las laz"),
    ("ZIP", N_("ZIP"), "application/zip", False, True, "zip"),
    ("PDF", N_("PDF"), "application/pdf", False, True, "pdf"),
    ("HTML", N_("HTML"), "text/html", False, True, "html htm"),
    ("TXT", N_("Text"), "text/plain", False, True, "txt"),
    ("PNG", N_("PNG"), "image/png", False, True, "png"),
    ("JPEG", N_("JPEG"), "image/jpeg", False, True, "jpg jpeg"),
    ("WMS_SRVC", N_("WMS service"), "", True, True, ""),
    ("WFS_SRVC", N_("WFS service"), "", True, True, ""),
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
