"""Demo data requests and showcases (filled below)."""


def load_demand_demo(*, organisations, editors, now) -> None:
    return None
