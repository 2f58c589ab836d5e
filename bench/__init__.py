"""Benchmarks of the catalogue's hot paths against floors measured in the same run (design.md §10).

Run ``python -m bench --help``. Nothing here is imported by the portal or the test suite.
"""
