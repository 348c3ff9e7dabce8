import type { CustomLayerInterface, CustomRenderMethodInput, Map as MapLibreMap } from "maplibre-gl";

/**
 * The viewport's points (or counts per cell) drawn by WebGL straight from their coordinates:
 * no GeoJSON and no tiling on MapLibre's worker, so an answer is on screen in the next frame
 * even while the basemap's tiles of a new zoom are still being made.
 *
 * Positions are kept relative to an origin near the points, in float32, and the origin goes
 * into the matrix (computed in float64): points stay still at street zoom, where absolute
 * Mercator coordinates in float32 would be metres apart.
 */

/** Mercator x and y (0..1 across the world) of a longitude and latitude. */
export function mercator(lon: number, lat: number): [number, number] {
  const s = Math.sin((Math.max(-85.05113, Math.min(85.05113, lat)) * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
}

/** A cell of `n` points is drawn this wide (CSS pixels, radius); a single point 3.5. */
export function radiusOf(n: number | null): number {
  return n == null ? 3.5 : Math.min(22, 3 + 1.6 * Math.sqrt(n));
}

/** The largest count, at least 1 (the heatmap's weights are shares of it). */
export function mostOf(counts: ArrayLike<number>): number {
  let most = 1;
  for (let i = 0; i < counts.length; i++) if (counts[i] > most) most = counts[i];
  return most;
}

/** `m` (column-major 4x4) times a translation by (x, y). */
export function translated(m: ArrayLike<number>, x: number, y: number): Float32Array {
  const out = new Float32Array(16);
  for (let i = 0; i < 12; i++) out[i] = m[i];
  for (let r = 0; r < 4; r++) out[12 + r] = m[r] * x + m[4 + r] * y + m[12 + r];
  return out;
}

const VERTEX = `
attribute vec2 a_pos;
attribute float a_radius;
uniform mat4 u_matrix;
uniform float u_ratio;
varying float v_radius;
void main() {
  gl_Position = u_matrix * vec4(a_pos, 0.0, 1.0);
  v_radius = a_radius * u_ratio;
  gl_PointSize = 2.0 * (v_radius + u_ratio);
}`;

// A disc with a dark edge, in premultiplied alpha (MapLibre's blend function). The precision
// is the vertex shader's: a uniform both read must have one precision, or the link fails.
const FRAGMENT = `
precision highp float;
uniform vec4 u_fill;
uniform float u_ratio;
varying float v_radius;
void main() {
  float size = v_radius + u_ratio;
  float d = length(gl_PointCoord - vec2(0.5)) * 2.0 * size;
  if (d > size) discard;
  float edge = smoothstep(v_radius - 0.6 * u_ratio, v_radius, d);
  vec4 stroke = vec4(0.043, 0.059, 0.078, 1.0);
  vec4 c = mix(u_fill, stroke, edge);
  float a = c.a * (1.0 - smoothstep(size - 1.0, size, d));
  gl_FragColor = vec4(c.rgb * a, a);
}`;

function shader(gl: WebGLRenderingContext, kind: number, source: string): WebGLShader {
  const s = gl.createShader(kind)!;
  gl.shaderSource(s, source);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`the map's point shader: ${gl.getShaderInfoLog(s)}`);
  return s;
}

export class PointLayer implements CustomLayerInterface {
  readonly id = "pts";
  readonly type = "custom" as const;
  readonly renderingMode = "2d" as const;
  /** Whether the points are drawn (the heatmap stands in for them while it is on). */
  visible = true;
  /** The answer drawn last, by the sequence number `set` was given. */
  drawnSeq = 0;
  private map: MapLibreMap | null = null;
  private program: WebGLProgram | null = null;
  private buffer: WebGLBuffer | null = null;
  private data = new Float32Array(0);
  private lons: ArrayLike<number> = [];
  private lats: ArrayLike<number> = [];
  private cells = false;
  private count = 0;
  private origin: [number, number] = [0.5, 0.5];
  private seq = 0;
  private uploaded = true;

  onAdd(map: MapLibreMap, gl: WebGLRenderingContext | WebGL2RenderingContext) {
    this.map = map;
    const p = gl.createProgram()!;
    gl.attachShader(p, shader(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(`the map's point shaders: ${gl.getProgramInfoLog(p)}`);
    this.program = p;
    this.buffer = gl.createBuffer();
    this.uploaded = false;
  }

  onRemove(_map: MapLibreMap, gl: WebGLRenderingContext | WebGL2RenderingContext) {
    if (this.buffer) gl.deleteBuffer(this.buffer);
    if (this.program) gl.deleteProgram(this.program);
    this.map = null;
  }

  /** Draws these points from the next frame on: single points, or cells of `counts[i]`. */
  set(lons: ArrayLike<number>, lats: ArrayLike<number>, counts: ArrayLike<number>, seq: number) {
    const n = lons.length;
    this.cells = counts.length > 0;
    this.lons = lons;
    this.lats = lats;
    this.origin = n > 0 ? mercator(lons[0], lats[0]) : [0.5, 0.5];
    const data = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const [x, y] = mercator(lons[i], lats[i]);
      data[i * 3] = x - this.origin[0];
      data[i * 3 + 1] = y - this.origin[1];
      data[i * 3 + 2] = radiusOf(this.cells ? counts[i] : null);
    }
    this.data = data;
    this.count = n;
    this.seq = seq;
    this.uploaded = false;
    this.map?.triggerRepaint();
  }

  render(gl: WebGLRenderingContext | WebGL2RenderingContext, options: CustomRenderMethodInput) {
    if (!this.program || !this.buffer) return;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    if (!this.uploaded) {
      gl.bufferData(gl.ARRAY_BUFFER, this.data, gl.STATIC_DRAW);
      this.uploaded = true;
    }
    if (this.visible && this.count > 0) {
      const p = this.program;
      gl.useProgram(p);
      // Mercator (0..1) to clip space, in float64 (MapLibre's own matrix for custom layers).
      const matrix = translated(options.defaultProjectionData.mainMatrix, this.origin[0], this.origin[1]);
      gl.uniformMatrix4fv(gl.getUniformLocation(p, "u_matrix"), false, matrix);
      gl.uniform1f(gl.getUniformLocation(p, "u_ratio"), this.map?.getPixelRatio() ?? 1);
      const fill = this.cells ? [0.898, 0.753, 0.482, 0.75] : [0.31, 0.702, 0.749, 0.85];
      gl.uniform4f(gl.getUniformLocation(p, "u_fill"), fill[0], fill[1], fill[2], fill[3]);
      const pos = gl.getAttribLocation(p, "a_pos");
      const radius = gl.getAttribLocation(p, "a_radius");
      gl.enableVertexAttribArray(pos);
      gl.vertexAttribPointer(pos, 2, gl.FLOAT, false, 12, 0);
      gl.enableVertexAttribArray(radius);
      gl.vertexAttribPointer(radius, 1, gl.FLOAT, false, 12, 8);
      gl.drawArrays(gl.POINTS, 0, this.count);
      gl.disableVertexAttribArray(pos);
      gl.disableVertexAttribArray(radius);
    }
    this.drawnSeq = this.seq;
  }

  /** The point under the screen position `(x, y)` (CSS pixels), the topmost one. */
  pick(x: number, y: number): number | null {
    const map = this.map;
    if (!map || !this.visible) return null;
    // Only points in the lon/lat box of the square around (x, y) that holds the largest disc
    // are projected, not all 20,000 on each mouse move. Its four corners bound it when the
    // map is turned or tilted too.
    const reach = radiusOf(Number.MAX_SAFE_INTEGER) + 1;
    const corners = [
      [x - reach, y - reach],
      [x + reach, y - reach],
      [x - reach, y + reach],
      [x + reach, y + reach],
    ].map(([cx, cy]) => map.unproject([cx, cy]));
    const west = Math.min(...corners.map((c) => c.lng));
    const east = Math.max(...corners.map((c) => c.lng));
    const south = Math.min(...corners.map((c) => c.lat));
    const north = Math.max(...corners.map((c) => c.lat));
    for (let i = this.count - 1; i >= 0; i--) {
      const lon = this.lons[i];
      const lat = this.lats[i];
      if (lon < west || lon > east || lat < south || lat > north) continue;
      const p = map.project([lon, lat]);
      const r = this.data[i * 3 + 2] + 1;
      if ((p.x - x) ** 2 + (p.y - y) ** 2 <= r * r) return i;
    }
    return null;
  }

  /** How many of the points lie in the map's view. */
  inView(): number {
    const map = this.map;
    if (!map || !this.visible) return 0;
    const b = map.getBounds();
    const [west, east, south, north] = [b.getWest(), b.getEast(), b.getSouth(), b.getNorth()];
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const lon = this.lons[i];
      const lat = this.lats[i];
      if (lon >= west && lon <= east && lat >= south && lat <= north) n++;
    }
    return n;
  }
}
