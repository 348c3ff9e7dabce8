// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { watchEgress } from "../lib/egress";
import { OfflineBadge } from "./OfflineBadge";

afterEach(cleanup);

describe("OfflineBadge", () => {
  it("says Offline with an empty log, then lists a request the policy blocked", () => {
    const target = new EventTarget();
    watchEgress(target as unknown as Document);
    render(<OfflineBadge />);
    expect(screen.getByTestId("offline-badge").textContent).toBe("● Offline");
    fireEvent.click(screen.getByTestId("offline-badge"));
    expect(screen.getByTestId("egress-empty")).toBeTruthy();
    act(() => {
      const e = Object.assign(new Event("securitypolicyviolation"), { blockedURI: "https://tracker.example/pixel", effectiveDirective: "img-src" });
      target.dispatchEvent(e);
    });
    expect(screen.getByTestId("offline-badge").textContent).toBe("● Offline · 1 blocked");
    expect(screen.getByTestId("egress-log").textContent).toContain("https://tracker.example/pixel");
    expect(screen.getByTestId("egress-log").textContent).toContain("img-src");
  });
});
