import {
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  executeChild,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { EngineActivities, LineEntry } from '../src/domain/activity-contracts';
import { deliverySummary } from '../src/domain/delivery-input';
import { BOOKKEEPING_OPTIONS } from './bookkeeping';
import { deliveryLineProgressQuery, wakeLineSignal } from './definitions';
import { deliveryWorkflow } from './delivery-workflow';
import { deliverySearchAttributes } from './search-attributes';

export interface DeliveryLineInput {
  webhookId: string;
  /** Carried across continue-as-new: the sequence of the last delivery taken. @default 0 */
  afterSequence?: number;
  /** Deliveries per run before continue-as-new. @default DELIVERIES_PER_RUN */
  deliveriesPerRun?: number;
}

/** Deliveries read from Postgres at a time. */
export const LINE_BATCH = 20;
/** Continue-as-new after this many deliveries (each adds about 8 history events), so history stays bounded. */
export const DELIVERIES_PER_RUN = 200;
/** With nothing pending, the line looks again this often in case a wake was missed... */
const IDLE_RECHECK = '1 minute';
/** ...and ends after this many empty looks; the next wake starts it again. */
const IDLE_LOOKS = 3;

/**
 * The line of a `fifo` webhook: its pending deliveries, in sequence order
 * (the commit order of their events), one at a time. Each delivery is a child
 * workflow, the same delivery workflow as any other, with its own id and
 * history; the line awaits its end (succeeded, failed, cancelled) before it
 * starts the next, so a head in backoff or held by a pause holds the rest.
 * The line keeps no state of its own but where it is: Postgres says what is
 * pending, and a wake signal says when to look.
 */
export async function deliveryLineWorkflow(input: DeliveryLineInput): Promise<void> {
  const { nextInLine } = proxyActivities<EngineActivities>(BOOKKEEPING_OPTIONS);
  const { awaitDeliveryFinished } = proxyActivities<EngineActivities>({ ...BOOKKEEPING_OPTIONS, startToCloseTimeout: '2 minutes', heartbeatTimeout: '30s' });
  const perRun = input.deliveriesPerRun ?? DELIVERIES_PER_RUN;

  let wakes = 0;
  let afterSequence = input.afterSequence ?? 0;
  let head: string | null = null;
  let sentThisRun = 0;
  setHandler(wakeLineSignal, () => void wakes++);
  setHandler(deliveryLineProgressQuery, () => ({ afterSequence, head, sentThisRun }));

  let idleLooks = 0;
  for (;;) {
    const seen = wakes;
    const batch = await nextInLine({ webhookId: input.webhookId, afterSequence, limit: LINE_BATCH });
    if (batch.length === 0) {
      if (await condition(() => wakes !== seen, IDLE_RECHECK)) idleLooks = 0;
      else if (++idleLooks >= IDLE_LOOKS) return;
      continue;
    }
    idleLooks = 0;
    for (const entry of batch) {
      head = entry.input.deliveryId;
      await deliver(entry);
      head = null;
      afterSequence = entry.sequence;
      sentThisRun++;
      if (sentThisRun >= perRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof deliveryLineWorkflow>({ ...input, afterSequence });
      }
    }
  }

  /** Runs one delivery to its end; the line moves on whatever that end is. */
  async function deliver(entry: LineEntry): Promise<void> {
    try {
      await executeChild(deliveryWorkflow, {
        workflowId: entry.workflowId,
        args: [entry.input],
        // The delivery outlives a line that continues as new or is terminated: it is the delivery's own workflow.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: deliverySearchAttributes(entry.input),
        staticSummary: deliverySummary(entry.input),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // Started before (by an earlier run of the line): its row says when it is done.
        while (!(await awaitDeliveryFinished({ deliveryId: entry.input.deliveryId })).finished);
        return;
      }
      if (err instanceof ChildWorkflowFailure) {
        // Terminated or timed out by an operator: the line must not wedge on it; its row shows what happened.
        log.warn('delivery workflow ended without a result; the line moves on', { workflowId: entry.workflowId, err });
        return;
      }
      throw err;
    }
  }
}
