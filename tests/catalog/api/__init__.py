"""Tests of the catalogue's REST API (/api/v1/)."""
