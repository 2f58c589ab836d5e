"""Demo usage: filled in by a helper (a realistic synthetic year of events)."""


def load_metrics_demo(*, organisations, editors, now) -> None:
    return None
