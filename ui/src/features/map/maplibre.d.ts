// The CSP build of MapLibre (its worker is a file of the app, not a blob), typed as the main one.
declare module "maplibre-gl/dist/maplibre-gl-csp.js" {
  export * from "maplibre-gl";
}
