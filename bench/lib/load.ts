/** The API client and an open-loop (constant arrival rate) load generator. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { progress } from './progress';
import { sleep, summarize, type Summary } from './stats';

export interface PublishResult {
  ok: boolean;
  status: number;
  error?: string;
  eventId?: string;
  deliveries?: Array<{ id: string; webhook_id: string }>;
}

export class ApiClient {
  readonly pool: Pool;

  constructor(
    readonly url: string,
    private readonly apiKey: string,
    connections = 256,
  ) {
    this.pool = new Pool(url, {
      connections,
      pipelining: 1,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
      keepAliveTimeout: 4_000,
    });
  }

  async request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.pool.request({
      method: method as 'GET',
      path,
      headers: { authorization: `Bearer ${this.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async createWebhook(name: string, url: string, events: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const res = await this.request('POST', '/v1/webhooks', { name, url, events, ...extra });
    if (res.status !== 201) throw new Error(`creating webhook ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, secret: res.body.secret };
  }

  /** Publishes an event; `withBody` parses the answer (ids of the event and its deliveries). */
  async publish(type: string, data: Record<string, unknown>, withBody: boolean): Promise<PublishResult> {
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: '/v1/events',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type, data }),
      });
      if (res.statusCode !== 202) {
        const text = await res.body.text();
        let code = `http_${res.statusCode}`;
        try {
          code += `:${JSON.parse(text)?.error?.code ?? ''}`;
        } catch {
          // not JSON
        }
        return { ok: false, status: res.statusCode, error: code };
      }
      if (!withBody) {
        await res.body.dump();
        return { ok: true, status: 202 };
      }
      const body = (await res.body.json()) as { id: string; deliveries: Array<{ id: string; webhook_id: string }> };
      return { ok: true, status: 202, eventId: body.id, deliveries: body.deliveries };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, status: 0, error: e.code ?? e.message ?? String(err) };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface OpenLoopOptions {
  label: string;
  /** Requests per second. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** Beyond this many requests in flight, a due request is not sent and counts as an error (`client_saturated`). */
  maxInFlight?: number;
  /** Sends request number `seq`; must not throw. */
  fire: (seq: number, measured: boolean) => Promise<{ ok: boolean; error?: string }>;
  /** Extra text for the progress line. */
  status?: () => string;
  /** How long to wait at the end for answers still in flight. @default 15_000 */
  settleMs?: number;
  /** Stop early (e.g. everything is failing). */
  abortWhen?: (s: { sent: number; errors: number; measured: boolean }) => boolean;
}

export interface OpenLoopResult {
  rate: number;
  durationS: number;
  /** In the measured window (after warm-up). */
  sent: number;
  ok: number;
  errors: number;
  errorRate: number;
  errorsByKind: Record<string, number>;
  acceptedPerS: number;
  latencyMs: Summary;
  /** How late the generator sent requests against their schedule: its own health. */
  scheduleLagMs: { p99: number; max: number };
  /** Event-loop delay of the benchmark process during the window. */
  benchLoopDelayMs: { p99: number; max: number };
  startedAt: number;
  measureFrom: number;
  measureTo: number;
  stoppedEarly: boolean;
  /** Requests still unanswered when the result was taken. */
  stillInFlight: number;
}

/**
 * Sends at a constant arrival rate whatever the answers take (an open
 * model: a slow server does not slow the arrivals). Latency is measured from
 * the moment each request was sent; how late the sends were against the
 * schedule is reported beside it.
 */
export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const maxInFlight = o.maxInFlight ?? 2_000;
  const interval = 1000 / o.rate;
  const t0 = performance.now();
  const startedAt = Date.now();
  const measureFromPerf = t0 + o.warmupMs;
  const endPerf = measureFromPerf + o.durationMs;
  const latencies: number[] = [];
  const lags: number[] = [];
  const errorsByKind: Record<string, number> = {};
  let seq = 0;
  let inFlight = 0;
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let totalSent = 0;
  let totalErrors = 0;
  let stoppedEarly = false;
  const pending = new Set<Promise<void>>();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let measuring = false;

  const ticker = progress.every(2000, () => {
    const now = performance.now();
    const phase = now < measureFromPerf ? `warm-up ${Math.ceil((measureFromPerf - now) / 1000)}s` : `${Math.min(o.durationMs, Math.round(now - measureFromPerf)) / 1000 | 0}/${o.durationMs / 1000}s`;
    return `${o.label} @${o.rate}/s ${phase} sent=${totalSent} ok=${ok} err=${totalErrors} inflight=${inFlight}${o.status ? ` ${o.status()}` : ''}`;
  });

  try {
    while (true) {
      const now = performance.now();
      if (now >= endPerf) break;
      if (!measuring && now >= measureFromPerf) {
        measuring = true;
        loop.enable();
      }
      if (o.abortWhen?.({ sent: totalSent, errors: totalErrors, measured: measuring })) {
        stoppedEarly = true;
        break;
      }
      const due = Math.floor((now - t0) / interval) + 1;
      while (seq < due) {
        const scheduled = t0 + seq * interval;
        if (scheduled >= endPerf) break;
        const measured = scheduled >= measureFromPerf;
        const mySeq = seq++;
        totalSent++;
        if (measured) {
          sent++;
          lags.push(performance.now() - scheduled);
        }
        if (inFlight >= maxInFlight) {
          totalErrors++;
          if (measured) {
            errors++;
            errorsByKind.client_saturated = (errorsByKind.client_saturated ?? 0) + 1;
          }
          continue;
        }
        inFlight++;
        const started = performance.now();
        const p = o.fire(mySeq, measured).then(
          (r) => {
            inFlight--;
            const ms = performance.now() - started;
            if (r.ok) {
              if (measured) {
                ok++;
                latencies.push(ms);
              }
            } else {
              totalErrors++;
              if (measured) {
                errors++;
                const k = r.error ?? 'error';
                errorsByKind[k] = (errorsByKind[k] ?? 0) + 1;
              }
            }
          },
          () => {
            inFlight--;
            totalErrors++;
            if (measured) {
              errors++;
              errorsByKind.exception = (errorsByKind.exception ?? 0) + 1;
            }
          },
        );
        const tracked = p.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      const next = t0 + seq * interval;
      await sleep(Math.max(0, Math.min(5, next - performance.now())));
    }
    // Requests sent in the window count, even if their answer comes after it.
    await Promise.race([Promise.all(pending), sleep(o.settleMs ?? 15_000)]);
  } finally {
    ticker.stop();
    loop.disable();
  }
  const lagS = summarize(lags);
  const durationS = stoppedEarly ? Math.max(0.001, (performance.now() - measureFromPerf) / 1000) : o.durationMs / 1000;
  return {
    rate: o.rate,
    durationS,
    sent,
    ok,
    errors,
    errorRate: sent ? errors / sent : 0,
    errorsByKind,
    acceptedPerS: ok / durationS,
    latencyMs: summarize(latencies),
    scheduleLagMs: { p99: lagS.p99, max: lagS.max },
    benchLoopDelayMs: { p99: loop.percentile(99) / 1e6 || 0, max: loop.max / 1e6 || 0 },
    startedAt,
    measureFrom: startedAt + o.warmupMs,
    measureTo: startedAt + o.warmupMs + o.durationMs,
    stoppedEarly,
    stillInFlight: inFlight,
  };
}
