"""Digital Twin Model Identifiers (DTMI): syntax rules of DTDL v2 and v3."""

import re

from django.utils.translation import gettext as _

# dtmi:<segment>(:<segment>)*[;<version>] — segments start with a letter, hold letters, digits and
# underscores, and do not end with an underscore. Versions are 1–999999999 without leading zeros;
# DTDL v3 also allows a minor version (1–999999).
_SEGMENT = r"[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?"
_SYSTEM_SEGMENT = r"_[A-Za-z0-9_]*[A-Za-z0-9]|_[A-Za-z0-9]"  # generated ids of nested elements (v3)
_DTMI = re.compile(
    rf"^dtmi:((?:{_SEGMENT}|{_SYSTEM_SEGMENT})(?::(?:{_SEGMENT}|{_SYSTEM_SEGMENT}))*)(?:;(.*))?$"
)
_MAJOR = re.compile(r"^[1-9][0-9]{0,8}$")
_MAJOR_MINOR = re.compile(r"^[1-9][0-9]{0,8}\.[1-9][0-9]{0,5}$")

MAX_LENGTH = 2048
MAX_INTERFACE_LENGTH_V2 = 128


def dtmi_problem(value, *, dtdl_version: int, interface: bool = False) -> str | None:
    """Why `value` is not a valid DTMI for an element of this DTDL version, or None when it is."""
    if not isinstance(value, str):
        return _("An @id must be a string.")
    if not value.startswith("dtmi:"):
        return _("“%(id)s” is not a DTMI: it must start with “dtmi:”.") % {"id": value[:200]}
    if len(value) > MAX_LENGTH:
        return _("The DTMI is longer than %(n)s characters.") % {"n": MAX_LENGTH}
    if interface and dtdl_version == 2 and len(value) > MAX_INTERFACE_LENGTH_V2:
        return _("An Interface's DTMI may not be longer than %(n)s characters in DTDL v2.") % {
            "n": MAX_INTERFACE_LENGTH_V2
        }
    match = _DTMI.match(value)
    if match is None:
        return _(
            "“%(id)s” is not a valid DTMI: path segments start with a letter, contain only letters, digits "
            "and underscores, do not end with an underscore, and are separated by colons."
        ) % {"id": value[:200]}
    version = match.group(2)
    if version is None:
        if interface and dtdl_version == 2:
            return _("“%(id)s” has no version (…;1): DTDL v2 requires one.") % {"id": value[:200]}
        return None
    if _MAJOR.match(version):
        return None
    if dtdl_version >= 3 and _MAJOR_MINOR.match(version):
        return None
    return _(
        "“%(id)s” has an invalid version “%(version)s”: use a whole number from 1 to 999999999 without "
        "leading zeros%(minor)s."
    ) % {
        "id": value[:200],
        "version": version[:20],
        "minor": _(" (DTDL v3: optionally .minor)") if dtdl_version >= 3 else "",
    }


def is_dtmi(value) -> bool:
    return isinstance(value, str) and value.startswith("dtmi:")
