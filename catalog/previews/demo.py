"""Previews in the demo: `load_demo` gives the restricted dataset of Rotterdam's building energy labels a
public sample (three rows of the real columns) and makes its preview at once, so the demo shows how a
consumer without access previews restricted data. The demo's own distributions are links to example
hosts, which are never fetched (their previews are made when someone opens them on a live portal).
Idempotent: the sample is added once, its preview is cached by the file's hash."""

from django.core.files.base import ContentFile

SAMPLE_DATASET = "rotterdam-building-energy-labels"
SAMPLE = (
    b"bag_id,energy_label,label_date,pc6,gas_m3_avg,electricity_kwh_avg,connections\n"
    b"0599100000000001,C,2021-04-12,3011AA,1180,2450,14\n"
    b"0599100000000002,A,2023-09-01,3011AA,640,2210,14\n"
    b"0599100000000003,B,2022-01-20,3011AB,910,2630,22\n"
)


def load_previews_demo(*, organisations, editors, now) -> None:
    from catalog.models import Dataset

    from .choices import PreviewSource
    from .models import PreviewSample
    from .services import preview_generate, preview_request, preview_sample_set

    dataset = Dataset.objects.filter(slug=SAMPLE_DATASET).select_related("publisher").first()
    if dataset is None or dataset.publisher.slug not in editors:
        return
    distribution = dataset.distributions.order_by("position", "pk").first()
    if distribution is None:
        return
    if not PreviewSample.objects.filter(distribution=distribution).exists():
        preview_sample_set(
            distribution=distribution,
            actor=editors[dataset.publisher.slug],
            file=ContentFile(SAMPLE, name="energy-labels-sample.csv"),
            description="Three buildings of one postcode area",
        )
    preview = preview_request(distribution=distribution, source=PreviewSource.SAMPLE)
    preview.refresh_from_db()
    if preview.is_pending:
        preview_generate(preview=preview)
