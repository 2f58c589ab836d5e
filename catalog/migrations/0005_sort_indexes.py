"""Indexes in the exact order of the "newest" sort, so the first page never sorts the whole table.

`published_at DESC NULLS LAST, updated_at DESC, id DESC` is what catalog.filters orders by. One index
leads with the status (anonymous visitors: published only), the other serves signed-in members,
whose visibility rule (published OR their organisations') is checked row by row along the index.
SQLite has no NULLS clause in index definitions, but its DESC already puts NULLs last.
"""

from django.db import migrations

INDEXES = {
    "dataset_newest_by_status": "status, published_at DESC{nulls}, updated_at DESC, id DESC",
    "dataset_newest": "published_at DESC{nulls}, updated_at DESC, id DESC",
}


def create(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON catalog_dataset ({columns.format(nulls=nulls)})")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_harvesting")]

    operations = [migrations.RunPython(create, drop)]
