import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { call } from "./bindings/commands";
import { watchEgress } from "./lib/egress";
import "./styles.css";

// Before anything renders, so no blocked request goes unlisted.
watchEgress();

// The one IPC entry point the UI uses, for the end-to-end test to send it bad calls.
(window as unknown as { __datapunkCall: typeof call }).__datapunkCall = call;

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
