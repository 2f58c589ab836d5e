"""Health checks of live services through the SSRF-safe client (catalog.net): an NGSI-LD context broker
(`/types`, else a few entities) or an OGC SensorThings endpoint (`/Things`)."""

import time
from collections import Counter
from dataclasses import dataclass, field

from catalog import net

from .choices import ServiceKind

MAX_BYTES = 2 * 1024 * 1024
SAMPLE_SIZE = 20


@dataclass
class ProbeResult:
    ok: bool
    latency_ms: int | None = None
    error: str = ""
    sample: list[dict] = field(default_factory=list)


def _get(url: str, **params) -> net.Response:
    return net.fetch(
        url,
        params=params or None,
        headers={"Accept": "application/json, application/ld+json"},
        max_bytes=MAX_BYTES,
        total_timeout=15,
    )


def _ngsi_ld(base: str) -> list[dict]:
    """Entity types with counts when the broker offers /types, else counted from the first entities."""
    try:
        data = _get(f"{base}/types").json()
        items = data.get("typeList") if isinstance(data, dict) else data
        if isinstance(items, list):
            names = [
                i.get("type") or i.get("typeName") or i.get("id") if isinstance(i, dict) else i for i in items
            ]
            return [{"name": str(n)[:200], "count": None} for n in names if n][:SAMPLE_SIZE]
    except net.HTTPStatusError:
        pass
    entities = _get(f"{base}/entities", limit=100).json()
    if not isinstance(entities, list):
        raise net.InvalidResponse("the broker's /entities did not answer a JSON array", url=base)
    counts = Counter(str(e.get("type"))[:200] for e in entities if isinstance(e, dict))
    return [{"name": name, "count": n} for name, n in counts.most_common(SAMPLE_SIZE)]


def _sensorthings(base: str) -> list[dict]:
    data = _get(f"{base}/Things", **{"$top": SAMPLE_SIZE, "$select": "name,description"}).json()
    things = data.get("value") if isinstance(data, dict) else None
    if not isinstance(things, list):
        raise net.InvalidResponse("/Things did not answer a SensorThings collection", url=base)
    return [{"name": str(t.get("name", ""))[:200], "count": None} for t in things if isinstance(t, dict)]


def probe(kind: str, url: str) -> ProbeResult:
    base = url.rstrip("/")
    started = time.monotonic()
    try:
        sample = _ngsi_ld(base) if kind == ServiceKind.NGSI_LD else _sensorthings(base)
    except net.FetchError as exc:
        return ProbeResult(ok=False, latency_ms=int((time.monotonic() - started) * 1000), error=str(exc))
    return ProbeResult(ok=True, latency_ms=int((time.monotonic() - started) * 1000), sample=sample)
