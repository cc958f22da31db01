/** The document's tags, in the order the reference lists them, with what each covers. */
export const TAGS = {
  Webhooks: 'Endpoints that receive events: create, change, pause, disable, rotate their secret.',
  Events: 'Publish an event: it fans out to every subscribed webhook as one delivery each.',
  Deliveries: 'Each event sent to one webhook, with its attempts; retry or cancel it.',
  Accounts: 'Users, their provider accounts, and the syncs that send SyncAccount / SyncError hooks.',
  'API keys': "The calling tenant's own API keys.",
  'Event types': 'The catalogue: event types with JSON Schemas, also published as this document’s `webhooks`.',
  Admin: 'Routes that only `ADMIN_API_KEY` opens.',
  Health: 'Liveness, readiness, metrics and the public signing keys: no authentication.',
  Reference: 'This document and its human-readable page: no authentication.',
  Portal: 'The webhook portal: a page where a tenant’s users manage its webhooks and watch deliveries, and the single-use links that open it.',
} as const;
export type Tag = keyof typeof TAGS;
