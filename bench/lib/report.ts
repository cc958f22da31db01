/** Markdown helpers. */
import { round } from './stats';

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, '\\|');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${round(ms / 1000)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${round(ms)} ms`;
}

export function fmtRate(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return 'n/a';
  return String(round(n));
}

export function fmtMb(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return 'n/a';
  return `${Math.round(n)} MB`;
}

export function pct(n: number): string {
  return `${round(n * 100)}%`;
}

/** A ratio with two significant digits ("0.0043×", "1.2×"), or n/a. */
export function fmtRatio(n: number | undefined, d: number | undefined): string {
  if (n === undefined || d === undefined || !Number.isFinite(n) || !Number.isFinite(d) || d <= 0) return 'n/a';
  const r = n / d;
  return `${r === 0 ? 0 : Number(r.toPrecision(2))}×`;
}
