"""Reading an uploaded model: one JSON file or a zip of many, with caps against zip bombs and traversal."""

import io
import json
import posixpath
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .report import Report

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_MEMBER_BYTES = 25 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed of one member: beyond this it is a bomb, not JSON
JSON_SUFFIXES = (".json", ".jsonld", ".geojson", ".city.json")


@dataclass
class SourceFile:
    name: str
    data: object  # the parsed JSON


class BundleError(Exception):
    """The upload cannot be read at all (not JSON, not a safe zip)."""


def _safe_member_name(name: str) -> str | None:
    """The member's normalised relative path, or None when it could escape (absolute, '..', drive)."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/")[0]:
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("..") or normal.startswith("/") or "/../" in f"/{normal}/":
        return None
    return normal


def _parse(name: str, raw: bytes, report: Report) -> SourceFile | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error("encoding", _("The file is not UTF-8 text."), file=name)
        return None
    try:
        return SourceFile(name, json.loads(text))
    except json.JSONDecodeError as exc:
        report.error(
            "json",
            _("Not valid JSON: %(msg)s (line %(line)s, column %(col)s).")
            % {"msg": exc.msg, "line": exc.lineno, "col": exc.colno},
            file=name,
        )
    except RecursionError:
        report.error("json", _("The JSON is nested too deeply."), file=name)
    return None


def read_bundle(raw: bytes, filename: str, report: Report) -> list[SourceFile]:
    """The JSON documents of an upload (a JSON file or a zip); problems go to `report`."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise BundleError(_("The upload is larger than %(n)s MB.") % {"n": MAX_UPLOAD_BYTES // 1024 // 1024})
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        parsed = _parse(filename, raw, report)
        return [parsed] if parsed else []
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise BundleError(_("The zip file is damaged.")) from exc
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise BundleError(_("The zip holds more than %(n)s files.") % {"n": MAX_ZIP_MEMBERS})
    files, total = [], 0
    for member in members:
        if member.is_dir():
            continue
        name = _safe_member_name(member.filename)
        if name is None:
            report.error(
                "zip_path", _("Unsafe path in the zip (absolute or with ..); skipped."), file=member.filename
            )
            continue
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            report.error("zip_symlink", _("Symbolic links are not allowed in the zip; skipped."), file=name)
            continue
        if name.startswith("__MACOSX/") or posixpath.basename(name).startswith("."):
            continue
        if not name.lower().endswith(JSON_SUFFIXES):
            report.info("not_json", _("Not a JSON file; not validated."), file=name)
            continue
        if member.file_size > MAX_MEMBER_BYTES:
            report.error("too_large", _("The file is larger than the limit per file; skipped."), file=name)
            continue
        if (
            member.compress_size
            and member.file_size / member.compress_size > MAX_RATIO
            and member.file_size > 1_000_000
        ):
            raise BundleError(_("The zip looks like a zip bomb (%(name)s).") % {"name": name})
        total += member.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError(
                _("The zip unpacks to more than %(n)s MB.") % {"n": MAX_TOTAL_BYTES // 1024 // 1024}
            )
        with archive.open(member) as handle:
            # Read one byte beyond the declared size: a lying header cannot make us read more.
            data = handle.read(member.file_size + 1)
        if len(data) > member.file_size:
            raise BundleError(_("The zip's declared sizes are wrong (%(name)s).") % {"name": name})
        parsed = _parse(name, data, report)
        if parsed:
            files.append(parsed)
    if not files and not report.counts["error"]:
        report.error("empty", _("The zip holds no JSON files."), file=filename)
    return files
