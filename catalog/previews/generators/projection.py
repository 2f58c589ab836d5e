"""Projected coordinates of European city data → WGS84 longitude/latitude, so that footprints and features
in a national grid are drawn on the map beside the dataset's extent. No projection library is installed:
the few grids of the portal's cities are done here — accurate to about a metre, plenty for a preview.

* EPSG:28992 / 7415 (Dutch RD New, + NAP) — the RDNAPTRANS approximation by Schreutelkamp and
  Strang van Hees (polynomial, ETRS89 within ~1 m);
* Transverse Mercator on GRS80 (Snyder's inverse): UTM (WGS84 326xx, ETRS89 258xx), ETRS-TM35FIN
  (3067), ETRS-GK19…31 (3873–3885, Helsinki's 3879), Poland CS92 (2180), Lithuania LKS94 (3346);
* EPSG:3857 (web Mercator).

`transformer(crs)` gives a function (x, y) → (lon, lat), or None for a CRS not listed here (the map then
shows the plain planar coordinates).
"""

import math
from collections.abc import Callable

A = 6378137.0
F = 1 / 298.257222101
E2 = F * (2 - F)
EP2 = E2 / (1 - E2)
_E1 = (1 - math.sqrt(1 - E2)) / (1 + math.sqrt(1 - E2))
_MU_DIVISOR = A * (1 - E2 / 4 - 3 * E2**2 / 64 - 5 * E2**3 / 256)

# RD New → WGS84: (p, q, coefficient) for latitude and longitude (arc seconds).
RD_LAT = [
    (0, 1, 3235.65389),
    (2, 0, -32.58297),
    (0, 2, -0.24750),
    (2, 1, -0.84978),
    (0, 3, -0.06550),
    (2, 2, -0.01709),
    (1, 0, -0.00738),
    (4, 0, 0.00530),
    (2, 3, -0.00039),
    (4, 1, 0.00033),
    (1, 1, -0.00012),
]
RD_LON = [
    (1, 0, 5260.52916),
    (1, 1, 105.94684),
    (1, 2, 2.45656),
    (3, 0, -0.81885),
    (1, 3, 0.05594),
    (3, 1, -0.05607),
    (0, 1, 0.01199),
    (3, 2, -0.00256),
    (1, 4, 0.00128),
    (0, 2, 0.00022),
    (2, 0, -0.00022),
    (5, 0, 0.00026),
]


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    dx, dy = (x - 155000) * 1e-5, (y - 463000) * 1e-5
    lat = 52.15517440 + sum(c * dx**p * dy**q for p, q, c in RD_LAT) / 3600
    lon = 5.38720621 + sum(c * dx**p * dy**q for p, q, c in RD_LON) / 3600
    return lon, lat


def tm_inverse(x: float, y: float, *, lon0: float, k0: float, false_easting: float, false_northing: float):
    """Transverse Mercator (GRS80, latitude of origin 0) grid → (lon, lat) in degrees (Snyder 1987)."""
    mu = (y - false_northing) / k0 / _MU_DIVISOR
    phi1 = (
        mu
        + (3 * _E1 / 2 - 27 * _E1**3 / 32) * math.sin(2 * mu)
        + (21 * _E1**2 / 16 - 55 * _E1**4 / 32) * math.sin(4 * mu)
        + (151 * _E1**3 / 96) * math.sin(6 * mu)
        + (1097 * _E1**4 / 512) * math.sin(8 * mu)
    )
    sin1, cos1, tan1 = math.sin(phi1), math.cos(phi1), math.tan(phi1)
    c1, t1 = EP2 * cos1**2, tan1**2
    n1 = A / math.sqrt(1 - E2 * sin1**2)
    r1 = A * (1 - E2) / (1 - E2 * sin1**2) ** 1.5
    d = (x - false_easting) / (n1 * k0)
    lat = phi1 - (n1 * tan1 / r1) * (
        d**2 / 2
        - (5 + 3 * t1 + 10 * c1 - 4 * c1**2 - 9 * EP2) * d**4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1**2 - 252 * EP2 - 3 * c1**2) * d**6 / 720
    )
    lon = (
        d
        - (1 + 2 * t1 + c1) * d**3 / 6
        + (5 - 2 * c1 + 28 * t1 - 3 * c1**2 + 8 * EP2 + 24 * t1**2) * d**5 / 120
    ) / cos1
    return lon0 + math.degrees(lon), math.degrees(lat)


def web_mercator_to_wgs84(x: float, y: float) -> tuple[float, float]:
    return math.degrees(x / A), math.degrees(2 * math.atan(math.exp(y / A)) - math.pi / 2)


def _tm(lon0: float, k0: float, false_easting: float, false_northing: float = 0.0) -> Callable:
    def transform(x, y):
        return tm_inverse(x, y, lon0=lon0, k0=k0, false_easting=false_easting, false_northing=false_northing)

    return transform


def transformer(crs: str) -> Callable[[float, float], tuple[float, float]] | None:
    code = crs.rsplit(":", 1)[-1]
    if not code.isdigit():
        return None
    number = int(code)
    if number in (28992, 7415):
        return rd_to_wgs84
    if number in (3857, 900913):
        return web_mercator_to_wgs84
    if 32601 <= number <= 32660:
        return _tm(-183 + 6 * (number - 32600), 0.9996, 500000)
    if 25828 <= number <= 25838:
        return _tm(-183 + 6 * (number - 25800), 0.9996, 500000)
    if number == 3067:
        return _tm(27, 0.9996, 500000)
    if 3873 <= number <= 3885:
        zone = number - 3854
        return _tm(zone, 1.0, zone * 1_000_000 + 500000)
    if number == 2180:
        return _tm(19, 0.9993, 500000, -5300000)
    if number == 3346:
        return _tm(24, 0.9998, 500000)
    return None
