"""Settings of a benchmark run: the portal's own settings, plus a URLconf with the bare-view floor."""

from marketplace.settings import *  # noqa: F403 - the benchmark measures the portal as configured

ROOT_URLCONF = "bench.urls"
