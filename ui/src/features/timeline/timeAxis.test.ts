import { describe, expect, it } from "vitest";
import { fmtAt, fmtSpan, timeLiteral, zoom } from "./timeAxis";

describe("timeAxis", () => {
  const t = Date.UTC(2024, 4, 10, 13, 5);
  it("shows a time at the precision its span needs", () => {
    expect(fmtAt(t, 10 * 365 * 86_400_000)).toBe("2024");
    expect(fmtAt(t, 300 * 86_400_000)).toBe("2024-05");
    expect(fmtAt(t, 10 * 86_400_000)).toBe("2024-05-10");
    expect(fmtAt(t, 3_600_000)).toBe("2024-05-10 13:05");
    expect(fmtSpan(36 * 3_600_000)).toBe("1.5 d");
    expect(fmtSpan(90_000)).toBe("1.5 min");
  });
  it("zooms around a point, keeping it where it was, never under a minute", () => {
    const [f, to] = zoom(0, 1000_000, 250_000, 0.5);
    expect([f, to]).toEqual([125_000, 625_000]);
    const [a, b] = zoom(0, 100_000, 50_000, 0.01);
    expect(b - a).toBe(60_000);
  });
  it("writes bucket edges as SQL literals; a date edge is the next midnight", () => {
    expect(timeLiteral(t, false)).toBe("'2024-05-10T13:05:00.000Z'");
    expect(timeLiteral(t, true)).toBe("DATE '2024-05-11'");
    expect(timeLiteral(Date.UTC(2024, 4, 10), true)).toBe("DATE '2024-05-10'");
  });
});
