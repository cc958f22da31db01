/**
 * What a fault test prints: `sent`, `acknowledged`, `delivered`, `duplicates`, `lost`, counted in
 * deliveries (one event to one webhook), with every duplicate explained, and what Postgres holds.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { CountingReceiver } from './counting-receiver';
import type { FaultStack } from './fault-stack';

export interface Counts {
  sent: number;
  acknowledged: number;
  delivered: number;
  duplicates: number;
  lost: number;
}

export interface DuplicateReasons {
  /** The receiver took it, but the connection was cut before its 2xx went out: the engine could not know. */
  answerCut: number;
  /** The receiver answered 2xx, and the engine sent it again: it could not record the answer. */
  answeredThenResent: number;
}

/**
 * Counts over the deliveries the test expects (`expected`: receiver keys of acknowledged
 * deliveries) and everything else the receiver got.
 */
export function tally(receiver: CountingReceiver, expected: Iterable<string>, sent: number, acknowledged: number) {
  const delivered = receiver.delivered();
  const lostKeys = [...expected].filter((k) => !delivered.has(k));
  const reasons: DuplicateReasons = { answerCut: 0, answeredThenResent: 0 };
  /** Event ids of the duplicates, by reason. */
  const duplicateIds = { answerCut: [] as string[], answeredThenResent: [] as string[] };
  for (const [key, reqs] of receiver.deliveries) {
    const takes = reqs.filter((r) => r.status < 300);
    const id = key.slice(key.indexOf(' ') + 1);
    for (let i = 1; i < takes.length; i++) {
      const reason = takes[i - 1]!.answered === false ? 'answerCut' : 'answeredThenResent';
      reasons[reason]++;
      duplicateIds[reason].push(id);
    }
  }
  const counts: Counts = {
    sent,
    acknowledged,
    delivered: delivered.size,
    duplicates: reasons.answerCut + reasons.answeredThenResent,
    lost: lostKeys.length,
  };
  return { counts, reasons, lostKeys, duplicateIds };
}

/**
 * One line per kind of duplicate: `answerCutCause` says what cut the connections; the causes of
 * the others come from the workers' logs (why the attempt failed after the receiver's 2xx).
 * `unexplained` counts duplicates of the second kind whose cause no worker logged.
 */
export function explainDuplicates(
  stack: FaultStack,
  t: { reasons: DuplicateReasons; duplicateIds: { answeredThenResent: string[] } },
  answerCutCause: string,
): string[] & { unexplained: number } {
  const lines: string[] = [];
  const r = t.reasons;
  const causes = attemptFailureCauses(stack.workerLogs());
  const unexplained = t.duplicateIds.answeredThenResent.filter((id) => !causes.has(id)).length;
  if (r.answerCut) lines.push(`${r.answerCut} duplicate(s): the receiver had the request, but ${answerCutCause} before its 2xx reached the engine; the engine retried (at-least-once)`);
  if (r.answeredThenResent) {
    lines.push(
      `${r.answeredThenResent} duplicate(s): the receiver answered 2xx, but the attempt then failed inside the worker (failures its log shows for them: ${summarizeCauses(causes, t.duplicateIds.answeredThenResent)}), so Temporal ran it again (at-least-once)${unexplained ? `; ${unexplained} with no logged cause` : ''}`,
    );
  }
  if (lines.length) lines.push('every duplicate carries the same webhook-id as the first request, so a receiver that deduplicates on it drops them');
  return Object.assign(lines, { unexplained });
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  webhookId: string;
  status: string;
  attemptCount: number;
  rows: number;
  succeededRows: number;
  failedRows: number;
  maxAttempt: number | null;
  firstStartedAt: Date | null;
  succeededAt: Date | null;
  succeededAttempt: number | null;
}

/** Each delivery of the given events, with a summary of its attempt rows. */
export async function deliveryRows(db: Pool, eventIds: string[]): Promise<DeliveryRow[]> {
  const { rows } = await db.query(
    `SELECT d.id, d.event_id, d.webhook_id, d.status, d.attempt_count,
            count(a.id)::int AS rows,
            count(a.id) FILTER (WHERE a.status = 'succeeded')::int AS succeeded_rows,
            count(a.id) FILTER (WHERE a.status = 'failed')::int AS failed_rows,
            max(a.attempt) AS max_attempt,
            min(a.started_at) AS first_started_at,
            max(a.started_at) FILTER (WHERE a.status = 'succeeded') AS succeeded_at,
            max(a.attempt) FILTER (WHERE a.status = 'succeeded') AS succeeded_attempt
       FROM deliveries d LEFT JOIN attempts a ON a.delivery_id = d.id
      WHERE d.event_id = ANY($1::uuid[])
      GROUP BY d.id`,
    [eventIds],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    webhookId: r.webhook_id,
    status: r.status,
    attemptCount: r.attempt_count,
    rows: r.rows,
    succeededRows: r.succeeded_rows,
    failedRows: r.failed_rows,
    maxAttempt: r.max_attempt,
    firstStartedAt: r.first_started_at,
    succeededAt: r.succeeded_at,
    succeededAttempt: r.succeeded_attempt,
  }));
}

/** Events whose number of delivery rows is not `perEvent`: half-made events. */
export async function halfMadeEvents(db: Pool, perEvent: number): Promise<Array<{ id: string; deliveries: number }>> {
  const { rows } = await db.query(
    `SELECT e.id, count(d.id)::int AS deliveries FROM events e LEFT JOIN deliveries d ON d.event_id = e.id
      GROUP BY e.id HAVING count(d.id) <> $1`,
    [perEvent],
  );
  return rows;
}

/** Prints the report, and appends it to FAULT_RESULTS_FILE (JSON lines) when set. */
export function printReport(stack: FaultStack, fault: string, counts: Counts, startedAt: number, lines: string[]): void {
  const seconds = (Date.now() - startedAt) / 1000;
  const variant = stack.kind === 'prod' ? 'Temporal Server on Postgres' : 'Temporal dev server, SQLite file';
  const out = [
    `── ${fault} (${variant}): ${seconds.toFixed(1)} s ──`,
    `   sent ${counts.sent}  acknowledged ${counts.acknowledged}  delivered ${counts.delivered}  duplicates ${counts.duplicates}  lost ${counts.lost}   (deliveries: event × webhook)`,
    ...lines.map((l) => `   ${l}`),
  ];
  process.stderr.write(`\n${out.join('\n')}\n\n`);
  if (process.env.FAULT_RESULTS_FILE) {
    appendFileSync(process.env.FAULT_RESULTS_FILE, `${JSON.stringify({ fault, stack: stack.kind, seconds: Math.round(seconds * 10) / 10, ...counts, notes: lines })}\n`);
  }
}


/**
 * Why the engine ran an attempt again, from the workers' logs: the error of each failed
 * `deliverAttempt` that is not the receiver's own answer (the SDK logs "Activity failed" with the
 * workflow id and the error). Keyed by event id.
 */
export function attemptFailureCauses(logFiles: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of logFiles) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const block of text.split('Activity failed {').slice(1)) {
      const wf = /workflowId: '(delivery-[^']+)'/.exec(block)?.[1];
      const type = /activityType: '([^']+)'/.exec(block)?.[1];
      const error = /error: ([^\n]+)/.exec(block)?.[1]?.trim();
      // The receiver's verdicts are ApplicationFailures; anything else failed inside the engine.
      if (!wf || type !== 'deliverAttempt' || !error || error.startsWith('ApplicationFailure')) continue;
      const eventId = /^delivery-([0-9a-f-]{36})-/.exec(wf)?.[1];
      if (!eventId) continue;
      out.set(eventId, [...(out.get(eventId) ?? []), error]);
    }
  }
  return out;
}

/** "3 × Error: timeout exceeded when trying to connect; 1 × ..." for the given events (ports elided). */
export function summarizeCauses(causes: Map<string, string[]>, eventIds: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const id of new Set(eventIds)) {
    for (const raw of causes.get(id) ?? []) {
      const c = raw.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  return [...counts].map(([c, n]) => `${n} × ${c}`).join('; ') || 'no failure logged by the workers';
}

/** Requests the receiver answered (2xx or not) that have no attempt row, per delivery. */
export function requestsWithoutRows(receiver: CountingReceiver, rows: DeliveryRow[], pathOf: (webhookId: string) => string): number {
  let missing = 0;
  for (const r of rows) {
    const reqs = receiver.deliveries.get(CountingReceiver.key(pathOf(r.webhookId), r.eventId)) ?? [];
    const answered = reqs.filter((q) => q.answered).length;
    missing += Math.max(0, answered - r.rows);
  }
  return missing;
}
