import type { Queryable } from '../db/pool';
import type { Attempt } from '../domain/models';
import { DeliveryStatus } from '../domain/statuses';
import { uuidv7 } from '../util/uuid';
import { DELIVERY_FOR_ATTEMPT_COLUMNS, DELIVERY_FROM, toDeliveryForAttempt, type DeliveryForAttempt, type DeliveryForAttemptRow } from './delivery-row';
import { webhookForDeliveryColumns, webhookForDeliveryFromRow, type WebhookForDelivery } from './webhooks-repository';

export type NewAttempt = Attempt & { deliveryId: string };

/**
 * The attempt row, once per attempt number (a retried activity keeps the first): a CTE named
 * `inserted` returning its delivery id when the row is new. Parameters $1-$16 are attemptParams.
 */
const INSERT_ATTEMPT = `inserted AS (
         INSERT INTO attempts (id, delivery_id, attempt, status, status_code, duration_ms, response_body, error, started_at, profile,
                               request_sent, request_url, request_headers, signature_header, response_headers, response_headers_truncated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16)
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
  a.requestSent ?? null,
  a.requestUrl ?? null,
  a.requestHeaders ? JSON.stringify(a.requestHeaders) : null,
  a.signatureHeader ?? null,
  a.responseHeaders ? JSON.stringify(a.responseHeaders) : null,
  a.responseHeadersTruncated ?? false,
];
/**
 * Whether a webhook's `last_triggered_at` is due to move to the attempt's start ($9): at most once
 * a second per webhook, since under load a write per attempt on one hot row makes attempts queue.
 */
const triggerDue = (webhook: string) =>
  `${webhook}.last_triggered_at IS NULL OR ${webhook}.last_triggered_at < $9::timestamptz - interval '1 second'`;

/**
 * A started delivery's course: what its attempts read and send, each attempt
 * recorded, its progress, and its final status.
 */
export class DeliveryAttemptsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Everything an attempt reads, in one round trip: the delivery with its
   * event (as DeliveryReadsRepository.findForDelivery) and its webhook (as WebhooksRepository.findForDelivery).
   */
  async findForAttempt(id: string): Promise<{ delivery: DeliveryForAttempt; webhook: WebhookForDelivery | undefined } | undefined> {
    const { rows } = await this.db.query<DeliveryForAttemptRow & Record<string, unknown>>(
      `SELECT ${DELIVERY_FOR_ATTEMPT_COLUMNS}, ${webhookForDeliveryColumns('w_')}
         FROM ${DELIVERY_FROM} LEFT JOIN webhooks w ON w.id = d.webhook_id LEFT JOIN tenants t ON t.id = w.tenant_id
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

  async progress(id: string): Promise<{ status: DeliveryStatus; attemptCount: number } | undefined> {
    const { rows } = await this.db.query('SELECT status, attempt_count FROM deliveries WHERE id = $1', [id]);
    return rows[0] && { status: rows[0].status, attemptCount: rows[0].attempt_count };
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
                status = CASE WHEN d.status = $18 AND d.workflow_id = $17 THEN $19 ELSE d.status END,
                completed_at = CASE WHEN d.status = $18 AND d.workflow_id = $17 THEN now() ELSE d.completed_at END,
                updated_at = now()
           FROM (SELECT EXISTS (SELECT 1 FROM inserted) AS fresh) n
          WHERE d.id = $2 AND (n.fresh OR (d.status = $18 AND d.workflow_id = $17))
         -- now() is this transaction's start: a completion made by another one has another time.
         RETURNING d.webhook_id, d.status = $19 AND d.completed_at = now() AS finished
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
      [...attemptParams(a), workflowId, DeliveryStatus.Pending, DeliveryStatus.Succeeded],
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
       WHERE id = $1 AND status = $5 AND ($4::text IS NULL OR workflow_id = $4)`,
      [id, status, error ?? null, workflowId ?? null, DeliveryStatus.Pending],
    );
    return rowCount === 1;
  }
}
