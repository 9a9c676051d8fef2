"""A static map for the brief, drawn here as SVG: labelled points over country outlines, with
nothing fetched. The outlines are Natural Earth's 1:50m countries as the world-atlas npm package
ships them (TopoJSON, copied into the workbench's vendor folder by scripts/setup-web.sh); where
that file is missing the points are drawn on a plain latitude/longitude grid instead.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

OUTLINES = Path(__file__).parents[1] / "web" / "static" / "vendor" / "countries-50m.json"
WIDTH, HEIGHT = 640, 400


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str
    ref: str  # the record it stands for: "entity:24"


@lru_cache(maxsize=1)
def _rings() -> list[list[tuple[float, float]]]:
    """Every country's outline rings as (lon, lat) lists, decoded from the TopoJSON."""
    if not OUTLINES.is_file():
        return []
    topo = json.loads(OUTLINES.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(part[1:] if out else part)
        return out

    rings: list[list[tuple[float, float]]] = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons: Any = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            rings.extend(ring(r) for r in polygon)
    return rings


def svg(points: list[Point]) -> str:
    """The map as an inline SVG element, each point numbered as ``points`` are (the brief's
    legend names them); an empty string when there is nothing to place."""
    if not points:
        return ""
    lats = [p.latitude for p in points]
    lons = [p.longitude for p in points]
    # The points' box, padded so that a single place still shows its surroundings.
    pad = max(1.5, 0.25 * max(max(lats) - min(lats), max(lons) - min(lons)))
    south, north = max(-85.0, min(lats) - pad), min(85.0, max(lats) + pad)
    west, east = max(-180.0, min(lons) - pad), min(180.0, max(lons) + pad)
    # Equirectangular, longitudes shrunk by the cosine of the middle latitude.
    k = math.cos(math.radians((south + north) / 2))
    # Widen the shorter side to the picture's proportions, around the same centre.
    span_x, span_y = (east - west) * k, north - south
    if span_x / span_y < WIDTH / HEIGHT:
        extra = (span_y * WIDTH / HEIGHT / k - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = (span_x * HEIGHT / WIDTH - span_y) / 2
        south, north = south - extra, north + extra
    span_x, span_y = (east - west) * k, north - south
    scale = min(WIDTH / span_x, HEIGHT / span_y)
    width, height = span_x * scale, span_y * scale

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * k * scale, (north - lat) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="Map of the places named">',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#eef3f7"/>',
    ]
    rings = _rings()
    for ring in rings:
        if not any(west - 5 <= x <= east + 5 and south - 5 <= y <= north + 5 for x, y in ring):
            continue
        d = "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in (xy(x, y) for x, y in ring)) + "Z"
        parts.append(f'<path d="{d}" fill="#fbfaf6" stroke="#9a9a9a" stroke-width="0.6"/>')
    if not rings:  # no outlines: a graticule, every degree or every five
        step = 1 if max(east - west, north - south) <= 12 else 5
        for lon in range(math.ceil(west / step) * step, int(east) + 1, step):
            x, _ = xy(lon, north)
            parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height:.0f}" '
                         f'stroke="#ccc" stroke-width="0.5"/>'
                         f'<text x="{x + 2:.1f}" y="{height - 3:.0f}" font-size="8" '
                         f'fill="#888">{lon}°E</text>')  # fmt: skip
        for lat in range(math.ceil(south / step) * step, int(north) + 1, step):
            _, y = xy(west, lat)
            parts.append(f'<line x1="0" y1="{y:.1f}" x2="{width:.0f}" y2="{y:.1f}" '
                         f'stroke="#ccc" stroke-width="0.5"/>'
                         f'<text x="2" y="{y - 2:.1f}" font-size="8" fill="#888">{lat}°N</text>')  # fmt: skip
    for n, p in enumerate(points, 1):
        x, y = xy(p.longitude, p.latitude)
        parts.append(
            f'<g data-cite="{escape(p.ref)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="4" '
            f'fill="#b3261e" stroke="#fff" stroke-width="1"/>'
            f'<text x="{x + 5:.1f}" y="{y - 3:.1f}" font-size="10" font-weight="bold" '
            f'fill="#222">{n}</text><title>{escape(p.label)}</title></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
