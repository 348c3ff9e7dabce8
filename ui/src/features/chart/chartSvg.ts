import type { ChartData } from "../../bindings/types";

const COLORS = ["#4fb3bf", "#e5a550", "#c678dd", "#98c379", "#e06c75", "#61afef"];

/** Text made safe inside SVG. */
export function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function label(v: number, d: ChartData): string {
  if (d.x_type === "category") return d.categories[Math.round(v)] ?? "";
  if (d.x_type === "time") return new Date(v).toISOString().slice(0, 16).replace("T", " ");
  return String(Math.round(v * 1000) / 1000);
}

/** The chart as a standalone SVG image (what Save as SVG writes): axes, series and a legend,
 *  on a white background, with no scripts. */
export function chartSvg(d: ChartData, xName: string, width = 900, height = 420): string {
  const m = { l: 60, r: 20, t: 20, b: 70 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const ys = d.series.flatMap((s) => s.values.filter((v): v is number => v != null));
  const bars = d.kind === "bar" || d.kind === "histogram";
  const yMin = Math.min(0, ...ys);
  const yMax = Math.max(...ys, yMin + 1);
  const cat = d.x_type === "category";
  const xMin = cat ? -0.5 : Math.min(...d.x);
  const xMax = cat ? d.x.length - 0.5 : Math.max(...d.x, xMin + 1);
  const px = (x: number) => m.l + ((x - xMin) / (xMax - xMin || 1)) * w;
  const py = (y: number) => m.t + h - ((y - yMin) / (yMax - yMin || 1)) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<line x1="${m.l}" y1="${m.t + h}" x2="${m.l + w}" y2="${m.t + h}" stroke="#444"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + h}" stroke="#444"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = yMin + ((yMax - yMin) * i) / 4;
    out.push(`<text x="${m.l - 6}" y="${py(v) + 4}" text-anchor="end" fill="#444">${xml(String(Math.round(v * 100) / 100))}</text>`);
    out.push(`<line x1="${m.l}" y1="${py(v)}" x2="${m.l + w}" y2="${py(v)}" stroke="#ddd"/>`);
  }
  const xTicks = cat ? d.x : Array.from({ length: 5 }, (_, i) => xMin + ((xMax - xMin) * i) / 4);
  const step = Math.max(1, Math.ceil(xTicks.length / 12));
  xTicks.forEach((x, i) => {
    if (i % step) return;
    out.push(`<text x="${px(x)}" y="${m.t + h + 16}" text-anchor="end" transform="rotate(-30 ${px(x)} ${m.t + h + 16})" fill="#444">${xml(label(x, d))}</text>`);
  });
  const bw = cat ? (w / Math.max(d.x.length, 1)) * 0.7 / Math.max(d.series.length, 1) : 0;
  d.series.forEach((s, si) => {
    const c = COLORS[si % COLORS.length];
    const pts = d.x.map((x, i) => [x, s.values[i]] as const).filter((p): p is readonly [number, number] => p[1] != null);
    if (bars) {
      for (const [x, y] of pts) {
        const x0 = px(x) - (bw * d.series.length) / 2 + si * bw;
        out.push(`<rect x="${x0}" y="${Math.min(py(y), py(0))}" width="${bw}" height="${Math.abs(py(0) - py(y))}" fill="${c}"/>`);
      }
    } else if (d.kind === "scatter") {
      for (const [x, y] of pts) out.push(`<circle cx="${px(x)}" cy="${py(y)}" r="2" fill="${c}"/>`);
    } else {
      const line = pts.map(([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join("");
      if (d.kind === "area" && pts.length) {
        out.push(`<path d="${line}L${px(pts[pts.length - 1][0])},${py(0)}L${px(pts[0][0])},${py(0)}Z" fill="${c}" fill-opacity="0.3"/>`);
      }
      out.push(`<path d="${line}" fill="none" stroke="${c}" stroke-width="1.5"/>`);
    }
    out.push(`<rect x="${m.l + si * 160}" y="${height - 16}" width="10" height="10" fill="${c}"/>`);
    out.push(`<text x="${m.l + si * 160 + 14}" y="${height - 7}" fill="#222">${xml(s.name)}</text>`);
  });
  out.push(`<text x="${m.l + w}" y="${height - 7}" text-anchor="end" fill="#666">${xml(xName)}</text>`);
  out.push("</svg>");
  return out.join("\n");
}
