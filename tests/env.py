"""Environment defaults for the test run, loaded before Django starts (pyproject: -p tests.env)."""

import os

# Settings refuse to start without a secret key unless DEBUG is on; tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
