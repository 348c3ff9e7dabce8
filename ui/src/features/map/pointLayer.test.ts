import { describe, expect, it } from "vitest";
import { mercator, mostOf, radiusOf, translated } from "./pointLayer";

describe("the map's WebGL points", () => {
  it("place lon/lat where MapLibre's Mercator does (0..1 from the north-west)", () => {
    expect(mercator(0, 0)).toEqual([0.5, 0.5]);
    expect(mercator(-180, 0)[0]).toBe(0);
    expect(mercator(90, 0)[0]).toBe(0.75);
    expect(mercator(0, 85.05113)[1]).toBeCloseTo(0, 6);
    expect(mercator(0, -85.05113)[1]).toBeCloseTo(1, 6);
    // Paris, against the formula of MapLibre's MercatorCoordinate.fromLngLat: (180 - 180/π · ln tan(π/4 + φ/2)) / 360.
    const [x, y] = mercator(2.3522, 48.8566);
    expect(x).toBeCloseTo(0.50653389, 8);
    expect(y).toBeCloseTo(0.344028403, 8);
    // Beyond the poles a latitude is held at the map's edge, never NaN.
    expect(Number.isFinite(mercator(0, 90)[1])).toBe(true);
  });

  it("draw cells wider by their count, up to a bound, and points alike", () => {
    expect(radiusOf(null)).toBe(3.5);
    expect(radiusOf(1)).toBeCloseTo(4.6);
    expect(radiusOf(100)).toBe(19);
    expect(radiusOf(10_000_000)).toBe(22);
    expect(mostOf([])).toBe(1);
    expect(mostOf([3, 40, 7])).toBe(40);
  });

  it("move the origin into the matrix: M·T(o)·p equals M·(p + o)", () => {
    // A column-major matrix with every entry different.
    const m = Array.from({ length: 16 }, (_, i) => (i + 1) * 0.37 - 2);
    const [ox, oy] = [0.51234567, 0.33987654];
    const [px, py] = [1e-5, -2e-5];
    const apply = (a: ArrayLike<number>, x: number, y: number) =>
      [0, 1, 2, 3].map((r) => a[r] * x + a[4 + r] * y + a[12 + r]);
    const t = translated(m, ox, oy);
    const moved = apply(t, px, py);
    const direct = apply(m, px + ox, py + oy);
    moved.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 5));
  });
});
