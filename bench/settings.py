"""Settings of a benchmark run: the portal's own settings, plus a URLconf with the bare-view floor."""

from marketplace.settings import *  # noqa: F403 - the benchmark measures the portal as configured

ROOT_URLCONF = "bench.urls"

# The search facet index is built by the first search (timed separately), not in the background.
SEARCH_INDEX_BUILD_INLINE = True
