import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-50m.json";
import type { FeatureCollection, MultiLineString } from "geojson";

/** The offline basemap: Natural Earth 1:50m land and borders (public domain), bundled. */
export function basemap(): { land: FeatureCollection; borders: MultiLineString } {
  const topo = world as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = feature(topo, topo.objects.land) as unknown as FeatureCollection;
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b) as MultiLineString;
  return { land, borders };
}
