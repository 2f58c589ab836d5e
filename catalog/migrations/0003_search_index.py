"""The full-text search index for the database in use (see catalog/search/backends.py).

No foreign key to catalog_dataset: Django's flush (transactional tests) truncates its own tables
only, and searches join through the dataset table anyway, so an orphan document matches nothing.
"""

from django.db import migrations

POSTGRES = [
    "CREATE TABLE catalog_dataset_search (dataset_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX catalog_dataset_search_document ON catalog_dataset_search USING gin (document)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE catalog_dataset_fts USING fts5("
    "title, keywords, place, description, resources, tokenize = 'porter unicode61 remove_diacritics 2')",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"Twinport's search supports PostgreSQL and SQLite, not {vendor}")
    for statement in statements:
        schema_editor.execute(statement)
    from catalog.search.backends import search_index_rebuild

    search_index_rebuild()


def drop(apps, schema_editor):
    table = "catalog_dataset_search" if schema_editor.connection.vendor == "postgresql" else "catalog_dataset_fts"
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_seed_vocabularies"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
