import { z } from 'zod';
import { isIP } from 'node:net';
import { isValidCidr } from './security/target-policy';
import { proxyUrlProblem } from './domain/egress-proxy';
import { COOKIE_SAME_SITE, type CookieSameSite } from './portal/session-cookie';
import { DEFAULT_DELIVERY_RETRY } from './domain/retry-schedule';

/**
 * Configuration is read once at start-up from defaults and the environment,
 * validated, frozen and passed down. Nothing below this module reads
 * `process.env`.
 */

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  API_KEY: z.string().min(16, 'API_KEY must be at least 16 characters').optional(),
  ADMIN_API_KEY: z.string().min(16, 'ADMIN_API_KEY must be at least 16 characters').optional(),
  DEFAULT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'DEFAULT_CLIENT_ID may hold letters, digits, ".", "_" and "-" (1-64)')
    .default('default'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: int(1, 100).default(10),
  SECRET_ENCRYPTION_KEY: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('webhook-deliveries'),
  DELIVERY_TIMEOUT_MS: int(100, 300_000).default(15_000),
  DELIVERY_USER_AGENT: z.string().min(1).default('Hookline-Webhooks/0.1 (+https://github.com/hookline/hookline)'),
  RETRY_INITIAL_INTERVAL_MS: int(1).default(DEFAULT_DELIVERY_RETRY.initialIntervalMs),
  RETRY_BACKOFF_COEFFICIENT: z.coerce.number().min(1).max(10).default(DEFAULT_DELIVERY_RETRY.backoffCoefficient),
  RETRY_MAXIMUM_ATTEMPTS: int(1, 100).default(DEFAULT_DELIVERY_RETRY.maximumAttempts),
  RETRY_AFTER_MAX_MS: int(0).default(3_600_000),
  MAX_BODY_BYTES: int(1024, 10 * 1024 * 1024).default(256 * 1024),
  AUTO_DISABLE_FAILURE_THRESHOLD: int(-1, 1_000_000)
    .refine((n) => n !== 0, 'must be -1 (never) or at least 1')
    .default(5),
  AUTO_DISABLE_WINDOW_MS: int(1).default(10_000),
  SECRET_ROTATION_GRACE_MS: int(0).default(24 * 60 * 60 * 1000),
  ALLOW_PRIVATE_TARGETS: z
    .string()
    .refine((v) => v.split(',').every((c) => c.trim() === '' || isValidCidr(c)), 'must be a comma-separated list of CIDR blocks, e.g. 127.0.0.0/8,::1/128')
    .optional(),
  HTTPS_ONLY: boolean.optional(),
  EGRESS_PROXY_URL: z
    .string()
    .superRefine((v, ctx) => {
      const problem = proxyUrlProblem(v);
      // The value itself is never repeated: it may carry the proxy's password.
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    })
    .optional(),
  EGRESS_LOCAL_ADDRESS: z
    .string()
    .refine((v) => isIP(v) !== 0, 'must be an IP address of this host, e.g. 10.0.1.5 or 2001:db8::5')
    .optional(),
  EVENTS_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(1000),
  EVENTS_RATE_LIMIT_BURST: int(1).default(2000),
  AUTH_FAILURE_LIMIT: int(0).default(20),
  AUTH_FAILURE_WINDOW_MS: int(1_000).default(60_000),
  SYNC_INTERVAL_MS: int(1_000).default(24 * 60 * 60 * 1000),
  RETENTION_DAYS: int(1, 3650).default(30),
  RETENTION_INTERVAL_MS: int(60_000, 7 * 24 * 60 * 60 * 1000).default(60 * 60 * 1000),
  SYNC_RETRY_DELAY_MS: int(0).default(5 * 60 * 1000),
  SYNC_MAX_RETRIES: int(0, 100).default(3),
  DISPATCHER_ENABLED: boolean.default(true),
  DISPATCH_BATCH_SIZE: int(1, 1000).default(200),
  DISPATCH_CONCURRENCY: int(1, 500).default(32),
  DISPATCH_POLL_INTERVAL_MS: int(10, 60_000).default(1_000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: int(1, 10_000).default(200),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: int(1, 10_000).default(100),
  WORKER_MAX_CACHED_WORKFLOWS: int(0, 1_000_000).default(200),
  WORKER_SHUTDOWN_GRACE_MS: int(0).default(30_000),
  WORKER_NICENESS: int(0, 19).default(10),
  WORKER_METRICS_PORT: int(0, 65535).default(9464),
  TEMPORAL_SDK_METRICS_PORT: int(0, 65535).default(9465),
  WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  METRICS_EVENT_TYPES: z
    .string()
    .refine((v) => v.split(',').every((t) => /^[A-Za-z0-9._-]{1,128}$/.test(t.trim()) || t.trim() === ''), 'must be comma-separated event type names')
    .optional(),
  PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\/[^/?#]+\/?$/.test(v), 'must be an http(s) origin without a path, e.g. https://hooks.example.com')
    .transform((v) => v.replace(/\/$/, ''))
    .optional(),
  TEMPORAL_UI_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  PORTAL_LINK_TTL_MS: int(10_000, 86_400_000).default(600_000),
  PORTAL_SESSION_TTL_MS: int(60_000, 7 * 86_400_000).default(3_600_000),
  PORTAL_FRAME_ANCESTORS: z
    .string()
    .trim()
    .regex(/^[^;,\r\n]+$/, "must be CSP frame-ancestors sources separated by spaces, e.g. 'self' https://app.example.com")
    .default("'none'"),
  PORTAL_COOKIE_SAMESITE: z.enum(COOKIE_SAME_SITE).default('lax'),
  /** Any value keeps log lines JSON in a terminal. */
  LOG_JSON: z.string().optional(),
});

export type Env = Record<string, string | undefined>;

/** The retry schedule every delivery uses unless configuration shortens it. */
export interface RetryScheduleConfig {
  /** @default DEFAULT_DELIVERY_RETRY.initialIntervalMs (10 s) */
  readonly initialIntervalMs: number;
  /** @default DEFAULT_DELIVERY_RETRY.backoffCoefficient (doubling) */
  readonly backoffCoefficient: number;
  /** @default DEFAULT_DELIVERY_RETRY.maximumAttempts (5) */
  readonly maximumAttempts: number;
  /** Upper bound on a receiver's `Retry-After`. @default 3_600_000 */
  readonly retryAfterMaxMs: number;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly http: { readonly host: string; readonly port: number; readonly maxBodyBytes: number };
  /** The key of the default tenant. Required; `npm start` generates one in development. */
  readonly apiKey: string;
  readonly defaultClientId: string;
  /** Opens the admin API (creating tenants). Unset: closed. */
  readonly adminApiKey?: string;
  readonly database: { readonly url: string; readonly poolMax: number };
  /** 32 bytes; encrypts webhook secrets at rest (AES-256-GCM). */
  readonly secretEncryptionKey: Buffer;
  readonly temporal: { readonly address: string; readonly namespace: string; readonly taskQueue: string };
  readonly delivery: {
    readonly timeoutMs: number;
    readonly userAgent: string;
    readonly retry: RetryScheduleConfig;
  };
  /**
   * A webhook whose receiver fails `failureThreshold` attempts within
   * `windowMs` is disabled (Assets Server: "too many failures within a 10-second time
   * frame"); -1 never disables. A 410 Gone disables at once either way.
   */
  readonly autoDisable: { readonly failureThreshold: number; readonly windowMs: number };
  /** Where webhooks may point (see src/security/target-policy.ts). */
  readonly targets: {
    /** Non-public CIDRs that may still be reached. @default none */
    readonly allowPrivate: readonly string[];
    /** Refuse http: URLs. @default true in production, false otherwise */
    readonly httpsOnly: boolean;
    /** A development deployment: profiles that are HTTPS only outside development (`asset`) accept http: URLs. @default NODE_ENV is development */
    readonly development: boolean;
  };
  /** How deliveries leave the worker. */
  readonly egress: {
    /** Every delivery goes through this forward proxy with HTTP CONNECT; a tenant may have its own. @default unset: direct */
    readonly proxyUrl?: string;
    /** Outgoing connections (to the proxy, or direct) bind to this local address. @default unset: the system's choice */
    readonly localAddress?: string;
  };
  /** Per tenant, per API process, on `POST /v1/events`; a rate of 0 turns it off. */
  readonly eventsRateLimit: { readonly perSecond: number; readonly burst: number };
  /**
   * Wrong credentials (API keys, the admin key, ended portal sessions) per
   * client address and API process: `limit` at once, earned back at `limit`
   * per `windowMs`; past it, the address gets 429 before any lookup. A
   * limit of 0 turns it off. @default { limit: 20, windowMs: 60_000 }
   */
  readonly authFailureLimit: { readonly limit: number; readonly windowMs: number };
  /** After a rotation the old secret also signs for this long. @default 86_400_000 (24 h) */
  readonly secretRotationGraceMs: number;
  readonly accountSync: {
    /** How often each account's Temporal Schedule syncs it. @default 86_400_000 (daily, as the SyncAccount/SyncError contract's provider refreshes accounts) */
    readonly intervalMs: number;
    /** After a TemporaryFailureError the sync runs again this much later... @default 300_000 */
    readonly retryDelayMs: number;
    /** ...at most this many times. @default 3 */
    readonly maxRetries: number;
  };
  readonly retention: {
    /** Days a tenant without its own `retention_days` keeps finished deliveries, their attempts and events; also Temporal's namespace retention. @default 30 */
    readonly days: number;
    /** How often the retention Schedule runs the purge. @default 3_600_000 (hourly) */
    readonly intervalMs: number;
  };
  readonly dispatcher: {
    readonly enabled: boolean;
    readonly batchSize: number;
    readonly concurrency: number;
    readonly pollIntervalMs: number;
  };
  readonly worker: {
    readonly maxConcurrentActivities: number;
    readonly maxConcurrentWorkflowTasks: number;
    /** Workflows kept in memory between tasks; the rest replay their (short) history when they wake. */
    readonly maxCachedWorkflows: number;
    /** On SIGTERM, attempts in flight get this long to finish before they are cancelled. @default 30_000 */
    readonly shutdownGraceMs: number;
    /**
     * The worker process's nice value (0 to 19). On a machine it shares with the API, ingest gets the
     * CPU first and deliveries take what is left: the outbox holds what they have not reached yet.
     * Alone on its machine the value changes nothing. Applied by the worker entry point only. @default 10
     */
    readonly niceness: number;
    /** The worker's Prometheus endpoint (`/metrics`); 0 turns it off. @default 9464 */
    readonly metricsPort: number;
    /** Where the Temporal SDK serves its own metrics, merged into the worker's endpoint; 0 turns it off. @default 9465 */
    readonly sdkMetricsPort: number;
  };
  /** Who may read `/metrics`, and which event types are labelled by name. */
  readonly metrics: {
    /** When set, every `/metrics` needs `Authorization: Bearer <token>`. @default unset */
    readonly token?: string;
    /** The API port serves `/metrics` when a token is set or outside production. */
    readonly onApiPort: boolean;
    /** Where the worker's metrics listener binds. @default 0.0.0.0 */
    readonly workerHost: string;
    /** Event types labelled by name in `hookline_events_accepted_total` (built-ins always are); others are `other`. */
    readonly eventTypes: readonly string[];
  };
  /** The webhook portal (`/portal`). */
  readonly portal: {
    /** The origin portal links are built on; unset: the listen address outside production, no links in production. */
    readonly publicUrl?: string;
    /** Where delivery workflows are shown; unset: the portal shows no link. */
    readonly temporalUiUrl?: string;
    /** How long a portal link can be opened. @default 600_000 (10 min) */
    readonly linkTtlMs: number;
    /** How long a session lasts once its link is opened. @default 3_600_000 (1 h) */
    readonly sessionTtlMs: number;
    /** CSP frame-ancestors: who may embed the portal. @default `'none'` */
    readonly frameAncestors: string;
    /** @default 'lax' */
    readonly cookieSameSite: CookieSameSite;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a 32-byte key given as 64 hex characters or as base64. */
export function parseEncryptionKey(raw: string): Buffer | undefined {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64');
    if (decoded.length === 32) return decoded;
  }
  return undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const raw = stripEmpty(env);
  const parsed = envSchema.safeParse(raw);
  // Report every problem at once: the schema's and the missing required values.
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const reported = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
  const require = (name: string, hint: string) => {
    if (!raw[name] && !reported.has(name)) problems.push(`${name}: required (${hint})`);
  };
  require('API_KEY', 'at least 16 characters');
  require('DATABASE_URL', 'a postgres:// connection URL');
  require('TEMPORAL_ADDRESS', 'host:port of the Temporal frontend');
  require('SECRET_ENCRYPTION_KEY', '32 bytes as base64 or 64 hex characters');
  const key = raw.SECRET_ENCRYPTION_KEY ? parseEncryptionKey(raw.SECRET_ENCRYPTION_KEY) : undefined;
  if (raw.SECRET_ENCRYPTION_KEY && !key) problems.push('SECRET_ENCRYPTION_KEY: must be 32 bytes, given as base64 or 64 hex characters');
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;

  return deepFreeze({
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT, maxBodyBytes: e.MAX_BODY_BYTES },
    apiKey: e.API_KEY!,
    adminApiKey: e.ADMIN_API_KEY,
    defaultClientId: e.DEFAULT_CLIENT_ID,
    database: { url: e.DATABASE_URL!, poolMax: e.DATABASE_POOL_MAX },
    secretEncryptionKey: key!,
    temporal: { address: e.TEMPORAL_ADDRESS!, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    delivery: {
      timeoutMs: e.DELIVERY_TIMEOUT_MS,
      userAgent: e.DELIVERY_USER_AGENT,
      retry: {
        initialIntervalMs: e.RETRY_INITIAL_INTERVAL_MS,
        backoffCoefficient: e.RETRY_BACKOFF_COEFFICIENT,
        maximumAttempts: e.RETRY_MAXIMUM_ATTEMPTS,
        retryAfterMaxMs: e.RETRY_AFTER_MAX_MS,
      },
    },
    autoDisable: { failureThreshold: e.AUTO_DISABLE_FAILURE_THRESHOLD, windowMs: e.AUTO_DISABLE_WINDOW_MS },
    secretRotationGraceMs: e.SECRET_ROTATION_GRACE_MS,
    targets: {
      allowPrivate: (e.ALLOW_PRIVATE_TARGETS ?? '').split(',').map((c) => c.trim()).filter(Boolean),
      httpsOnly: e.HTTPS_ONLY ?? e.NODE_ENV === 'production',
      development: e.NODE_ENV === 'development',
    },
    egress: { proxyUrl: e.EGRESS_PROXY_URL, localAddress: e.EGRESS_LOCAL_ADDRESS },
    eventsRateLimit: { perSecond: e.EVENTS_RATE_LIMIT_PER_SECOND, burst: e.EVENTS_RATE_LIMIT_BURST },
    authFailureLimit: { limit: e.AUTH_FAILURE_LIMIT, windowMs: e.AUTH_FAILURE_WINDOW_MS },
    accountSync: { intervalMs: e.SYNC_INTERVAL_MS, retryDelayMs: e.SYNC_RETRY_DELAY_MS, maxRetries: e.SYNC_MAX_RETRIES },
    retention: { days: e.RETENTION_DAYS, intervalMs: e.RETENTION_INTERVAL_MS },
    dispatcher: {
      enabled: e.DISPATCHER_ENABLED,
      batchSize: e.DISPATCH_BATCH_SIZE,
      concurrency: e.DISPATCH_CONCURRENCY,
      pollIntervalMs: e.DISPATCH_POLL_INTERVAL_MS,
    },
    worker: {
      maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
      niceness: e.WORKER_NICENESS,
      metricsPort: e.WORKER_METRICS_PORT,
      sdkMetricsPort: e.TEMPORAL_SDK_METRICS_PORT,
    },
    metrics: {
      token: e.METRICS_TOKEN,
      onApiPort: e.METRICS_TOKEN !== undefined || e.NODE_ENV !== 'production',
      workerHost: e.WORKER_METRICS_HOST,
      eventTypes: (e.METRICS_EVENT_TYPES ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    },
    portal: {
      publicUrl: e.PUBLIC_URL,
      temporalUiUrl: e.TEMPORAL_UI_URL,
      linkTtlMs: e.PORTAL_LINK_TTL_MS,
      sessionTtlMs: e.PORTAL_SESSION_TTL_MS,
      frameAncestors: e.PORTAL_FRAME_ANCESTORS,
      cookieSameSite: e.PORTAL_COOKIE_SAMESITE,
    },
  });
}

/** How log lines are written. */
export interface LogConfig {
  /**
   * JSON lines even on a terminal: in production, or with `LOG_JSON` set.
   * Otherwise a terminal gets readable lines (pino-pretty, where installed).
   * Off a terminal, lines are always JSON.
   */
  readonly json: boolean;
}

/**
 * How the entry points write their logs, from `NODE_ENV` and `LOG_JSON`.
 * Apart from `loadConfig`: an entry point logs before the rest of its
 * configuration is complete (`npm start` fills it in as it starts).
 */
export function loadLogConfig(env: Env = process.env): LogConfig {
  const raw = stripEmpty(env);
  return Object.freeze({ json: raw.NODE_ENV === 'production' || raw.LOG_JSON !== undefined });
}

function stripEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
