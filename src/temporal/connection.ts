import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** How long to wait for Temporal to answer a connection attempt before giving up for now. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * The API's way to Temporal. It connects on first use and again after a
 * failed attempt, so the API starts (and accepts events into the outbox)
 * while Temporal is down, and each caller learns within seconds that it is.
 */
export class TemporalGateway {
  private connecting?: Promise<Client>;

  constructor(private readonly opts: Pick<Config, 'temporal'>) {}

  client(): Promise<Client> {
    if (!this.connecting) {
      const attempt = Connection.connect({ address: this.opts.temporal.address, connectTimeout: CONNECT_TIMEOUT_MS }).then(
        (connection) => new Client({ connection, namespace: this.opts.temporal.namespace }),
      );
      this.connecting = attempt;
      attempt.catch(() => {
        if (this.connecting === attempt) this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  /** Health probe: the frontend answers a cheap RPC within `timeoutMs`; the deadline also ends the client's retries. */
  async check(timeoutMs = 2_000): Promise<void> {
    const client = await this.client();
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
  }

  async close(): Promise<void> {
    const client = await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    await client?.connection.close().catch(() => undefined);
  }
}
