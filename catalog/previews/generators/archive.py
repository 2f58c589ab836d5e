"""Zip archives: a listing of the members, and the zip-bomb check every zip-based format passes first."""

import zipfile

from django.utils.translation import gettext as _

from .base import (
    MAX_ARCHIVE_MEMBERS,
    MAX_COMPRESSION_RATIO,
    MAX_EXPANDED_BYTES,
    PreviewUnavailable,
    Result,
    cut,
)

LISTED_MEMBERS = 200


def check_zip(stream) -> zipfile.ZipFile:
    """Open `stream` as a zip and refuse archives that expand past the limits (declared sizes; members
    are also read with a cap, see read_member)."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PreviewUnavailable(_("The file is not a valid zip archive.")) from exc
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise PreviewUnavailable(
            _("The archive has %(n)d members; more than %(max)d are not previewed.")
            % {"n": len(members), "max": MAX_ARCHIVE_MEMBERS}
        )
    expanded = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    if expanded > MAX_EXPANDED_BYTES or expanded / compressed > MAX_COMPRESSION_RATIO:
        raise PreviewUnavailable(
            _("The archive would expand to %(mb)d MB (%(ratio)d times its size): it looks like a zip bomb.")
            % {"mb": expanded // 2**20, "ratio": expanded // compressed}
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, stopping at `limit` whatever its header declares."""
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise PreviewUnavailable(_("A member of the archive is larger than it declares or than the limit."))
    return data


def zip_preview(stream) -> Result:
    archive = check_zip(stream)
    members = archive.infolist()
    entries = [
        {"name": cut(m.filename, 200), "size": m.file_size, "compressed": m.compress_size, "dir": m.is_dir()}
        for m in members[:LISTED_MEMBERS]
    ]
    return Result(
        kind="archive",
        data={
            "format": "zip",
            "members": entries,
            "member_count": len(members),
            "expanded_bytes": sum(m.file_size for m in members),
            "truncated": len(members) > LISTED_MEMBERS,
        },
    )
