import { Client as PgClient } from 'pg';
import { API_KEY_REVOCATIONS_CHANNEL } from './api-keys-repository';

/** What the listener tells its owner. */
export interface RevocationEvents {
  /** Keys revoked by any API process, this one included. */
  onRevoked(ids: string[]): void;
  /**
   * True once LISTEN is in place, false when its connection is lost. While
   * false, notices may be missed: the owner must not trust what it cached.
   */
  onListening(listening: boolean): void;
}

export interface RevocationListener {
  /** Settles once the first connection attempt has LISTENed or failed. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** The listener's connection, named so that operators (and tests) can tell it apart in `pg_stat_activity`. */
export const REVOCATION_LISTENER_APPLICATION_NAME = 'hookline-api-key-revocations';

/**
 * LISTENs on the revocation channel over one dedicated connection, outside
 * the pool, and connects again `retryMs` after losing it.
 */
export function listenForKeyRevocations(opts: { databaseUrl: string; retryMs?: number } & RevocationEvents): RevocationListener {
  const retryMs = opts.retryMs ?? 1_000;
  let running = true;
  let client: PgClient | undefined;
  let wakeRetry: (() => void) | undefined;
  let firstAttempt: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (firstAttempt = resolve));

  const loop = (async () => {
    while (running) {
      const c = new PgClient({ connectionString: opts.databaseUrl, application_name: REVOCATION_LISTENER_APPLICATION_NAME });
      client = c;
      let listening = false;
      try {
        const lost = new Promise<void>((resolve) => {
          // A cut connection can emit more than one error: every one needs a listener.
          c.on('error', () => resolve());
          c.once('end', () => resolve());
        });
        await c.connect();
        c.on('notification', (n) => {
          if (n.channel !== API_KEY_REVOCATIONS_CHANNEL) return;
          opts.onRevoked((n.payload ?? '').split(',').filter(Boolean));
        });
        await c.query(`LISTEN ${API_KEY_REVOCATIONS_CHANNEL}`);
        listening = true;
        opts.onListening(true);
        firstAttempt();
        await lost;
      } catch {
        // Not listening: the owner trusts no cache until the next connection LISTENs.
      }
      if (listening) opts.onListening(false);
      firstAttempt();
      client = undefined;
      await c.end().catch(() => undefined);
      if (running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, retryMs);
          wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeRetry = undefined;
      }
    }
  })();

  return {
    ready,
    async stop() {
      running = false;
      wakeRetry?.();
      await client?.end().catch(() => undefined);
      await loop;
    },
  };
}
