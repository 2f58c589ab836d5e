"""Shared fixtures: imported by tests/conftest.py so that every test module can use them."""
