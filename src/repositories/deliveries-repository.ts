import type { Queryable } from '../db/pool';
import type { Attempt, Delivery, PayloadFormat } from '../domain/models';
import { profileOf, type ProfileName } from '../domain/profiles';
import { DeliveryStatus } from '../domain/statuses';
import { uuidv7 } from '../util/uuid';
import { customProfileFromRow, webhookForDeliveryColumns, webhookForDeliveryFromRow, type CustomProfileRow, type WebhookForDelivery } from './webhooks-repository';

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  event_id: string;
  webhook_id: string;
  workflow_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  redeliveries: number;
  last_status_code: number | null;
  last_error: string | null;
  profile: ProfileName | null;
  custom_profile: CustomProfileRow | null;
  dispatched_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A delivery's columns, over `deliveries d JOIN events e`. */
export const DELIVERY_COLUMNS = `d.id, d.tenant_id, d.event_id, d.webhook_id, d.workflow_id, e.type AS event_type, d.status,
  d.attempt_count, d.redeliveries, d.last_status_code, d.last_error, d.profile, d.custom_profile, d.dispatched_at, d.completed_at, d.created_at, d.updated_at`;
const COLUMNS = DELIVERY_COLUMNS;
const FROM = 'deliveries d JOIN events e ON e.id = d.event_id';

export const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  tenantId: r.tenant_id,
  eventId: r.event_id,
  webhookId: r.webhook_id,
  workflowId: r.workflow_id,
  eventType: r.event_type,
  status: r.status,
  attemptCount: r.attempt_count,
  redeliveries: r.redeliveries,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  profile: r.profile,
  customProfile: customProfileFromRow(r.custom_profile),
  dispatchedAt: r.dispatched_at,
  completedAt: r.completed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A delivery with what its attempts send: the event's data and format, and the body once it is fixed. */
export type DeliveryForAttempt = Delivery & { data: Record<string, unknown>; payloadFormat: PayloadFormat; eventCreatedAt: Date; payload: string | null };
type DeliveryForAttemptRow = DeliveryRow & { data: Record<string, unknown>; payload_format: PayloadFormat; event_created_at: Date; payload: string | null };
const toDeliveryForAttempt = (r: DeliveryForAttemptRow): DeliveryForAttempt => ({
  ...toDelivery(r),
  data: r.data,
  payloadFormat: r.payload_format,
  eventCreatedAt: r.event_created_at,
  payload: r.payload,
});

export interface DeliveryListQuery {
  limit: number;
  after?: string;
  webhookId?: string;
  eventId?: string;
  status?: DeliveryStatus;
}

/** An outbox row: what the dispatcher needs to start a delivery workflow. */
export interface PendingDispatch {
  id: string;
  workflowId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  firstAttemptNumber: number;
  /** The webhook's own retry ceiling and request timeout, when it sets them; they override the configured defaults. */
  maxAttempts?: number | null;
  timeoutMs?: number | null;
  /** The profile the delivery is dispatched under: its default attempts apply when the webhook sets none. */
  profile?: ProfileName;
}

const toPendingDispatch = (r: {
  id: string;
  workflow_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  first_attempt_number: number;
  max_attempts: number | null;
  timeout_ms: number | null;
  profile?: string | null;
}): PendingDispatch => ({
  id: r.id,
  workflowId: r.workflow_id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  eventType: r.event_type,
  firstAttemptNumber: r.first_attempt_number,
  maxAttempts: r.max_attempts,
  timeoutMs: r.timeout_ms,
  profile: profileOf(r.profile).name,
});

export type NewAttempt = Attempt & { deliveryId: string };

/** The custom settings fixed with the profile: taken from the webhook (`w`) with it, kept with it after (the SET reads the old `d.profile`). */
const FIXED_CUSTOM_PROFILE = 'CASE WHEN d.profile IS NULL THEN w.custom_profile ELSE d.custom_profile END';

/** Notified inside the inserting transaction, so a listener hears of rows only once they are committed. */
export const OUTBOX_CHANNEL = 'delivery_outbox';

/**
 * The attempt row, once per attempt number (a retried activity keeps the first): a CTE named
 * `inserted` returning its delivery id when the row is new. Parameters $1-$10 are attemptParams.
 */
const INSERT_ATTEMPT = `inserted AS (
         INSERT INTO attempts (id, delivery_id, attempt, status, status_code, duration_ms, response_body, error, started_at, profile)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (delivery_id, attempt) DO NOTHING
         RETURNING delivery_id
       )`;
const attemptParams = (a: NewAttempt) => [
  uuidv7(),
  a.deliveryId,
  a.attempt,
  a.status,
  a.statusCode,
  a.durationMs,
  a.responseBody,
  a.error,
  a.startedAt,
  a.profile ?? null,
];
/**
 * Whether a webhook's `last_triggered_at` is due to move to the attempt's start ($9): at most once
 * a second per webhook, since under load a write per attempt on one hot row makes attempts queue.
 */
const triggerDue = (webhook: string) =>
  `${webhook}.last_triggered_at IS NULL OR ${webhook}.last_triggered_at < $9::timestamptz - interval '1 second'`;

export class DeliveriesRepository {
  constructor(private readonly db: Queryable) {}

  /** Wakes dispatchers (delivered on commit when inside a transaction). */
  async notifyOutbox(): Promise<void> {
    await this.db.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }

  async listForEvent(eventId: string): Promise<Delivery[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE d.event_id = $1 ORDER BY d.webhook_id`,
      [eventId],
    );
    return rows.map(toDelivery);
  }

  async findById(tenantId: string, id: string): Promise<Delivery | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE d.tenant_id = $1 AND d.id = $2`,
      [tenantId, id],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** Newest first. */
  async list(tenantId: string, q: DeliveryListQuery): Promise<Delivery[]> {
    const params: unknown[] = [tenantId];
    const where = ['d.tenant_id = $1'];
    if (q.webhookId) where.push(`d.webhook_id = $${params.push(q.webhookId)}`);
    if (q.eventId) where.push(`d.event_id = $${params.push(q.eventId)}`);
    if (q.status) where.push(`d.status = $${params.push(q.status)}`);
    if (q.after) {
      where.push(`(d.created_at, d.id) < (SELECT created_at, id FROM deliveries WHERE id = $${params.push(q.after)})`);
    }
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')}
       ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.push(q.limit)}`,
      params,
    );
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryId: string): Promise<Attempt[]> {
    // Every attempt sent the delivery's one stored body.
    const { rows } = await this.db.query(
      `SELECT a.attempt, a.status, a.status_code, a.duration_ms, a.response_body, a.error, a.started_at, a.profile, d.payload AS request_body
       FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.delivery_id = $1 ORDER BY a.attempt`,
      [deliveryId],
    );
    return rows.map((r) => ({
      attempt: r.attempt,
      status: r.status,
      statusCode: r.status_code,
      durationMs: r.duration_ms,
      responseBody: r.response_body,
      error: r.error,
      startedAt: r.started_at,
      profile: r.profile,
      requestBody: r.request_body,
    }));
  }

  /**
   * Locks up to `limit` undispatched deliveries of active webhooks, oldest
   * first. Other dispatchers skip the locked rows, so each is started by one
   * of them. Deliveries of a paused webhook wait here: they are held in
   * Postgres until it is resumed. (A pause that lands between this read and
   * the start is caught by the attempt itself, which holds when it finds the
   * webhook paused.) Call inside a transaction and mark them dispatched
   * before committing.
   */
  /**
   * Claims up to `limit` undispatched deliveries of active webhooks for
   * `claimMs`, oldest first, in one short statement: other dispatchers skip
   * them until the claim lapses. Returned in creation order.
   */
  async claimUndispatched(limit: number, claimMs: number): Promise<PendingDispatch[]> {
    const { rows } = await this.db.query(
      `WITH due AS (
         SELECT d.id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.dispatched_at IS NULL AND d.status = 'pending' AND w.status = 'active' AND NOT w.releasing
           AND (d.dispatch_claimed_until IS NULL OR d.dispatch_claimed_until < now())
         ORDER BY d.created_at, d.id
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       -- The profile is fixed by the first claim of a series: a claim that lapsed after its workflow
       -- started must not hand a later claim another profile than the one that workflow runs under.
       UPDATE deliveries d SET dispatch_claimed_until = now() + make_interval(secs => $2::double precision / 1000),
                               profile = COALESCE(d.profile, w.profile),
                               custom_profile = ${FIXED_CUSTOM_PROFILE}
       FROM due, events e, webhooks w
       WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.webhook_id
       RETURNING d.id, d.workflow_id, d.webhook_id, d.event_id, e.type AS event_type, d.first_attempt_number,
                 w.max_attempts, w.timeout_ms, d.profile, d.created_at`,
      [limit, claimMs],
    );
    rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map(toPendingDispatch);
  }

  /** Fixes the profile of an undispatched delivery about to be started outside the outbox (a release); returns it. */
  async fixProfile(id: string): Promise<ProfileName> {
    const { rows } = await this.db.query<{ profile: string }>(
      `UPDATE deliveries d SET profile = COALESCE(d.profile, w.profile), custom_profile = ${FIXED_CUSTOM_PROFILE} FROM webhooks w
       WHERE d.id = $1 AND w.id = d.webhook_id RETURNING d.profile`,
      [id],
    );
    return profileOf(rows[0]?.profile).name;
  }

  /** Gives claimed deliveries back to the outbox at once (their starts failed). */
  async releaseClaims(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE deliveries SET dispatch_claimed_until = NULL WHERE id = ANY($1::uuid[]) AND dispatched_at IS NULL`, [ids]);
  }

  /** A webhook's pending deliveries in the order their events were created, dispatched or not. */
  async listPendingForWebhook(webhookId: string): Promise<Array<PendingDispatch & { dispatched: boolean; attemptCount: number }>> {
    const { rows } = await this.db.query(
      `SELECT d.id, d.workflow_id, d.webhook_id, d.event_id, e.type AS event_type, d.first_attempt_number,
              w.max_attempts, w.timeout_ms, d.dispatched_at IS NOT NULL AS dispatched, d.attempt_count
       FROM deliveries d JOIN events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.webhook_id = $1 AND d.status = 'pending'
       ORDER BY e.created_at, d.created_at, d.id`,
      [webhookId],
    );
    return rows.map((r) => ({ ...toPendingDispatch(r), dispatched: r.dispatched, attemptCount: r.attempt_count }));
  }

  async progress(id: string): Promise<{ status: DeliveryStatus; attemptCount: number } | undefined> {
    const { rows } = await this.db.query('SELECT status, attempt_count FROM deliveries WHERE id = $1', [id]);
    return rows[0] && { status: rows[0].status, attemptCount: rows[0].attempt_count };
  }

  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(`UPDATE deliveries SET dispatched_at = now(), dispatch_claimed_until = NULL WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async countUndispatched(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM deliveries WHERE dispatched_at IS NULL AND status = 'pending'",
    );
    return rows[0]!.n;
  }

  /**
   * Stores one HTTP try and folds it into the delivery. Recording the same
   * attempt twice (an activity retried after its worker died) keeps the first.
   */
  async recordAttempt(a: NewAttempt): Promise<void> {
    await this.db.query(
      `WITH ${INSERT_ATTEMPT}, touched AS (
         UPDATE deliveries SET attempt_count = GREATEST(attempt_count, $3), last_status_code = $5, last_error = $8,
                updated_at = now()
         WHERE id IN (SELECT delivery_id FROM inserted)
         RETURNING webhook_id
       )
       UPDATE webhooks SET last_triggered_at = $9
       WHERE id IN (SELECT webhook_id FROM touched) AND (${triggerDue('webhooks')})`,
      attemptParams(a),
    );
  }

  /**
   * A 2xx, stored by one statement instead of three: the attempt row (once per
   * attempt number, as recordAttempt), the delivery succeeded (as complete: only
   * from pending and only by its current run), and on its webhook the failure
   * count reset when this call finished the delivery, and the last-triggered
   * time. Returns true when this call finished it.
   */
  async recordSuccess(a: NewAttempt, workflowId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ finished: boolean }>(
      `WITH ${INSERT_ATTEMPT}, updated AS (
         UPDATE deliveries d
            SET attempt_count = CASE WHEN n.fresh THEN GREATEST(d.attempt_count, $3) ELSE d.attempt_count END,
                last_status_code = CASE WHEN n.fresh THEN $5 ELSE d.last_status_code END,
                last_error = CASE WHEN n.fresh THEN NULL ELSE d.last_error END,
                status = CASE WHEN d.status = 'pending' AND d.workflow_id = $11 THEN 'succeeded' ELSE d.status END,
                completed_at = CASE WHEN d.status = 'pending' AND d.workflow_id = $11 THEN now() ELSE d.completed_at END,
                updated_at = now()
           FROM (SELECT EXISTS (SELECT 1 FROM inserted) AS fresh) n
          WHERE d.id = $2 AND (n.fresh OR (d.status = 'pending' AND d.workflow_id = $11))
         -- now() is this transaction's start: a completion made by another one has another time.
         RETURNING d.webhook_id, d.status = 'succeeded' AND d.completed_at = now() AS finished
       ), webhook AS (
         UPDATE webhooks w
            SET failure_count = CASE WHEN u.finished THEN 0 ELSE w.failure_count END,
                last_triggered_at = CASE WHEN ${triggerDue('w')}
                                         THEN $9 ELSE w.last_triggered_at END
           FROM updated u
          WHERE w.id = u.webhook_id
            -- Unless there is a failure count to reset, as recordAttempt does.
            AND ((u.finished AND w.failure_count <> 0) OR ${triggerDue('w')})
       )
       SELECT coalesce(bool_or(finished), false) AS finished FROM updated`,
      [...attemptParams(a), workflowId],
    );
    return rows[0]?.finished === true;
  }

  /**
   * Moves a pending delivery to its final status. Returns false when it had
   * already finished, so the verdict is applied to the webhook only once.
   * With `workflowId`, only that run of the delivery may finish it: a run
   * superseded by a redelivery cannot touch the new series.
   */
  async complete(id: string, status: DeliveryStatus, error?: string, workflowId?: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE deliveries SET status = $2, completed_at = now(), updated_at = now(),
              last_error = COALESCE($3, last_error)
       WHERE id = $1 AND status = 'pending' AND ($4::text IS NULL OR workflow_id = $4)`,
      [id, status, error ?? null, workflowId ?? null],
    );
    return rowCount === 1;
  }

  /**
   * Sends finished deliveries again: each goes back to the outbox as pending
   * with a fresh attempt series under a new workflow id
   * (`<workflow id>-redelivery-<n>`); its attempt numbering continues and its
   * event, hence its `webhook-id`, stays the same, and so does its stored
   * body (`payload` is kept, not recomputed: the same bytes go out again,
   * freshly signed, whatever the webhook's config has become). Returns what
   * was requeued.
   */
  async redeliver(tenantId: string, filter: { ids: string[] } | { webhookId: string; status: DeliveryStatus; from: Date; to?: Date }): Promise<string[]> {
    const params: unknown[] = [tenantId];
    const where =
      'ids' in filter
        ? `id = ANY($${params.push(filter.ids)}::uuid[]) AND status <> 'pending'`
        : `webhook_id = $${params.push(filter.webhookId)} AND status = $${params.push(filter.status)}
           AND created_at >= $${params.push(filter.from)}${filter.to ? ` AND created_at < $${params.push(filter.to)}` : ''}`;
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE deliveries SET status = 'pending', completed_at = NULL, last_error = NULL, dispatched_at = NULL, dispatch_claimed_until = NULL,
              profile = NULL, custom_profile = NULL,
              redeliveries = redeliveries + 1, first_attempt_number = attempt_count + 1, updated_at = now(),
              workflow_id = 'delivery-' || event_id || '-' || webhook_id || '-redelivery-' || (redeliveries + 1)
       WHERE tenant_id = $1 AND ${where}
       RETURNING id`,
      params,
    );
    if (rows.length > 0) await this.notifyOutbox();
    return rows.map((r) => r.id);
  }

  async findForDelivery(id: string): Promise<DeliveryForAttempt | undefined> {
    const { rows } = await this.db.query<DeliveryForAttemptRow>(
      `SELECT ${COLUMNS}, e.data, e.payload_format, e.created_at AS event_created_at, d.payload FROM ${FROM} WHERE d.id = $1`,
      [id],
    );
    return rows[0] && toDeliveryForAttempt(rows[0]);
  }

  /**
   * Everything an attempt reads, in one round trip: the delivery with its
   * event (as findForDelivery) and its webhook (as WebhooksRepository.findForDelivery).
   */
  async findForAttempt(id: string): Promise<{ delivery: DeliveryForAttempt; webhook: WebhookForDelivery | undefined } | undefined> {
    const { rows } = await this.db.query<DeliveryForAttemptRow & Record<string, unknown>>(
      `SELECT ${COLUMNS}, e.data, e.payload_format, e.created_at AS event_created_at, d.payload, ${webhookForDeliveryColumns('w_')}
         FROM ${FROM} LEFT JOIN webhooks w ON w.id = d.webhook_id LEFT JOIN tenants t ON t.id = w.tenant_id
        WHERE d.id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { delivery: toDeliveryForAttempt(r), webhook: r.w_id ? webhookForDeliveryFromRow(r, 'w_') : undefined };
  }

  /**
   * Fixes the delivery's body: the first one stored stays, so every attempt
   * (and every redelivery) sends the same bytes. Returns the stored body.
   */
  async storePayload(id: string, payload: string): Promise<string> {
    const { rows } = await this.db.query<{ payload: string }>(
      'UPDATE deliveries SET payload = COALESCE(payload, $2) WHERE id = $1 RETURNING payload',
      [id, payload],
    );
    return rows[0]?.payload ?? payload;
  }
}
