import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How an attempt ended, as a bounded label. */
export type AttemptClass = '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'connection_error' | 'blocked';

export function attemptClass(outcome: { kind: string; statusCode?: number }): AttemptClass {
  if (outcome.kind === 'response' && outcome.statusCode !== undefined) return `${Math.floor(outcome.statusCode / 100)}xx` as AttemptClass;
  return outcome.kind as AttemptClass;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The engine's Prometheus metrics. Each process (API, worker) has its own
 * registry; names start with `hookline_`.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hookline_' });
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'hookline_events_accepted_total',
      help: 'Events accepted by POST /v1/events, by type',
      labelNames: ['type'] as const,
      registers,
    }),
    apiKeyLookups: new Counter({
      name: 'hookline_api_key_lookups_total',
      help: 'API keys looked up in Postgres (neither the configured API_KEY nor cached), by result',
      labelNames: ['result'] as const,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'hookline_http_request_duration_seconds',
      help: 'API request latency, by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    deliveriesFinished: new Counter({
      name: 'hookline_deliveries_finished_total',
      help: 'Deliveries that reached a final status',
      labelNames: ['status'] as const,
      registers,
    }),
    attempts: new Counter({
      name: 'hookline_delivery_attempts_total',
      help: 'HTTP attempts, by outcome class (2xx, 4xx, 5xx, timeout, connection_error, ...)',
      labelNames: ['class'] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: 'hookline_delivery_attempt_duration_seconds',
      help: 'Duration of one HTTP attempt, by outcome class',
      labelNames: ['class'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    deliveryLatency: new Histogram({
      name: 'hookline_delivery_latency_seconds',
      help: 'From the event being accepted to its delivery succeeding',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    registerGauge(name: string, help: string, read: () => Promise<number>) {
      return new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
