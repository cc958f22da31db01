import type { Client } from '@temporalio/client';
import { setMaxListeners } from 'node:events';
import { Client as PgClient, type Pool } from 'pg';
import type { Config } from '../config';
import { withTransaction } from '../db/pool';
import { dispatchDelivery, ensureControllerWorkflow, wakeDeliveryLine, type DeliverySettings } from '../temporal/workflow-starters';
import type { Logger } from '../logger';
import { ControllerOutboxRepository } from '../repositories/controller-outbox-repository';
import type { PendingDispatch } from '../domain/pending-dispatch';
import { OutboxRepository } from '../repositories/outbox-repository';
import { listenForOutbox } from '../repositories/outbox-wake';
import type { DispatchWindow } from './dispatch-window';

export interface DispatcherOptions {
  pool: Pool;
  /** For LISTEN: one dedicated connection, separate from the pool. */
  databaseUrl: string;
  /** Resolves to a connected client, or rejects quickly while Temporal is unreachable. */
  temporal: () => Promise<Client>;
  settings: DeliverySettings;
  /** For starting webhook controllers. */
  controllers: Pick<Config, 'autoDisable' | 'temporal'>;
  batchSize: number;
  concurrency: number;
  /** Fallback poll when no notification arrives (and the retry pace while Temporal is away). */
  pollIntervalMs: number;
  /** Backpressure: how many started deliveries may wait for their first attempt at once. */
  window?: DispatchWindow;
  log: Logger;
}

/** Longest wait between tries while Temporal refuses starts. */
const MAX_BACKOFF_MS = 30_000;
/** A start that takes longer is abandoned (the row stays in the outbox for the next drain). */
const START_TIMEOUT_MS = 5_000;
/** How long a dispatcher's claim on outbox rows lasts, should it die before marking them dispatched. */
const CLAIM_MS = 30_000;

/**
 * Drains the delivery outbox: starts one workflow per undispatched delivery,
 * then marks it dispatched. Each batch is claimed for a while in one short
 * statement (SKIP LOCKED), so any number of dispatchers can run and no row
 * lock is held while Temporal is called; the deterministic workflow id
 * refuses a second start of the same delivery even if a dispatcher dies
 * between starting and marking.
 * While Temporal is unreachable, rows wait and the dispatcher backs off.
 */
export class OutboxDispatcher {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private listener?: PgClient;
  private pendingWake = false;
  private abort = new AbortController();

  constructor(private readonly opts: DispatcherOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    // Every concurrent start listens on this one signal.
    setMaxListeners(0, this.abort.signal);
    void this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    // Starts in flight are abandoned; their rows stay in the outbox.
    this.abort.abort();
    this.nudge();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Asks for a drain now instead of at the next poll. */
  nudge(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  /** Starts up to one batch; returns how many deliveries it dispatched. Throws only on database errors. */
  async drainOnce(): Promise<{ dispatched: number; failed: number; limit: number }> {
    const repo = new OutboxRepository(this.opts.pool);
    const { window } = this.opts;
    const limit = window ? Math.min(this.opts.batchSize, window.free()) : this.opts.batchSize;
    const rows = limit > 0 ? await repo.claimUndispatched(limit, CLAIM_MS) : [];
    const controllersDue = await new ControllerOutboxRepository(this.opts.pool).anyDue();
    if (rows.length === 0 && !controllersDue) return { dispatched: 0, failed: 0, limit };
    let client: Client;
    try {
      client = await this.opts.temporal();
    } catch (err) {
      this.opts.log.warn('Temporal unreachable; deliveries wait in the outbox', { pending: rows.length, err: (err as Error).message });
      await repo.releaseClaims(rows.map((r) => r.id));
      return { dispatched: 0, failed: rows.length, limit };
    }
    const started: string[] = [];
    const failed: string[] = [];
    // Deliveries of fifo webhooks are started by their webhook's line, in sequence order: the dispatcher wakes it.
    const direct = rows.filter((r) => r.sequence == null);
    const lines = new Map<string, PendingDispatch[]>();
    for (const r of rows) if (r.sequence != null) lines.set(r.webhookId, [...(lines.get(r.webhookId) ?? []), r]);
    await forEachConcurrently([...lines], this.opts.concurrency, async ([webhookId, lineRows]) => {
      const ids = lineRows.map((r) => r.id);
      try {
        await this.withStartDeadline(client, () => wakeDeliveryLine(client, webhookId, this.opts.settings.taskQueue));
        started.push(...ids);
      } catch (err) {
        failed.push(...ids);
        this.opts.log.warn('could not wake delivery line', { webhookId, err });
      }
    });
    await forEachConcurrently(direct, this.opts.concurrency, async (row) => {
      window?.take(row.id);
      try {
        await this.startWorkflow(client, row);
        started.push(row.id);
      } catch (err) {
        window?.release(row.id);
        failed.push(row.id);
        if (failed.length === 1) this.opts.log.warn('could not start delivery workflow', { workflowId: row.workflowId, err });
      }
    });
    // A crash before this line leaves claims that lapse: the rows are started again, which Temporal refuses as duplicates.
    await repo.markDispatched(started);
    await repo.releaseClaims(failed);
    if (controllersDue) await this.startControllers(client);
    return { dispatched: started.length, failed: failed.length, limit };
  }

  private startWorkflow(client: Client, row: PendingDispatch): Promise<void> {
    return this.withStartDeadline(client, () => dispatchDelivery(client, this.opts.settings, row));
  }

  private withStartDeadline(client: Client, call: () => Promise<void>): Promise<void> {
    const { connection } = client;
    return connection.withAbortSignal(this.abort.signal, () => connection.withDeadline(Date.now() + START_TIMEOUT_MS, call));
  }

  /** Starts the controller workflow of each webhook that has none yet (the same outbox pattern, on webhooks). */
  async startControllers(client: Client): Promise<number> {
    return withTransaction(this.opts.pool, async (tx) => {
      const controllers = new ControllerOutboxRepository(tx);
      const due = await controllers.lockDue(this.opts.batchSize);
      const started: string[] = [];
      await forEachConcurrently(due, this.opts.concurrency, async (id) => {
        try {
          await client.connection.withAbortSignal(this.abort.signal, () =>
            client.connection.withDeadline(Date.now() + START_TIMEOUT_MS, () =>
              ensureControllerWorkflow(client, id, this.opts.controllers),
            ),
          );
          started.push(id);
        } catch (err) {
          this.opts.log.warn('could not start webhook controller', { webhookId: id, err: (err as Error).message });
        }
      });
      await controllers.markStarted(started);
      return started.length;
    });
  }

  private async run(): Promise<void> {
    let backoff = this.opts.pollIntervalMs;
    while (this.running) {
      let more = false;
      try {
        const { dispatched, failed, limit } = await this.drainOnce();
        if (failed > 0) {
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          continue;
        }
        backoff = this.opts.pollIntervalMs;
        if (limit === 0) {
          // Every place is taken: wait for a first attempt to begin, not for a notification.
          await this.opts.window!.whenFree(this.opts.pollIntervalMs);
          continue;
        }
        more = dispatched === limit;
      } catch (err) {
        this.opts.log.error('outbox drain failed', { err });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      if (!more) await this.sleep(this.opts.pollIntervalMs);
    }
  }

  /** Waits for the interval, a notification, or stop(), whichever comes first. */
  private sleep(ms: number): Promise<void> {
    if (this.pendingWake || !this.running) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        self.pendingWake = false;
        resolve();
      }
      this.wake = done;
    });
  }

  /** LISTENs for committed outbox rows; reconnects if the connection drops. Polling covers any gap. */
  private async listen(): Promise<void> {
    while (this.running) {
      const client = new PgClient({ connectionString: this.opts.databaseUrl });
      try {
        await client.connect();
        if (!this.running) {
          await client.end();
          return;
        }
        this.listener = client;
        await listenForOutbox(client, () => this.nudge());
        await new Promise<void>((resolve) => {
          // A cut connection can emit more than one error: every one needs a listener.
          client.on('error', () => resolve());
          client.once('end', () => resolve());
        });
      } catch {
        // The poll keeps the outbox moving while LISTEN is unavailable.
      }
      this.listener = undefined;
      await client.end().catch(() => undefined);
      if (this.running) await new Promise((r) => setTimeout(r, Math.max(this.opts.pollIntervalMs, 1_000)));
    }
  }
}

async function forEachConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}
