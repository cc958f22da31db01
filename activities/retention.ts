import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { PurgeExpiredInput } from '../src/domain/activity-contracts';
import { PORTAL_SESSION_KEEP_ENDED_MS, RETENTION_KINDS, type PurgedRowKind, type PurgeResult } from '../src/domain/retention';
import type { Metrics } from '../src/observability/metrics';
import { RetentionRepository, type TenantCutoff } from '../src/repositories/retention-repository';

export interface RetentionDeps {
  pool: Pool;
  metrics?: Metrics;
}

/**
 * Purges one step in batches of about `batchSize` rows, one short transaction
 * each, heartbeating after every batch, until a batch comes back short for every
 * tenant (`done`) or `maxBatches` have run. Safe to run again at any point: each
 * batch is whole or not at all, and the next call starts over.
 */
export async function purgeExpired(deps: RetentionDeps, input: PurgeExpiredInput): Promise<PurgeResult> {
  const repo = new RetentionRepository(deps.pool);
  const deleted: Partial<Record<PurgedRowKind, number>> = {};
  let batches = 0;
  const count = (kind: PurgedRowKind, n: number) => {
    deleted[kind] = (deleted[kind] ?? 0) + n;
    if (n > 0) deps.metrics?.retentionPurgedRows.inc({ kind }, n);
  };
  /** Runs one batch; true when there may be more (a full batch). */
  const step = async (batch: () => Promise<boolean>): Promise<boolean> => {
    if (batches > 0 && input.pauseMs) await new Promise((r) => setTimeout(r, input.pauseMs));
    const more = await batch();
    batches++;
    Context.current().heartbeat({ deleted, batches });
    return more;
  };
  const single = (kind: PurgedRowKind, run: () => Promise<number>) => async () => {
    const n = await run();
    count(kind, n);
    return n >= input.batchSize;
  };
  const batchOf = (t: TenantCutoff): (() => Promise<boolean>) => {
    switch (input.kind) {
      case 'deliveries':
        return async () => {
          const r = await repo.purgeDeliveries(t, input.batchSize);
          count('attempts', r.attempts);
          count('deliveries', r.deliveries);
          return r.more;
        };
      case 'events':
        return single('events', () => repo.purgeEvents(t, input.batchSize));
      case 'webhooks':
        return single('webhooks', () => repo.purgeWebhooks(t, input.batchSize));
      case 'portal_sessions':
        return single('portal_sessions', () => repo.purgePortalSessions(PORTAL_SESSION_KEEP_ENDED_MS, input.batchSize));
    }
  };
  const result = (done: boolean): PurgeResult => {
    if (done && input.kind === RETENTION_KINDS[RETENTION_KINDS.length - 1]) deps.metrics?.retentionLastRun.setToCurrentTime();
    return { kind: input.kind, deleted, batches, done };
  };

  // Portal sessions have no tenant cutoff: one pass for all of them.
  const tenants: TenantCutoff[] =
    input.kind === 'portal_sessions' ? [{ tenantId: '', cutoff: new Date(0) }] : await repo.cutoffs(input.defaultRetentionDays);
  for (const tenant of tenants) {
    const batch = batchOf(tenant);
    while (await step(batch)) {
      if (batches >= input.maxBatches) return result(false);
    }
  }
  return result(true);
}
