/**
 * The body every receiver gets, in the shape Standard Webhooks recommends:
 * `{type, timestamp, data}`. Built from stored rows, so every retry sends the
 * same bytes.
 */
export function buildPayload(event: { type: string; createdAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}
