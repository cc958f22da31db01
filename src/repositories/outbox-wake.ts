import type { Client as PgClient, Pool } from 'pg';
import { OUTBOX_CHANNEL } from './outbox-repository';

const wakers = new WeakMap<Pool, () => void>();

/**
 * Wakes the dispatchers listening on the outbox channel, after the rows are
 * committed. Calls are coalesced: one NOTIFY at a time per pool, and one more
 * after it if anything asked meanwhile. A NOTIFY inside the publishing
 * transaction would serialize every publish on Postgres's notify lock,
 * held through the commit's WAL flush. A lost wake-up costs only the
 * dispatcher's poll interval.
 */
export function wakeOutbox(pool: Pool): void {
  let wake = wakers.get(pool);
  if (!wake) {
    wake = coalesced(() => pool.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]));
    wakers.set(pool, wake);
  }
  wake();
}

/**
 * Makes `client`, a dedicated connection outside the pool, LISTEN on the
 * outbox channel and call `onWake` for every notification.
 */
export async function listenForOutbox(client: PgClient, onWake: () => void): Promise<void> {
  client.on('notification', () => onWake());
  await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
}

function coalesced(fn: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    do {
      again = false;
      await fn().catch(() => undefined);
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
