"""One entry point for validating an uploaded model of any kind (used by the validation job and the bench)."""

from django.utils.translation import gettext as _

from .bundle import BundleError, read_bundle
from .choices import ModelKind
from .cityjson import validate_cityjson
from .dtdl import validate_dtdl
from .ngsi import validate_ngsi
from .report import Report

VALIDATORS = {
    ModelKind.DTDL: validate_dtdl,
    ModelKind.NGSI_LD: validate_ngsi,
    ModelKind.CITYJSON: validate_cityjson,
}


def validate_upload(raw: bytes, filename: str, kind: str) -> Report:
    """Validate the bytes of an upload (a JSON file or a zip of many) as a model of `kind`."""
    report = Report()
    validator = VALIDATORS.get(kind)
    if validator is None:
        report.info(
            "no_validator", _("Models of this kind are stored as they are; there is no validator for them.")
        )
        report.summary = {"kind": kind}
        return report
    try:
        files = read_bundle(raw, filename, report)
    except BundleError as exc:
        report.error("bundle", str(exc), file=filename)
        return report
    if files:
        validator(files, report)
    return report
