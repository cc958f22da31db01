/** Hand-written SVG charts: a latency-by-percentile chart and a per-second timeline. No chart library. */
import { percentile } from './stats';

const W = 760;
const H = 400;
const M = { left: 70, right: 20, top: 40, bottom: 110 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function frame(title: string, body: string[], legend: Array<{ name: string; color: string; dash?: string }>): string {
  const items = legend.map((l, i) => {
    const col = i % 2;
    const row = Math.floor(i / 2);
    const x = M.left + col * 340;
    const y = H - M.bottom + 48 + row * 18;
    return `<line x1="${x}" y1="${y - 4}" x2="${x + 24}" y2="${y - 4}" stroke="${l.color}" stroke-width="2.5"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/><text x="${x + 30}" y="${y}">${esc(l.name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    ...items,
    '</svg>',
  ].join('\n');
}

function niceLogTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    // Fewer labels when the range spans many decades, so they do not overlap.
    const decades = Math.log10(max / min);
    for (const m of decades <= 2.5 ? [1, 2, 5] : decades <= 4 ? [1, 3] : [1]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function niceLinearTicks(max: number, count = 5): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function msLabel(v: number): string {
  return v >= 1000 ? `${v / 1000} s` : `${v} ms`;
}

/**
 * Latency by percentile: x is log10(1 / (1 - p)), so p50, p90, p99 and p99.9
 * are evenly spread (the tail is what matters); y is logarithmic.
 */
export function percentileChart(title: string, series: Array<{ name: string; values: number[] }>, o: { pairs?: boolean } = {}): string {
  const ps = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92, 94, 95, 96, 97, 98, 99, 99.3, 99.5, 99.7, 99.8, 99.9];
  const xOf = (p: number) => Math.log10(1 / (1 - p / 100));
  const xMax = 3;
  const curves = series
    .filter((s) => s.values.some(Number.isFinite))
    .map((s) => {
      const sorted = s.values.filter(Number.isFinite).sort((a, b) => a - b);
      return { name: `${s.name} (n=${sorted.length})`, points: ps.map((p) => [xOf(p), Math.max(0.5, percentile(sorted, p))] as const) };
    });
  const all = curves.flatMap((c) => c.points.map((p) => p[1]));
  const yMin = Math.max(0.5, Math.min(...all, 1));
  const yMax = Math.max(...all, 10) * 1.2;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (x: number) => M.left + (x / xMax) * pw;
  const Y = (y: number) => M.top + ph - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * ph;
  const body: string[] = [];
  for (const t of niceLogTicks(yMin, yMax)) {
    body.push(`<line x1="${M.left}" y1="${Y(t)}" x2="${W - M.right}" y2="${Y(t)}" stroke="#ddd"/>`);
    body.push(`<text x="${M.left - 6}" y="${Y(t) + 4}" text-anchor="end">${msLabel(t)}</text>`);
  }
  for (const [p, label] of [[0, 'p0'], [50, 'p50'], [90, 'p90'], [99, 'p99'], [99.9, 'p99.9']] as const) {
    body.push(`<line x1="${X(xOf(p))}" y1="${M.top}" x2="${X(xOf(p))}" y2="${M.top + ph}" stroke="#eee"/>`);
    body.push(`<text x="${X(xOf(p))}" y="${M.top + ph + 16}" text-anchor="middle">${label}</text>`);
  }
  body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  body.push(`<text x="${M.left + pw / 2}" y="${M.top + ph + 32}" text-anchor="middle">percentile (log scale of the tail)</text>`);
  body.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">latency (log scale)</text>`);
  const legend: Array<{ name: string; color: string; dash?: string }> = [];
  curves.forEach((c, i) => {
    // In pairs (light, load) one colour per pair, the first dashed; otherwise one colour each.
    const color = COLORS[(o.pairs ? Math.floor(i / 2) : i) % COLORS.length]!;
    const dash = o.pairs && i % 2 === 0 ? '5 3' : undefined;
    body.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${c.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`,
    );
    legend.push({ name: c.name, color, dash });
  });
  return frame(title, body, legend);
}

/** One value per second per series, with optional vertical marks. */
export function timelineChart(
  title: string,
  series: Array<{ name: string; values: number[] }>,
  o: { xLabel: string; yLabel: string; marks?: Array<{ x: number; label: string }> },
): string {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const yMax = Math.max(1, ...series.flatMap((s) => s.values)) * 1.1;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (x: number) => M.left + (x / n) * pw;
  const Y = (y: number) => M.top + ph - (y / yMax) * ph;
  const body: string[] = [];
  for (const t of niceLinearTicks(yMax)) {
    body.push(`<line x1="${M.left}" y1="${Y(t)}" x2="${W - M.right}" y2="${Y(t)}" stroke="#ddd"/>`);
    body.push(`<text x="${M.left - 6}" y="${Y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceLinearTicks(n, 8)) {
    body.push(`<text x="${X(t)}" y="${M.top + ph + 16}" text-anchor="middle">${t}</text>`);
  }
  for (const m of o.marks ?? []) {
    if (m.x > n) continue;
    body.push(`<line x1="${X(m.x)}" y1="${M.top}" x2="${X(m.x)}" y2="${M.top + ph}" stroke="#555" stroke-dasharray="3 3"/>`);
    // Near the right edge the label goes on the left of its line.
    const right = X(m.x) > M.left + pw * 0.75;
    body.push(`<text x="${X(m.x) + (right ? -4 : 4)}" y="${M.top + 12}"${right ? ' text-anchor="end"' : ''}>${esc(m.label)}</text>`);
  }
  body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  body.push(`<text x="${M.left + pw / 2}" y="${M.top + ph + 32}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  body.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  const legend: Array<{ name: string; color: string }> = [];
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    body.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.values.map((v, x) => `${X(x + 0.5).toFixed(1)},${Y(v).toFixed(1)}`).join(' ')}"/>`,
    );
    legend.push({ name: s.name, color });
  });
  return frame(title, body, legend);
}
