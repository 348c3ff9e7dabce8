import { describe, expect, it } from "vitest";
import { DAY_MS, dayRange, fmtAt, fmtClock, fmtRange, fmtSpan, timeLiteral, zoom } from "./timeAxis";

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
  it("reads a day and shows a listed stretch's times", () => {
    const may2 = Date.UTC(2024, 4, 2);
    expect(dayRange(" 2024-05-02 ")).toEqual([may2, may2 + DAY_MS]);
    expect(dayRange("2024-02-30")).toBeNull();
    expect(dayRange("May 2")).toBeNull();
    expect(fmtRange(may2, may2 + DAY_MS)).toBe("2024-05-02 (UTC)");
    expect(fmtRange(may2 + 3_600_000, may2 + 7_200_000)).toBe("2024-05-02 01:00 → 2024-05-02 02:00 (UTC)");
    expect(fmtClock(may2 + 3_723_000, DAY_MS)).toBe("01:02:03");
    expect(fmtClock(may2 + 3_723_000, 3 * DAY_MS)).toBe("2024-05-02 01:02:03");
  });
});
