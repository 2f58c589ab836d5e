"""A full rebuild of the search index writes exactly the documents the per-dataset updates write."""

import pytest
from django.db import connection

from catalog.search import search_index_rebuild
from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type

pytestmark = pytest.mark.django_db


def _documents() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT dataset_id, document::text FROM catalog_dataset_search ORDER BY dataset_id"
            )
        else:
            columns = "rowid, title, keywords, place, description, resources"
            cursor.execute(f"SELECT {columns} FROM catalog_dataset_fts ORDER BY rowid")  # noqa: S608
        return cursor.fetchall()


def test_rebuild_equals_the_incremental_documents(publisher_org):
    for n in range(4):
        dataset = PublishedDatasetFactory(
            publisher=publisher_org,
            title=f"Harbour cranes {n}",
            keywords=["port", f"crane-{n}"] if n % 2 else [],
            themes=["TRAN", "ECON"][: n % 3],
            spatial_name="Maasvlakte" if n else "",
        )
        for fmt in ["CSV", "JSON"][: n % 3]:
            DistributionFactory(dataset=dataset, title=f"Positions {fmt}", format=file_type(fmt))
    incremental = _documents()
    assert len(incremental) == 4
    search_index_rebuild()
    assert _documents() == incremental
