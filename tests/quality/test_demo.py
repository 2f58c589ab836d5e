"""The demo ends with a metadata-only quality run: badges, dashboards and the facet have figures."""

import pytest

from catalog.choices import DatasetStatus
from catalog.demo import load_demo
from catalog.models import Dataset
from catalog.quality.models import QualityAssessment, QualityRun, QualitySnapshot

pytestmark = pytest.mark.django_db


def test_demo_datasets_are_assessed_idempotently():
    load_demo()
    published = Dataset.objects.filter(status=DatasetStatus.PUBLISHED)
    assert QualityAssessment.objects.filter(dataset__in=published).count() == published.count() > 0
    run = QualityRun.objects.get()
    assert (run.status, run.check_links, run.check_content) == ("succeeded", False, False)
    assert QualitySnapshot.objects.filter(kind="programme").exists()
    # The demo's own DCAT output passes the core shapes.
    assert not QualityAssessment.objects.filter(dcat_ap_compliant=False).exists()
    snapshots = QualitySnapshot.objects.count()
    load_demo()
    assert QualitySnapshot.objects.count() == snapshots
    assert (
        QualityAssessment.objects.count() == Dataset.objects.exclude(status=DatasetStatus.WITHDRAWN).count()
    )
