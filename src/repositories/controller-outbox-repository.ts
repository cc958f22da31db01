import type { Queryable } from '../db/pool';

/**
 * Webhooks whose controller workflow has not been started yet: the same
 * outbox pattern as deliveries, on webhooks (`controller_started_at` unset).
 */
export class ControllerOutboxRepository {
  constructor(private readonly db: Queryable) {}

  /** Whether any live webhook still waits for its controller. */
  async anyDue(): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM webhooks WHERE controller_started_at IS NULL AND deleted_at IS NULL LIMIT 1');
    return (rowCount ?? 0) > 0;
  }

  /**
   * Locks up to `limit` live webhooks without a controller, oldest first;
   * other dispatchers skip them. Call inside a transaction and mark the
   * started ones before committing.
   */
  async lockDue(limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM webhooks WHERE controller_started_at IS NULL AND deleted_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** Records that these webhooks' controllers are started. */
  async markStarted(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query('UPDATE webhooks SET controller_started_at = now() WHERE id = ANY($1::uuid[])', [ids]);
  }
}
