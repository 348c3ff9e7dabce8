import type { ErrorPayload } from "../bindings/types";
import { hintFor } from "../lib/errors";

export function ErrorBox({ error, onDismiss }: { error: ErrorPayload; onDismiss?: () => void }) {
  const hint = hintFor(error);
  const line = error.details["line"];
  const column = error.details["column"];
  return (
    <div className={`error-box ${error.code === "cancelled" ? "muted" : ""}`} role="alert" data-testid="error-box" data-code={error.code}>
      <div className="error-message">{error.message}</div>
      {typeof line === "number" && typeof column === "number" && (
        <div className="error-where">
          line {line}, column {column}
        </div>
      )}
      {hint && (
        <div className="error-hint" data-testid="error-hint">
          {hint}
        </div>
      )}
      {onDismiss && (
        <button className="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
