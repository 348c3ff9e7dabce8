#!/usr/bin/env python3
"""Writes crates/lake-core/src/spatial/expected.json: the ST_ functions' answers computed by
shapely (GEOS) and, for distances on the sphere, by the haversine formula written here. The Rust
test runs the same SQL through the lake and compares. Run with a Python that has shapely:
bench/.venv-spatial/bin/python scripts/spatial-expected.py"""
import json
import math
import os

import shapely
from shapely import wkt

R = 6370986.0  # PostGIS's sphere for ST_DistanceSphere

G = {
    "square": "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))",
    "holed": "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))",
    "shifted": "POLYGON ((2 2, 6 2, 6 6, 2 6, 2 2))",
    "inside": "POINT (1 1)",
    "outside": "POINT (5 5)",
    "in_hole": "POINT (3 3)",
    "edge": "POINT (4 2)",
    "path": "LINESTRING (0 0, 3 4, 3 8)",
    "zigzag": "LINESTRING (0 0, 1 0.1, 2 -0.1, 3 5, 4 6)",
    "bowtie": "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))",
    "islands": "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 7 5, 7 7, 5 7, 5 5)))",
    "berlin": "POINT (13.405 52.52)",
    "paris": "POINT (2.3522 48.8566)",
}


def hav(a, b):
    la1, la2 = math.radians(a.y), math.radians(b.y)
    dl = math.radians(b.x - a.x)
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(h)))


def g(name):
    return wkt.loads(G[name])


def sql(name):
    return f"ST_GeomFromText('{G[name]}')"


cases = []


def case(expr, value):
    cases.append({"sql": expr, "expected": value})


for n in ["square", "holed", "islands", "path", "inside"]:
    case(f"ST_Area({sql(n)})", g(n).area)
    case(f"ST_Length({sql(n)})", g(n).length if g(n).geom_type.endswith("LineString") else 0.0)
    case(f"ST_NPoints({sql(n)})", len(shapely.get_coordinates(g(n))))
    case(f"ST_AsText(ST_Centroid({sql(n)}))", g(n).centroid.wkt)
for a, b in [("inside", "outside"), ("path", "outside"), ("square", "outside"), ("islands", "in_hole")]:
    case(f"ST_Distance({sql(a)}, {sql(b)})", g(a).distance(g(b)))
for a, b in [("square", "inside"), ("square", "outside"), ("square", "edge"), ("holed", "in_hole"),
             ("holed", "inside"), ("square", "shifted"), ("holed", "square")]:
    case(f"ST_Contains({sql(a)}, {sql(b)})", g(a).contains(g(b)))
    case(f"ST_Within({sql(b)}, {sql(a)})", g(b).within(g(a)))
    case(f"ST_Intersects({sql(a)}, {sql(b)})", g(a).intersects(g(b)))
case(f"ST_Intersects({sql('path')}, {sql('outside')})", g("path").intersects(g("outside")))
for n in ["square", "bowtie", "path"]:
    case(f"ST_IsValid({sql(n)})", g(n).is_valid)
case(f"ST_AsText(ST_Simplify({sql('zigzag')}, 0.5))", shapely.simplify(g("zigzag"), 0.5, preserve_topology=False).wkt)
case(f"ST_AsText(ST_Envelope({sql('path')}))", g("path").envelope.wkt)
case(f"ST_X({sql('berlin')})", g("berlin").x)
case(f"ST_Y({sql('berlin')})", g("berlin").y)
d = hav(g("berlin"), g("paris"))
case(f"ST_Distance_Sphere({sql('berlin')}, {sql('paris')})", d)
case(f"ST_DWithin({sql('berlin')}, {sql('paris')}, {math.ceil(d)})", True)
case(f"ST_DWithin({sql('berlin')}, {sql('paris')}, {math.floor(d)})", False)
case("ST_AsText(ST_MakeEnvelope(1, 2, 3, 4))", shapely.box(1, 2, 3, 4, ccw=False).wkt)
case("ST_AsText(ST_Point(13.405, 52.52))", "POINT (13.405 52.52)")
case("ST_AsText(ST_GeomFromGeoJSON('{\"type\": \"LineString\", \"coordinates\": [[0, 0], [3, 4]]}'))",
     "LINESTRING (0 0, 3 4)")

out = os.path.join(os.path.dirname(__file__), "..", "crates", "lake-core", "src", "spatial", "expected.json")
with open(out, "w") as f:
    json.dump({"made_by": f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})",
               "cases": cases}, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases -> {out}")
