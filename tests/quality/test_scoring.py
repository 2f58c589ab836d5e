"""The MQA weights table, bands, best-distribution rule, freshness and our own datasets' facts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile

from catalog.models import Frequency
from catalog.quality import scoring
from catalog.quality.choices import Band, Freshness, LinkStatus
from catalog.quality.indicators import (
    DatasetFacts,
    DistributionFacts,
    Vocabulary,
    distribution_file_key,
    facts_from_dataset,
    freshness,
)
from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type, licence


def test_weights_add_up_to_the_eu_method():
    assert scoring.MAX_SCORE == 405
    assert scoring.DIMENSION_MAX == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 110,
        "reusability": 75,
        "contextuality": 20,
    }
    assert len(scoring.INDICATORS) == 23
    assert all(indicator.fix for indicator in scoring.INDICATORS)


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (405, Band.EXCELLENT),
        (351, Band.EXCELLENT),
        (350, Band.GOOD),
        (221, Band.GOOD),
        (220, Band.SUFFICIENT),
        (121, Band.SUFFICIENT),
        (120.9, Band.BAD),
        (0, Band.BAD),
    ],
)
def test_bands(points, band):
    assert scoring.band_for(points) == band


def test_band_ranges():
    assert scoring.band_range(Band.EXCELLENT) == (351, 405)
    assert scoring.band_range(Band.BAD) == (0, 120)


def test_nothing_scores_zero_and_everything_scores_405():
    assert scoring.score(DatasetFacts()).total == 0
    full = DistributionFacts(
        **{
            name: True
            for name in (
                "access_url_ok",
                "has_download_url",
                "download_url_ok",
                "has_format",
                "has_media_type",
                "format_from_vocabulary",
                "non_proprietary",
                "machine_readable",
                "known_licence",
                "has_rights",
                "has_byte_size",
            )
        },
        licence="cc-by",
    )
    facts = DatasetFacts(
        **{
            name: True
            for name in (
                "has_keyword",
                "has_theme",
                "has_spatial",
                "has_temporal",
                "has_access_rights",
                "access_rights_from_vocabulary",
                "has_contact_point",
                "has_publisher",
                "has_issued",
                "has_modified",
            )
        },
        dcat_ap_compliant=True,
        distributions=[DistributionFacts(), full],
    )
    result = scoring.score(facts)
    assert result.total == 405 and result.band == Band.EXCELLENT and result.best_distribution == 1


def test_best_distribution_counts_not_the_sum():
    csv = DistributionFacts(has_format=True, non_proprietary=True, machine_readable=True)  # 60
    pdf = DistributionFacts(has_format=True, has_download_url=True, has_byte_size=True)  # 45
    result = scoring.score(DatasetFacts(distributions=[pdf, csv]))
    assert result.best_distribution == 1
    assert result.total == 60 and result.results["download_url"] is False


def test_dataset_licence_stands_in_for_the_distributions():
    facts = DatasetFacts(licence="cc-by", known_licence=True, distributions=[DistributionFacts()])
    result = scoring.score(facts)
    assert result.results["licence"] and result.results["known_licence"]


def test_top_fixes_are_the_most_valuable_misses():
    results = dict.fromkeys((i.code for i in scoring.INDICATORS), True)
    results.update(temporal=False, contact_point=False, rights=False)
    assert [i.code for i in scoring.top_fixes(results)] == ["temporal", "contact_point", "rights"]


def test_fixes_without_a_distribution_ask_for_one():
    empty = scoring.score(DatasetFacts(has_keyword=True, has_publisher=True))
    fixes = scoring.top_fixes(empty.results, has_distribution=False)
    assert fixes[0].code == "distribution" and fixes[0].fix == scoring.ADD_DISTRIBUTION
    assert fixes[0].points == sum(i.points for i in scoring.INDICATORS if i.level == "distribution")
    assert not any(i.level == "distribution" and i.code != "distribution" for i in fixes)
    # With a distribution but no download URL, the URL is asked for, not its answer.
    results = scoring.score(DatasetFacts(distributions=[DistributionFacts()])).results
    codes = [i.code for i in scoring.top_fixes(results, limit=30)]
    assert "download_url" in codes and "download_url_status" not in codes


NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("modified", "period", "expected"),
    [
        (NOW - timedelta(days=20), 31.0, (Freshness.FRESH, 0)),  # monthly, 20 days old
        (NOW - timedelta(days=33), 31.0, (Freshness.FRESH, 0)),  # within the grace (3.1 days)
        (NOW - timedelta(days=40), 31.0, (Freshness.OVERDUE, 5)),
        (NOW - timedelta(days=3), 1.0, (Freshness.OVERDUE, 1)),  # daily: a day of grace
        (date(2024, 1, 1), 366.0, (Freshness.OVERDUE, 479)),  # annual: 882 days old, 402.6 allowed
        (NOW - timedelta(days=400), None, (Freshness.UNKNOWN, None)),  # irregular
        (None, 7.0, (Freshness.UNKNOWN, None)),  # no date
    ],
)
def test_freshness(modified, period, expected):
    assert freshness(modified=modified, period_days=period, now=NOW) == expected


@pytest.mark.django_db
def test_facts_of_our_own_dataset(publisher_org):
    dataset = PublishedDatasetFactory(
        publisher=publisher_org,
        keywords=["noise"],
        themes=["ENVI"],
        contact_email="data@rotterdam.example",
        accrual_periodicity=Frequency.objects.get(code="MONTHLY"),
        licence=licence("cc-by"),
    )
    link = DistributionFactory(
        dataset=dataset, access_url="https://data.example.org/api", format=None, media_type=""
    )
    upload = DistributionFactory(
        dataset=dataset,
        access_url="",
        file=ContentFile(b"a,b\n1,2\n", name="x.csv"),
        byte_size=8,
        format=file_type("CSV"),
        media_type="",
        rights="© City of Rotterdam",
    )
    key = distribution_file_key(dataset, upload)
    facts = facts_from_dataset(
        dataset,
        vocabulary=Vocabulary.load(),
        links={key: LinkStatus.OK, link.access_url: LinkStatus.BROKEN},
        compliant=True,
    )
    assert facts.has_keyword and facts.has_theme and facts.has_contact_point and facts.known_licence
    assert not facts.has_spatial and not facts.has_temporal
    api, csv = facts.distributions
    assert (api.access_url_ok, api.has_format, api.has_media_type) == (False, False, False)
    # The upload is served by the portal: its download URL is its file's path, text/csv from the file type.
    assert csv.access_url == key and csv.access_url_ok and csv.download_url_ok
    assert csv.has_media_type and csv.format_from_vocabulary and csv.has_rights and csv.has_byte_size
    result = scoring.score(facts)
    assert result.best_distribution == 1
    # Missed: spatial 20 + temporal 20 = 40 points.
    assert result.total == 405 - 40


@pytest.mark.django_db
def test_a_concurrent_first_assessment_is_upserted(publisher_org):
    from catalog.quality.models import QualityAssessment
    from catalog.quality.services import assessment_queryset, assessments_save, compute_assessment

    dataset = assessment_queryset().get(pk=PublishedDatasetFactory(publisher=publisher_org).pk)
    mine = compute_assessment(
        dataset=dataset, vocabulary=Vocabulary.load(), statuses={}, verdict=(True, [], "k"), previous=None,
        now=NOW,
    )  # fmt: skip
    # Someone else wrote the first assessment between our read and our write.
    QualityAssessment.objects.create(dataset=dataset, score=1, band=Band.BAD)
    assessments_save([mine])
    stored = QualityAssessment.objects.get(dataset=dataset)
    assert stored.score == mine.score and stored.pk == mine.pk
