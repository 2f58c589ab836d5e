"""Browser tests of the quality checks, with the shared browser fixtures (chromium, vocabularies)."""

from tests.browser.conftest import _allow_async_unsafe, browser_type_launch_args, vocabularies  # noqa: F401
