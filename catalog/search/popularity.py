"""The "most viewed" sort on the facet index: each dataset's recent views as an array by dataset id.

The scores come from `catalog.hooks.get_popularity()` (the metrics app's rollups) and are reloaded
when its token changes — asked at most every `CHECK_SECONDS` (rollups run every 15 minutes)."""

import itertools
import threading
import time

import numpy as np

from catalog import hooks

CHECK_SECONDS = 5.0
_versions = itertools.count(1)  # never repeats, even across resets (the index memoises by version)


class _Scores:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: object = object()
        self.checked = -1e9
        self.views = np.zeros(0, dtype=np.int64)
        self.version = 0


_scores = _Scores()


def reset() -> None:
    global _scores
    _scores = _Scores()


def current(size: int) -> tuple[np.ndarray, int]:
    """(views by dataset id, at least `size` long; a version that changes with the scores)."""
    state = _scores
    with state.lock:
        now = time.monotonic()
        if now - state.checked >= CHECK_SECONDS:
            state.checked = now
            source = hooks.get_popularity()
            token = (id(source), source.token())
            if token != state.token:
                pairs = np.array(list(source.scores()), dtype=np.int64).reshape(-1, 2)
                views = np.zeros(int(pairs[:, 0].max()) + 1 if len(pairs) else 0, dtype=np.int64)
                views[pairs[:, 0]] = pairs[:, 1]
                state.views, state.token = views, token
                state.version = next(_versions)
        views = state.views
        if len(views) < size:
            views = np.concatenate([views, np.zeros(size - len(views), dtype=np.int64)])
        return views[:size] if len(views) > size else views, state.version
