import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The app loads only its own bundled files (CSP default-src 'self'), so no CDN and no eval.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", target: "safari15", sourcemap: false, chunkSizeWarningLimit: 2000 },
  test: { environment: "happy-dom", include: ["src/**/*.test.{ts,tsx}"] },
});
