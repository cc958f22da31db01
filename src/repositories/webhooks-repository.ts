import type { SignatureScheme } from '../crypto/signature-schemes';
import type { Queryable } from '../db/pool';
import type { ProfileName } from '../domain/profiles';
import { customProfileFromJson, customProfileToJson, type CustomProfileJson, type CustomProfileSettings } from '../domain/custom-profile';
import type { DeliveryOrdering } from '../domain/delivery-ordering';
import type { Webhook } from '../domain/models';
import { isOperationalEventType } from '../domain/operational-events';
import type { RateLimitPeriodMs } from '../domain/rate-limit';
import { DeliveryStatus, WebhookStatus } from '../domain/statuses';
import type { WebhookOrdering } from '../domain/webhook-ordering';
import { unprefixed } from './prefixed-row';
import type { EndpointAuthShown } from '../domain/endpoint-auth';

interface WebhookRow {
  id: string;
  tenant_id: string;
  name: string;
  url: string;
  events: string[];
  headers: Record<string, string>;
  /** Secret custom headers: name -> sealed value. */
  secret_headers: Record<string, string>;
  profile: ProfileName;
  custom_profile: CustomProfileRow | null;
  signature_scheme: SignatureScheme;
  include_resource: boolean;
  payload_fields: string[] | null;
  max_attempts: number | null;
  timeout_ms: number | null;
  ordering: DeliveryOrdering;
  rate_limit_count: number | null;
  rate_limit_period_ms: RateLimitPeriodMs | null;
  status: WebhookStatus;
  failure_count: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  last_triggered_at: Date | null;
  created_at: Date;
  updated_at: Date;
  auth_shown: EndpointAuthShown | null;
}

/** How a custom profile's settings are stored (a jsonb column of webhooks and of deliveries): the API's field names. */
export type CustomProfileRow = CustomProfileJson;

export const customProfileFromRow = (r: CustomProfileRow | null | undefined): CustomProfileSettings | null => (r ? customProfileFromJson(r) : null);

const customProfileToRow = (c: CustomProfileSettings | null): string | null => c && JSON.stringify(customProfileToJson(c));

const COLUMNS = `id, tenant_id, name, url, events, headers, secret_headers, profile, custom_profile, signature_scheme, include_resource, payload_fields, max_attempts, timeout_ms, ordering, rate_limit_count, rate_limit_period_ms, status, failure_count, disabled_reason, disabled_at, last_triggered_at, created_at, updated_at, auth_shown`;

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  url: r.url,
  events: r.events,
  headers: r.headers,
  secretHeaders: Object.keys(r.secret_headers ?? {}),
  profile: r.profile,
  customProfile: customProfileFromRow(r.custom_profile),
  signatureScheme: r.signature_scheme,
  payload: { includeResource: r.include_resource, fields: r.payload_fields },
  maxAttempts: r.max_attempts,
  timeoutMs: r.timeout_ms,
  ordering: r.ordering,
  rateLimit: r.rate_limit_count !== null && r.rate_limit_period_ms !== null ? { count: r.rate_limit_count, periodMs: r.rate_limit_period_ms } : null,
  status: r.status,
  failureCount: r.failure_count,
  disabledReason: r.disabled_reason,
  disabledAt: r.disabled_at,
  lastTriggeredAt: r.last_triggered_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  auth: r.auth_shown,
});

/**
 * The select list of a webhook as the delivery activity needs it, over
 * `webhooks w JOIN tenants t`, every column named with `prefix`, so a query
 * can read it beside another table's columns.
 */
export function webhookForDeliveryColumns(prefix: string): string {
  return [
    ...COLUMNS.split(', ').map((c) => `w.${c} AS ${prefix}${c}`),
    `w.secret_encrypted AS ${prefix}secret_encrypted`,
    // The database clock decides whether the previous secret still signs, as it set the expiry.
    `CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_encrypted END AS ${prefix}previous_secret_encrypted`,
    `t.client_id AS ${prefix}client_id`,
    `t.egress_proxy_sealed AS ${prefix}egress_proxy_sealed`,
    `w.auth_sealed AS ${prefix}auth_sealed`,
    `w.deleted_at IS NOT NULL AS ${prefix}deleted`,
  ].join(', ');
}

/** The webhook read by `webhookForDeliveryColumns(prefix)`. */
export function webhookForDeliveryFromRow(row: Record<string, unknown>, prefix: string): WebhookForDelivery {
  const r = unprefixed(row, prefix) as unknown as WebhookRow & {
    secret_encrypted: string | null;
    previous_secret_encrypted: string | null;
    client_id: string;
    egress_proxy_sealed: string | null;
    auth_sealed: string | null;
    deleted: boolean;
  };
  return {
    ...toWebhook(r),
    secretHeadersSealed: r.secret_headers ?? {},
    secretEncrypted: r.secret_encrypted,
    previousSecretEncrypted: r.previous_secret_encrypted,
    clientId: r.client_id,
    egressProxySealed: r.egress_proxy_sealed,
    authSealed: r.auth_sealed,
    deleted: r.deleted,
  };
}

export interface WebhookListQuery {
  limit: number;
  ordering: WebhookOrdering;
  /** Id of the last webhook of the previous page. */
  after?: string;
  fromCreatedAt?: Date;
  /** Exclusive upper bound. */
  toCreatedAt?: Date;
}

export type NewWebhook = Pick<
  Webhook,
  'id' | 'tenantId' | 'name' | 'url' | 'events' | 'headers' | 'profile' | 'customProfile' | 'signatureScheme' | 'payload' | 'maxAttempts' | 'timeoutMs' | 'ordering' | 'rateLimit'
> & { secretEncrypted: string | null; secretHeadersSealed: Record<string, string>; authSealed?: SealedAuth | null };

/** A webhook's `auth` as stored: sealed whole, its shown fields beside. */
export interface SealedAuth {
  sealed: string;
  shown: EndpointAuthShown;
}

/** Fields left undefined stay as they are; `payload` changes only the keys it holds, and null resets a setting to its default. */
export type WebhookChanges = Partial<
  Pick<Webhook, 'name' | 'url' | 'events' | 'headers' | 'profile' | 'customProfile' | 'signatureScheme' | 'maxAttempts' | 'timeoutMs' | 'ordering' | 'rateLimit'>
> & {
  payload?: Partial<Webhook['payload']>;
  /** The secret custom headers, name -> sealed value, replaced whole (with `headers`). */
  secretHeadersSealed?: Record<string, string>;
  /** Replaces the webhook's `auth`; null removes it. */
  authSealed?: SealedAuth | null;
};

/** What the delivery activity needs: the webhook plus its sealed secret(s). */
export interface WebhookForDelivery extends Webhook {
  /** The secret custom headers, name -> sealed value (SecretBox). */
  secretHeadersSealed: Record<string, string>;
  /** Null only under `argyle`, whose requests then go unsigned. */
  secretEncrypted: string | null;
  /** The secret in use before the last rotation, while its grace period lasts; otherwise null. */
  previousSecretEncrypted: string | null;
  clientId: string;
  /** The tenant's own outbound proxy URL, sealed (SecretBox); null: EGRESS_PROXY_URL. */
  egressProxySealed: string | null;
  /** The webhook's `auth`, sealed (SecretBox, JSON of EndpointAuth); null: none. */
  authSealed: string | null;
  deleted: boolean;
}

export class WebhooksRepository {
  constructor(private readonly db: Queryable) {}

  async insert(w: NewWebhook): Promise<Webhook> {
    const { rows } = await this.db.query<WebhookRow>(
      `INSERT INTO webhooks (id, tenant_id, name, url, events, headers, secret_encrypted, signature_scheme,
                             include_resource, payload_fields, max_attempts, timeout_ms, profile, custom_profile,
                             ordering, rate_limit_count, rate_limit_period_ms, secret_headers, auth_sealed, auth_shown)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING ${COLUMNS}`,
      [
        w.id,
        w.tenantId,
        w.name,
        w.url,
        w.events,
        JSON.stringify(w.headers),
        w.secretEncrypted,
        w.signatureScheme,
        w.payload.includeResource,
        w.payload.fields,
        w.maxAttempts,
        w.timeoutMs,
        w.profile,
        customProfileToRow(w.customProfile),
        w.ordering,
        w.rateLimit?.count ?? null,
        w.rateLimit?.periodMs ?? null,
        JSON.stringify(w.secretHeadersSealed),
        w.authSealed?.sealed ?? null,
        w.authSealed ? JSON.stringify(w.authSealed.shown) : null,
      ],
    );
    return toWebhook(rows[0]!);
  }

  async findById(tenantId: string, id: string): Promise<Webhook | undefined> {
    const { rows } = await this.db.query<WebhookRow>(
      `SELECT ${COLUMNS} FROM webhooks WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [tenantId, id],
    );
    return rows[0] && toWebhook(rows[0]);
  }

  async list(tenantId: string, q: WebhookListQuery): Promise<Webhook[]> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1', 'deleted_at IS NULL'];
    if (q.fromCreatedAt) where.push(`created_at >= $${params.push(q.fromCreatedAt)}`);
    if (q.toCreatedAt) where.push(`created_at < $${params.push(q.toCreatedAt)}`);
    if (q.after) {
      const p = `$${params.push(q.after)}`;
      // The cursor row is looked up rather than carried, so its microsecond timestamp stays exact.
      if (q.ordering === 'id') where.push(`id > ${p}`);
      else {
        const op = q.ordering === 'created_at' ? '>' : '<';
        where.push(`(created_at, id) ${op} (SELECT created_at, id FROM webhooks WHERE id = ${p})`);
      }
    }
    const orderBy = { id: 'id', created_at: 'created_at, id', '-created_at': 'created_at DESC, id DESC' }[q.ordering];
    const { rows } = await this.db.query<WebhookRow>(
      `SELECT ${COLUMNS} FROM webhooks WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT $${params.push(q.limit)}`,
      params,
    );
    return rows.map(toWebhook);
  }

  async update(tenantId: string, id: string, changes: WebhookChanges): Promise<Webhook | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, id];
    if (changes.name !== undefined) sets.push(`name = $${params.push(changes.name)}`);
    if (changes.url !== undefined) sets.push(`url = $${params.push(changes.url)}`);
    if (changes.events !== undefined) sets.push(`events = $${params.push(changes.events)}`);
    if (changes.headers !== undefined) sets.push(`headers = $${params.push(JSON.stringify(changes.headers))}`);
    if (changes.secretHeadersSealed !== undefined) sets.push(`secret_headers = $${params.push(JSON.stringify(changes.secretHeadersSealed))}`);
    if (changes.profile !== undefined) sets.push(`profile = $${params.push(changes.profile)}`);
    if (changes.authSealed !== undefined) {
      sets.push(`auth_sealed = $${params.push(changes.authSealed?.sealed ?? null)}`);
      sets.push(`auth_shown = $${params.push(changes.authSealed ? JSON.stringify(changes.authSealed.shown) : null)}::jsonb`);
    }
    // Null (another profile) clears the settings.
    if (changes.customProfile !== undefined) sets.push(`custom_profile = $${params.push(customProfileToRow(changes.customProfile))}::jsonb`);
    if (changes.signatureScheme !== undefined) sets.push(`signature_scheme = $${params.push(changes.signatureScheme)}`);
    if (changes.payload?.includeResource !== undefined) sets.push(`include_resource = $${params.push(changes.payload.includeResource)}`);
    if (changes.payload?.fields !== undefined) sets.push(`payload_fields = $${params.push(changes.payload.fields)}::text[]`);
    if (changes.maxAttempts !== undefined) sets.push(`max_attempts = $${params.push(changes.maxAttempts)}`);
    if (changes.timeoutMs !== undefined) sets.push(`timeout_ms = $${params.push(changes.timeoutMs)}`);
    if (changes.ordering !== undefined) sets.push(`ordering = $${params.push(changes.ordering)}`);
    if (changes.rateLimit !== undefined) {
      sets.push(`rate_limit_count = $${params.push(changes.rateLimit?.count ?? null)}::int`);
      sets.push(`rate_limit_period_ms = $${params.push(changes.rateLimit?.periodMs ?? null)}::int`);
    }
    const { rows } = await this.db.query<WebhookRow>(
      `UPDATE webhooks SET ${[...sets, 'updated_at = now()'].join(', ')}
       WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0] && toWebhook(rows[0]);
  }

  async softDelete(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE webhooks SET deleted_at = now(), updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [tenantId, id],
    );
    return rowCount === 1;
  }

  /**
   * Makes `newSealed` the signing secret. The one it replaces keeps signing
   * for `graceMs` as the only previous secret (an older previous one is
   * dropped). Returns when that grace ends, or undefined for an unknown webhook.
   */
  async rotateSecret(tenantId: string, id: string, newSealed: string, graceMs: number): Promise<Date | undefined> {
    const { rows } = await this.db.query<{ previous_secret_expires_at: Date }>(
      `UPDATE webhooks
       SET previous_secret_encrypted = secret_encrypted,
           previous_secret_expires_at = now() + make_interval(secs => $4::double precision / 1000),
           secret_encrypted = $3,
           updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
       RETURNING previous_secret_expires_at`,
      [tenantId, id, newSealed, graceMs],
    );
    return rows[0]?.previous_secret_expires_at;
  }

  /** The secret custom headers, name -> sealed value; undefined when there is no such webhook. */
  async sealedHeaders(tenantId: string, id: string): Promise<Record<string, string> | undefined> {
    const { rows } = await this.db.query<{ secret_headers: Record<string, string> }>(
      'SELECT secret_headers FROM webhooks WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL',
      [tenantId, id],
    );
    return rows[0]?.secret_headers;
  }

  /** The sealed signing secret, for checking that it fits a new profile; null when there is none. */
  async sealedSecret(tenantId: string, id: string): Promise<string | null | undefined> {
    const { rows } = await this.db.query<{ secret_encrypted: string | null }>(
      'SELECT secret_encrypted FROM webhooks WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL',
      [tenantId, id],
    );
    return rows[0] ? rows[0].secret_encrypted : undefined;
  }

  /** Folds a finished delivery into the webhook's run of consecutive failures; a success writes only when there was a run. */
  async recordOutcome(id: string, succeeded: boolean): Promise<void> {
    await this.db.query(
      succeeded
        ? 'UPDATE webhooks SET failure_count = 0 WHERE id = $1 AND failure_count <> 0'
        : 'UPDATE webhooks SET failure_count = failure_count + 1 WHERE id = $1',
      [id],
    );
  }

  /** Whether the webhook exists and is active, i.e. its deliveries may be sent. */
  async isActive(id: string): Promise<boolean> {
    const { rows } = await this.db.query<{ active: boolean }>(
      'SELECT status = $2 AND deleted_at IS NULL AS active FROM webhooks WHERE id = $1',
      [id, WebhookStatus.Active],
    );
    return rows[0]?.active === true;
  }

  /**
   * Ends the release of held deliveries that follows a resume or enable, unless a delivery
   * still waits to be dispatched; then the dispatcher takes over again. True when it ended.
   */
  async finishReleasingUnlessUndispatched(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE webhooks SET releasing = false WHERE id = $1 AND NOT EXISTS (
         SELECT 1 FROM deliveries WHERE webhook_id = $1 AND status = $2 AND dispatched_at IS NULL)`,
      [id, DeliveryStatus.Pending],
    );
    return rowCount === 1;
  }

  /** Ends the release of held deliveries unconditionally. */
  async finishReleasing(id: string): Promise<void> {
    await this.db.query('UPDATE webhooks SET releasing = false WHERE id = $1', [id]);
  }
}

/**
 * Every subscription entry that takes `eventType`: itself, `*`, and each
 * prefix wildcard above it (`a.b.c` → `a.*`, `a.b.*`); `*` only for a type that
 * is not operational. Matching is an array
 * overlap, so the GIN index on `events` serves it.
 */
export function subscriptionsMatching(eventType: string): string[] {
  const parts = eventType.split('.');
  const prefixes = parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`);
  // `*` takes the tenant's own events only: an operational event must be named or matched by its prefix.
  return isOperationalEventType(eventType) ? [eventType, ...prefixes] : [eventType, '*', ...prefixes];
}
