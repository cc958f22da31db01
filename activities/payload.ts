import type { PayloadFormat } from '../src/domain/models';

/**
 * The body a receiver gets. Normally the shape Standard Webhooks recommends,
 * `{type, timestamp, data}`; for `bare` events (the seed's SyncAccount and
 * SyncError, whose body is a fixed contract) the data itself, keys in the
 * order they were given. Built from stored rows, so every retry sends the
 * same bytes.
 */
export function buildPayload(event: {
  type: string;
  createdAt: Date;
  data: Record<string, unknown>;
  format?: PayloadFormat;
}): string {
  if (event.format === 'bare') return JSON.stringify(event.data);
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}
