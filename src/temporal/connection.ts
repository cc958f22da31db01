import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/**
 * A client whose connection is made on first use, so the API starts (and
 * accepts events into the outbox) even while Temporal is down.
 */
export function createTemporalClient(config: Pick<Config, 'temporal'>): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { client, connection };
}

/** Health probe: the frontend answers a cheap RPC. */
export function temporalHealthCheck(connection: Connection): () => Promise<void> {
  return async () => {
    await connection.workflowService.getSystemInfo({});
  };
}
