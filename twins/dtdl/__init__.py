"""DTDL v2/v3: DTMI syntax, validation of a set of interfaces, and the parsed model for exploration."""

from .dtmi import dtmi_problem, is_dtmi
from .validator import inherited_contents, validate_dtdl

__all__ = ["dtmi_problem", "inherited_contents", "is_dtmi", "validate_dtdl"]
