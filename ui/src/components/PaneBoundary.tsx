import { Component, type ReactNode } from "react";

/** Keeps a pane's failure in the pane: the message is shown where it was, and the rest of the
 *  window goes on (a chart or map that throws does not blank the app). */
export class PaneBoundary extends Component<{ children: ReactNode; what: string }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return (
        <div className="error-box" data-testid="pane-error">
          The {this.props.what} could not be drawn: {this.state.error.message}
        </div>
      );
    }
    return this.props.children;
  }
}
