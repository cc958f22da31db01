import { h, s } from './dom.js';
import { clock, milliseconds } from './format.js';

/**
 * Two small charts drawn as inline SVG from `GET /v1/stats/deliveries`:
 * attempts per minute (succeeded and failed, stacked) and attempt latency
 * (median and 95th percentile). Each has a text summary for people who do
 * not look at charts.
 */

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 12, bottom: 26, left: 58 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

let nextId = 0;

/** 1, 2, 5, 10, 20, 50…: a round top for the y axis. */
function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= value) ?? 10;
  return step * magnitude;
}

function frame(yMax, yLabel, stats) {
  const g = s('g', {});
  for (const fraction of [0, 0.5, 1]) {
    const y = PAD.top + PLOT_H * (1 - fraction);
    g.append(
      s('line', { class: 'grid-line', x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y }),
      s('text', { class: 'axis-text', x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' }, yLabel(yMax * fraction)),
    );
  }
  const n = stats.buckets.length;
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    const bucket = stats.buckets[i];
    if (!bucket) continue;
    const x = PAD.left + (PLOT_W * (i + 0.5)) / n;
    g.append(s('text', { class: 'axis-text', x, y: HEIGHT - 8, 'text-anchor': i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle' }, clock(bucket.start)));
  }
  return g;
}

function figure({ title, summary, legend, drawing }) {
  const id = `chart-${++nextId}`;
  return h(
    'figure',
    { class: 'chart' },
    s(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, focusable: 'false' },
      s('title', { id: `${id}-title` }, title),
      s('desc', { id: `${id}-desc` }, summary),
      drawing,
    ),
    h('figcaption', {}, h('ul', { class: 'legend', 'aria-hidden': 'true' }, legend.map(([cls, text]) => h('li', { class: cls }, text))), h('p', {}, summary)),
  );
}

const rangeWords = (stats) => (stats.range === 'hour' ? 'the last hour' : 'the last day');

/** Attempts per minute; over a day each bar is a quarter hour, shown as its average per minute. */
export function attemptsChart(stats) {
  const minutes = stats.bucket_seconds / 60;
  const perMinute = (count) => count / minutes;
  const totals = stats.buckets.map((b) => b.succeeded + b.failed);
  const yMax = niceMax(Math.max(0, ...totals.map(perMinute)));
  const n = stats.buckets.length;
  const slot = PLOT_W / n;
  const barWidth = Math.max(1, slot * 0.75);
  const bars = s('g', { 'data-series': 'attempts' });
  stats.buckets.forEach((b, i) => {
    const x = PAD.left + i * slot + (slot - barWidth) / 2;
    const okH = (PLOT_H * perMinute(b.succeeded)) / yMax;
    const badH = (PLOT_H * perMinute(b.failed)) / yMax;
    if (b.succeeded > 0) bars.append(s('rect', { class: 'bar-ok', x, width: barWidth, y: PAD.top + PLOT_H - okH, height: okH }));
    if (b.failed > 0) bars.append(s('rect', { class: 'bar-bad', x, width: barWidth, y: PAD.top + PLOT_H - okH - badH, height: badH }));
  });
  const succeeded = stats.buckets.reduce((sum, b) => sum + b.succeeded, 0);
  const failed = stats.buckets.reduce((sum, b) => sum + b.failed, 0);
  const busiest = stats.buckets.reduce((best, b) => (b.succeeded + b.failed > best.succeeded + best.failed ? b : best), stats.buckets[0]);
  const summary =
    succeeded + failed === 0
      ? `No attempts in ${rangeWords(stats)}.`
      : `${succeeded + failed} attempts in ${rangeWords(stats)}: ${succeeded} succeeded, ${failed} failed. ` +
        `Busiest ${minutes === 1 ? 'minute' : `${minutes} minutes`}: ${busiest.succeeded + busiest.failed} at ${clock(busiest.start)}.`;
  const format = (v) => (v >= 10 || v === 0 ? String(Math.round(v)) : v.toFixed(1));
  return figure({
    title: `Attempts per minute over ${rangeWords(stats)}`,
    summary,
    legend: [
      ['swatch-ok', 'Succeeded'],
      ['swatch-bad', 'Failed'],
    ],
    drawing: s('g', {}, frame(yMax, format, stats), bars),
  });
}

function path(points) {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
}

/** One line per percentile, broken where a bucket had no attempts. */
export function latencyChart(stats) {
  const values = stats.buckets.flatMap((b) => [b.p50_ms, b.p95_ms]).filter((v) => v !== null);
  // Without attempts the axis still reads as time: 0 to 100 ms.
  const yMax = niceMax(values.length ? Math.max(...values) : 100);
  const n = stats.buckets.length;
  const xOf = (i) => PAD.left + (PLOT_W * (i + 0.5)) / n;
  const yOf = (v) => PAD.top + PLOT_H * (1 - v / yMax);
  const lines = s('g', {});
  for (const [key, cls] of [
    ['p50_ms', 'line-p50'],
    ['p95_ms', 'line-p95'],
  ]) {
    let run = [];
    const flush = () => {
      if (run.length === 1) lines.append(s('circle', { class: cls, cx: run[0][0], cy: run[0][1], r: 2.5 }));
      if (run.length > 1) lines.append(s('path', { class: cls, d: path(run) }));
      run = [];
    };
    stats.buckets.forEach((b, i) => (b[key] === null ? flush() : run.push([xOf(i), yOf(b[key])])));
    flush();
  }
  const withData = stats.buckets.filter((b) => b.p50_ms !== null);
  const worst = withData.reduce((best, b) => (best === null || b.p95_ms > best.p95_ms ? b : best), null);
  const medians = withData.map((b) => b.p50_ms).sort((a, b) => a - b);
  const summary =
    withData.length === 0
      ? `No attempts in ${rangeWords(stats)}, so no latency to show.`
      : `Median attempt time per bucket between ${milliseconds(medians[0])} and ${milliseconds(medians[medians.length - 1])}. ` +
        `Slowest 95th percentile: ${milliseconds(worst.p95_ms)} at ${clock(worst.start)}.`;
  return figure({
    title: `Attempt latency over ${rangeWords(stats)}`,
    summary,
    legend: [
      ['swatch-p50', 'Median'],
      ['swatch-p95', '95th percentile'],
    ],
    drawing: s('g', {}, frame(yMax, (v) => (v > 0 && v < 10 ? `${v.toFixed(1)} ms` : milliseconds(v)), stats), lines),
  });
}
