"""Seeded vocabularies: licences (CKAN ids + EU licence URIs), EU data themes, frequencies, file types.

The tables below are facts from the EU Publications Office authority tables and CKAN's default
licence list. `sync(apps)` upserts them; it runs from a data migration and from `load_demo`, so a
fresh database and an old one converge on the same rows. Admins may add more rows in Django admin.
"""

EU = "http://publications.europa.eu/resource/authority/"

# (id, title, EU licence URI or other canonical URL, open per the Open Definition)
LICENCES = [
    ("cc-by", "Creative Commons Attribution 4.0", EU + "licence/CC_BY_4_0", True),
    ("cc-by-sa", "Creative Commons Attribution Share-Alike 4.0", EU + "licence/CC_BYSA_4_0", True),
    ("cc-zero", "Creative Commons CCZero", EU + "licence/CC0", True),
    ("cc-nc", "Creative Commons Non-Commercial 4.0", EU + "licence/CC_BYNC_4_0", False),
    ("cc-by-nd", "Creative Commons Attribution No-Derivatives 4.0", EU + "licence/CC_BYND_4_0", False),
    ("odc-by", "Open Data Commons Attribution License", EU + "licence/ODC_BY", True),
    ("odc-odbl", "Open Data Commons Open Database License (ODbL)", EU + "licence/ODC_ODBL", True),
    (
        "odc-pddl",
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        EU + "licence/ODC_PDDL",
        True,
    ),
    ("eupl-1.2", "European Union Public Licence 1.2", EU + "licence/EUPL_1_2", True),
    ("gfdl", "GNU Free Documentation License", EU + "licence/GFDL_1_3", True),
    (
        "uk-ogl",
        "UK Open Government Licence (OGL)",
        "http://reference.data.gov.uk/id/open-government-licence",
        True,
    ),
    ("other-open", "Other (Open)", "", True),
    ("other-pd", "Other (Public Domain)", "", True),
    ("other-at", "Other (Attribution)", "", True),
    ("other-nc", "Other (Non-Commercial)", "", False),
    ("other-closed", "Other (Not Open)", "", False),
    ("notspecified", "License not specified", "", False),
]

# (code, label) from http://publications.europa.eu/resource/authority/data-theme
THEMES = [
    ("AGRI", "Agriculture, fisheries, forestry and food"),
    ("ECON", "Economy and finance"),
    ("EDUC", "Education, culture and sport"),
    ("ENER", "Energy"),
    ("ENVI", "Environment"),
    ("GOVE", "Government and public sector"),
    ("HEAL", "Health"),
    ("INTR", "International issues"),
    ("JUST", "Justice, legal system and public safety"),
    ("REGI", "Regions and cities"),
    ("SOCI", "Population and society"),
    ("TECH", "Science and technology"),
    ("TRAN", "Transport"),
]

# (code, label, expected days between updates or None) from the EU frequency table
FREQUENCIES = [
    ("CONT", "continuous", 1 / 1440),
    ("UPDATE_CONT", "continuously updated", 1.0),
    ("1MIN", "every minute", 1 / 1440),
    ("15MIN", "every fifteen minutes", 1 / 96),
    ("30MIN", "every thirty minutes", 1 / 48),
    ("HOURLY", "hourly", 1 / 24),
    ("DAILY_2", "twice a day", 0.5),
    ("DAILY", "daily", 1.0),
    ("WEEKLY_2", "semiweekly", 3.5),
    ("WEEKLY", "weekly", 7.0),
    ("BIWEEKLY", "biweekly", 14.0),
    ("MONTHLY_2", "semimonthly", 15.0),
    ("MONTHLY", "monthly", 31.0),
    ("BIMONTHLY", "bimonthly", 62.0),
    ("QUARTERLY", "quarterly", 92.0),
    ("ANNUAL_2", "semiannual", 183.0),
    ("ANNUAL", "annual", 366.0),
    ("BIENNIAL", "biennial", 731.0),
    ("TRIENNIAL", "triennial", 1096.0),
    ("QUINQUENNIAL", "quinquennial", 1827.0),
    ("DECENNIAL", "decennial", 3653.0),
    ("IRREG", "irregular", None),
    ("NEVER", "never", None),
    ("OTHER", "other", None),
    ("UNKNOWN", "unknown", None),
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
    ("ODS", "OpenDocument Spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", True, True, "ods"),
    ("PARQUET", "Parquet", "application/vnd.apache.parquet", True, True, "parquet"),
    ("GPKG", "GeoPackage", "application/geopackage+sqlite3", True, True, "gpkg"),
    ("SHP", "ESRI Shapefile", "application/x-shapefile", True, False, "shp"),
    ("KML", "KML", "application/vnd.google-earth.kml+xml", True, True, "kml"),
    ("GML", "GML", "application/gml+xml", True, True, "gml"),
    ("NETCDF", "NetCDF", "application/x-netcdf", True, True, "nc"),
    ("GEOTIFF", "GeoTIFF", "image/tiff", True, True, "tif tiff"),
    ("LAS", "LAS point cloud", "application/vnd.las", True, True, "las laz"),
    ("ZIP", "ZIP", "application/zip", False, True, "zip"),
    ("PDF", "PDF", "application/pdf", False, True, "pdf"),
    ("HTML", "HTML", "text/html", False, True, "html htm"),
    ("TXT", "Text", "text/plain", False, True, "txt"),
    ("PNG", "PNG", "image/png", False, True, "png"),
    ("JPEG", "JPEG", "image/jpeg", False, True, "jpg jpeg"),
    ("WMS_SRVC", "WMS service", "", True, True, ""),
    ("WFS_SRVC", "WFS service", "", True, True, ""),
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
