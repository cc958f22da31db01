import type { Queryable } from '../db/pool';
import { PENDING_DELIVERY } from './sql-literal';

/** Engine-wide delivery counts, over every tenant, for the metrics gauges. */
export class DeliveryGaugesRepository {
  constructor(private readonly db: Queryable) {}

  /** Deliveries accepted but not yet started, held by paused webhooks included. */
  async countInOutbox(): Promise<number> {
    return this.count(`SELECT count(*) AS n FROM deliveries WHERE status = ${PENDING_DELIVERY} AND dispatched_at IS NULL`);
  }

  /** Pending deliveries that have made at least one attempt: waiting for their next try. */
  async countInBackoff(): Promise<number> {
    return this.count(`SELECT count(*) AS n FROM deliveries WHERE status = ${PENDING_DELIVERY} AND dispatched_at IS NOT NULL AND attempt_count > 0`);
  }

  private async count(sql: string): Promise<number> {
    return Number((await this.db.query<{ n: number }>(sql)).rows[0]!.n);
  }
}
