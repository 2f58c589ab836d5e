"""Seed the EU vocabularies and CKAN licences (catalog.vocabularies)."""

from django.db import migrations


def seed(apps, schema_editor):
    from catalog.vocabularies import sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
