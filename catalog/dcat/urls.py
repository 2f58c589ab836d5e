"""URLs of the DCAT-AP output; included at the site root (before catalog.urls)."""

from django.urls import path, register_converter

from . import views
from .graph import RDF_FORMATS

app_name = "dcat"


class RdfFormatConverter:
    """A file extension of RDF_FORMATS: ttl, rdf, jsonld or nt."""

    regex = "|".join(RDF_FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RdfFormatConverter, "rdfformat")

urlpatterns = [
    path("catalog", views.catalog_root, name="catalog_root"),
    path("catalog.<rdfformat:fmt>", views.catalog, name="catalog"),
    path("datasets/<slug:slug>.<rdfformat:fmt>", views.dataset, name="dataset"),
]
