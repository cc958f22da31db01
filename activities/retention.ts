import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { PurgeExpiredInput } from '../src/domain/activity-contracts';
import { PORTAL_SESSION_KEEP_ENDED_MS, RETENTION_KINDS, type PurgeResult } from '../src/domain/retention';
import type { Metrics } from '../src/observability/metrics';
import { RetentionRepository } from '../src/repositories/retention-repository';

export interface RetentionDeps {
  pool: Pool;
  metrics?: Metrics;
}


/**
 * Purges one kind in batches of `batchSize` rows, one short transaction each,
 * heartbeating after every batch, until a batch comes back short for every
 * tenant (`done`) or `maxBatches` have run. Safe to run again at any point:
 * each batch is whole or not at all, and the next call starts over.
 */
export async function purgeExpired(deps: RetentionDeps, input: PurgeExpiredInput): Promise<PurgeResult> {
  const repo = new RetentionRepository(deps.pool);
  let deleted = 0;
  let batches = 0;
  const step = async (batch: () => Promise<number>): Promise<boolean> => {
    if (batches > 0 && input.pauseMs) await new Promise((r) => setTimeout(r, input.pauseMs));
    const n = await batch();
    batches++;
    deleted += n;
    if (n > 0) deps.metrics?.retentionPurgedRows.inc({ kind: input.kind }, n);
    Context.current().heartbeat({ deleted, batches });
    return n >= input.batchSize;
  };
  const result = (done: boolean): PurgeResult => {
    if (done && input.kind === RETENTION_KINDS[RETENTION_KINDS.length - 1]) deps.metrics?.retentionLastRun.setToCurrentTime();
    return { kind: input.kind, deleted, batches, done };
  };

  if (input.kind === 'portal_sessions') {
    while (await step(() => repo.purgePortalSessions(PORTAL_SESSION_KEEP_ENDED_MS, input.batchSize))) {
      if (batches >= input.maxBatches) return result(false);
    }
    return result(true);
  }
  const kind = input.kind;
  for (const tenant of await repo.cutoffs(input.defaultRetentionDays)) {
    while (await step(() => repo.purgeBatch(kind, tenant, input.batchSize))) {
      if (batches >= input.maxBatches) return result(false);
    }
  }
  return result(true);
}
