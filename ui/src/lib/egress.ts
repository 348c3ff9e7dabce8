/** The window's egress log: every request its content security policy blocked (the policy lets
 *  it load only the app's own files). It stays empty in normal use; anything listed here was
 *  tried and stopped, never sent. */
export type Blocked = { at: string; uri: string; directive: string };

const blocked: Blocked[] = [];
const listeners = new Set<() => void>();

/** Starts listening on `target` (the document): call once, before the app renders. */
export function watchEgress(target: Pick<Document, "addEventListener"> = document): void {
  target.addEventListener("securitypolicyviolation", (e: Event) => {
    const v = e as SecurityPolicyViolationEvent;
    blocked.push({ at: new Date().toISOString(), uri: v.blockedURI || "(inline)", directive: v.effectiveDirective || v.violatedDirective || "?" });
    listeners.forEach((l) => l());
  });
}

/** What was blocked so far, oldest first. */
export function egressLog(): readonly Blocked[] {
  return blocked;
}

/** Calls `l` after each blocked request; returns the unsubscribe. */
export function onEgress(l: () => void): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}
