import { describe, expect, it } from "vitest";
import { boxSql, coordinatePair, extentOf, ringWkt, shapeSql, statsBox } from "./mapMath";

describe("map helpers", () => {
  it("pairs coordinate columns as the engine does", () => {
    const cols = (...c: [string, string][]) => c.map(([name, dtype]) => ({ name, dtype }));
    expect(coordinatePair(cols(["id", "i64"], ["lat", "f64"], ["lon", "f64"]))).toEqual(["lon", "lat"]);
    expect(coordinatePair(cols(["start_lng", "f64"], ["start_lat", "f64"]))).toEqual(["start_lng", "start_lat"]);
    expect(coordinatePair(cols(["Longitude", "f64"], ["Latitude", "f64"]))).toEqual(["Longitude", "Latitude"]);
    // Text columns and unpaired ones are not coordinates.
    expect(coordinatePair(cols(["lon", "str"], ["lat", "f64"]))).toBeNull();
    expect(coordinatePair(cols(["lon", "f64"], ["latitude", "f64"]))).toBeNull();
  });

  it("writes the box as SQL the guard accepts, quoting odd column names", () => {
    expect(boxSql("takeout.location_points", "lon", "lat", [-0.12, 51.5, 1e-8, 51.6])).toBe(
      "SELECT *\nFROM takeout.location_points\nWHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope(-0.12, 51.5, 0, 51.6))\nLIMIT 1000",
    );
    expect(boxSql("t", 'My "Lon"', "Lat", [0, 0, 1, 1])).toContain('ST_Point("My ""Lon""", "Lat")');
  });

  it("closes a drawn ring and queries inside it", () => {
    const ring: [number, number][] = [[0, 0], [1, 0], [0.123456789, 1]];
    expect(ringWkt(ring)).toBe("POLYGON((0 0, 1 0, 0.1234568 1, 0 0))");
    expect(shapeSql("t", "lon", "lat", ring)).toBe(
      "SELECT *\nFROM t\nWHERE ST_Within(ST_Point(lon, lat), ST_GeomFromText('POLYGON((0 0, 1 0, 0.1234568 1, 0 0))'))\nLIMIT 1000",
    );
  });

  it("finds the box of many points without spreading them into arguments", () => {
    const n = 200_000;
    const xs = Array.from({ length: n }, (_, i) => (i % 360) - 180);
    const ys = Array.from({ length: n }, (_, i) => (i % 90) - 45);
    expect(extentOf(xs, ys)).toEqual([-180, -45, 179, 44]);
    expect(extentOf([], [])).toBeNull();
  });

  it("starts at the columns' statistics, inside the world", () => {
    const c = [
      { name: "lon", min: -200, max: 10 },
      { name: "lat", min: 40, max: 50 },
    ];
    expect(statsBox(c, "lon", "lat")).toEqual([-180, 40, 10, 50]);
    expect(statsBox([{ name: "lon", min: null, max: 1 }], "lon", "lat")).toBeNull();
  });
});
