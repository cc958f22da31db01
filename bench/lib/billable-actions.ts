/**
 * What a run of workflow history costs on Temporal Cloud, counted the way its
 * "Temporal Cloud Actions" page defines an Action (docs.temporal.io/cloud/actions):
 *
 * - a workflow started (client start, child start, continue-as-new): 1;
 * - an activity started or retried: 1 per attempt. A retry the server makes
 *   leaves no event of its own, so an `ActivityTaskStarted` event counts its
 *   `attempt` number (attempt 3 means three starts);
 * - every local-activity marker reported in one workflow task: 1 for the task;
 * - a timer started: 1;
 * - a search-attribute upsert: 1, except one that sets only `TemporalChangeVersion`
 *   (a `patched()` marker), which is exempt;
 * - a signal received: 1 (counted where it lands, so a signal between two
 *   workflows is not counted twice);
 * - a child workflow: 1 when the parent records the start, 1 when it starts;
 * - an update accepted: 1 (a rejected one leaves no event, and the engine's
 *   state changes are validated before they are sent).
 *
 * Queries and activity heartbeats reach the server outside the history; the
 * engine's delivery path uses neither.
 */
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const T = temporal.api.enums.v1.EventType;
const EventType = {
  WorkflowExecutionStarted: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  ActivityTaskStarted: T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
  TimerStarted: T.EVENT_TYPE_TIMER_STARTED,
  MarkerRecorded: T.EVENT_TYPE_MARKER_RECORDED,
  WorkflowExecutionSignaled: T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  WorkflowExecutionContinuedAsNew: T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  StartChildWorkflowExecutionInitiated: T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  ChildWorkflowExecutionStarted: T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
  UpsertWorkflowSearchAttributes: T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  WorkflowExecutionUpdateAccepted: T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
} as const;

export type ActionKind = 'workflow' | 'activity' | 'localActivity' | 'timer' | 'searchAttributes' | 'signal' | 'child' | 'update';

export interface ActionCount {
  events: number;
  /** The events' size as the server stores them (protobuf-encoded). */
  bytes: number;
  actions: number;
  byKind: Record<ActionKind, number>;
}

export function emptyCount(): ActionCount {
  return { events: 0, bytes: 0, actions: 0, byKind: { workflow: 0, activity: 0, localActivity: 0, timer: 0, searchAttributes: 0, signal: 0, child: 0, update: 0 } };
}

export function addCounts(a: ActionCount, b: ActionCount): ActionCount {
  const out = emptyCount();
  out.events = a.events + b.events;
  out.bytes = a.bytes + b.bytes;
  out.actions = a.actions + b.actions;
  for (const k of Object.keys(out.byKind) as ActionKind[]) out.byKind[k] = a.byKind[k] + b.byKind[k];
  return out;
}

/** Counts the events and billable actions in `events` (one run's history, or the tail of one). */
export function countActions(events: readonly HistoryEvent[]): ActionCount {
  const count = emptyCount();
  const markerTasks = new Set<string>();
  const add = (kind: ActionKind, n = 1) => {
    count.byKind[kind] += n;
    count.actions += n;
  };
  for (const e of events) {
    count.events++;
    count.bytes += temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
    switch (Number(e.eventType)) {
      case EventType.WorkflowExecutionStarted:
        add('workflow');
        break;
      case EventType.ActivityTaskStarted:
        add('activity', Math.max(1, e.activityTaskStartedEventAttributes?.attempt ?? 1));
        break;
      case EventType.MarkerRecorded: {
        const attrs = e.markerRecordedEventAttributes;
        if (attrs?.markerName !== 'core_local_activity') break;
        const task = String(attrs.workflowTaskCompletedEventId ?? '');
        if (!markerTasks.has(task)) {
          markerTasks.add(task);
          add('localActivity');
        }
        break;
      }
      case EventType.TimerStarted:
        add('timer');
        break;
      case EventType.UpsertWorkflowSearchAttributes: {
        const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (fields.some((f) => f !== 'TemporalChangeVersion')) add('searchAttributes');
        break;
      }
      case EventType.WorkflowExecutionSignaled:
        add('signal');
        break;
      case EventType.StartChildWorkflowExecutionInitiated:
      case EventType.ChildWorkflowExecutionStarted:
        add('child');
        break;
      case EventType.WorkflowExecutionUpdateAccepted:
        add('update');
        break;
      case EventType.WorkflowExecutionContinuedAsNew:
        // The new run's WorkflowExecutionStarted is the billed start; this event only closes the old run.
        break;
      default:
        break;
    }
  }
  return count;
}
