import { temporal } from '@temporalio/proto';
import Long from 'long';
import { addCounts, countActions } from '../../bench/lib/billable-actions';

const T = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;

let nextId = 1;
const ev = (eventType: temporal.api.enums.v1.EventType, attrs: Partial<Event> = {}): Event => ({ eventId: Long.fromNumber(nextId++), eventType, ...attrs });
const search = (...names: string[]): Event =>
  ev(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
    upsertWorkflowSearchAttributesEventAttributes: {
      searchAttributes: { indexedFields: Object.fromEntries(names.map((n) => [n, { data: new Uint8Array([0x22, 0x22]) }])) },
    },
  });
const marker = (task: number, name = 'core_local_activity'): Event =>
  ev(T.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: name, workflowTaskCompletedEventId: Long.fromNumber(task) } });

describe('countActions', () => {
  it('counts a start and an activity that succeeded at once as two actions, and every event', () => {
    const history = [
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      ev(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      ev(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 1 } }),
      ev(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
    ];
    const c = countActions(history);
    expect(c.events).toBe(8);
    expect(c.actions).toBe(2);
    expect(c.byKind).toMatchObject({ workflow: 1, activity: 1, timer: 0, signal: 0 });
    expect(c.bytes).toBeGreaterThan(0);
  });

  it('counts an activity the server retried by its attempt number: the retries leave no event of their own', () => {
    const c = countActions([ev(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 5 } })]);
    expect(c.byKind.activity).toBe(5);
    expect(c.actions).toBe(5);
  });

  it('counts timers, received signals, accepted updates and each side of a child start', () => {
    const c = countActions([
      ev(T.EVENT_TYPE_TIMER_STARTED),
      ev(T.EVENT_TYPE_TIMER_FIRED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED),
      ev(T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
      ev(T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED),
      ev(T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED),
    ]);
    expect(c.byKind).toMatchObject({ timer: 1, signal: 2, update: 1, child: 2 });
    expect(c.actions).toBe(6);
  });

  it('bills a search-attribute upsert once, however many attributes it sets, and not one that only records a patch', () => {
    const c = countActions([search('DeliveryStatus', 'WebhookId'), search('TemporalChangeVersion')]);
    expect(c.byKind.searchAttributes).toBe(1);
  });

  it('bills the local activities of one workflow task once, and ignores other markers', () => {
    const c = countActions([marker(4), marker(4), marker(9), marker(9, 'core_patch')]);
    expect(c.byKind.localActivity).toBe(2);
    expect(c.actions).toBe(2);
  });

  it('adds counts kind by kind', () => {
    const a = countActions([ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)]);
    const b = countActions([ev(T.EVENT_TYPE_TIMER_STARTED), ev(T.EVENT_TYPE_TIMER_FIRED)]);
    const sum = addCounts(a, b);
    expect(sum).toMatchObject({ events: 3, actions: 2, bytes: a.bytes + b.bytes });
    expect(sum.byKind).toMatchObject({ workflow: 1, timer: 1 });
  });
});
