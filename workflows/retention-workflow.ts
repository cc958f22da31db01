import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EngineActivities } from '../src/domain/activity-contracts';
import { RETENTION_KINDS, type PurgedRowKind, type RetentionKind } from '../src/domain/retention';
import { BOOKKEEPING_RETRY } from './bookkeeping';

export interface RetentionInput {
  /** Days kept by tenants without their own `retention_days` (RETENTION_DAYS). */
  defaultRetentionDays: number;
  /** Rows per transaction. */
  batchSize: number;
  /** A pause between batches. @default 0 */
  pauseMs?: number;
  /** Where a continued run picks up, and what the run has purged so far. */
  resume?: { kind: RetentionKind } & RetentionResult;
}

/** Rows deleted by kind, and transactions run by step. */
export type RetentionResult = { purged: Partial<Record<PurgedRowKind, number>>; batches: Partial<Record<RetentionKind, number>> };

/** Transactions per activity call: a call ends within minutes, and its heartbeats show its progress. */
export const PURGE_BATCHES_PER_CALL = 200;
/** Activity calls before the run continues as new, so its history stays short however much there is to purge. */
const CALLS_PER_RUN = 100;

/**
 * One retention purge: each step in order (deliveries with their attempts, events,
 * portal sessions, webhooks), each until nothing of it is left past its cutoff. Started by
 * the retention Schedule; all I/O is in the `purgeExpired` activity.
 */
export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const { purgeExpired } = proxyActivities<EngineActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    retry: BOOKKEEPING_RETRY,
  });
  const purged: Partial<Record<PurgedRowKind, number>> = { ...input.resume?.purged };
  const batches: Partial<Record<RetentionKind, number>> = { ...input.resume?.batches };
  const start = input.resume ? RETENTION_KINDS.indexOf(input.resume.kind) : 0;
  let calls = 0;
  for (const kind of RETENTION_KINDS.slice(Math.max(start, 0))) {
    for (;;) {
      if (calls >= CALLS_PER_RUN || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof retentionWorkflow>({ ...input, resume: { kind, purged, batches } });
      }
      const r = await purgeExpired({
        kind,
        defaultRetentionDays: input.defaultRetentionDays,
        batchSize: input.batchSize,
        maxBatches: PURGE_BATCHES_PER_CALL,
        pauseMs: input.pauseMs,
      });
      calls++;
      for (const [k, n] of Object.entries(r.deleted) as Array<[PurgedRowKind, number]>) purged[k] = (purged[k] ?? 0) + n;
      batches[kind] = (batches[kind] ?? 0) + r.batches;
      if (r.done) break;
    }
  }
  log.info('retention purge finished', { purged, batches });
  return { purged, batches };
}
