import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BUILTIN_EVENT_TYPES } from '../domain/builtin-event-types';

/** How an attempt ended, as a bounded label. */
export type AttemptClass = '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'connection_error' | 'blocked';

export function attemptClass(outcome: { kind: string; statusCode?: number }): AttemptClass {
  if (outcome.kind === 'response' && outcome.statusCode !== undefined) return `${Math.floor(outcome.statusCode / 100)}xx` as AttemptClass;
  return outcome.kind as AttemptClass;
}

/** Label values are never tenant-chosen: anything outside a known, bounded set is counted as `other`. */
export const OTHER = 'other';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The method label: the methods the API knows, or `other` (a client may send any token). */
export function methodLabel(method: string): string {
  return HTTP_METHODS.has(method) ? method : OTHER;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The engine's Prometheus metrics. Each process (API, worker) has its own
 * registry; names start with `hookline_`.
 */
export function createMetrics(opts: { defaultMetrics?: boolean; eventTypes?: readonly string[] } = {}) {
  const registry = new Registry();
  // Built-in types and the operator's allow-list are labelled by name; every other type is `other`.
  const namedTypes = new Set([...BUILTIN_EVENT_TYPES.map((t) => t.name), ...(opts.eventTypes ?? [])]);
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hookline_' });
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'hookline_events_accepted_total',
      help: 'Events accepted by POST /v1/events, by type: built-in and METRICS_EVENT_TYPES types by name, the rest as "other"',
      labelNames: ['type'] as const,
      registers,
    }),
    /** The `type` label of an event: its name when allow-listed, else `other`. */
    eventTypeLabel(type: string): string {
      return namedTypes.has(type) ? type : OTHER;
    },
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
    retentionPurgedRows: new Counter({
      name: 'hookline_retention_purged_rows_total',
      help: 'Rows the retention purge deleted, by kind (attempts, deliveries, events, portal_sessions, webhooks)',
      labelNames: ['kind'] as const,
      registers,
    }),
    retentionLastRun: new Gauge({
      name: 'hookline_retention_last_run_timestamp_seconds',
      help: 'When this worker last finished a retention purge run, as a Unix time (0: not yet)',
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
