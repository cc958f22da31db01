/**
 * What the engine sends, typed from the event catalogue (README, "What a receiver gets",
 * "Operational webhooks", "Account syncs"). Your own event types are generic: `WebhookEnvelope<MyData, 'order.created'>`.
 */

/** The webhook a payload was sent to. */
export interface WebhookRef {
  id: string;
  name: string;
}

/**
 * An enveloped payload. `id` (the event id, also `webhook-id`) is there for operational events and
 * for thin payloads (`config.include_resource: false`).
 */
export interface WebhookEnvelope<Data = Record<string, unknown>, Type extends string = string> {
  id?: string;
  type: Type;
  /** ISO 8601, when the event was published. */
  timestamp: string;
  webhook: WebhookRef;
  data: Data;
}

/** `data.webhook` of every operational event: never its secret or its custom headers. */
export interface WebhookSummary {
  id: string;
  name: string;
  url: string;
  status: 'active' | 'paused' | 'disabled';
  events: string[];
  disabled_reason: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface OperationalEventData {
  'webhook.created': { webhook: WebhookSummary };
  'webhook.updated': { webhook: WebhookSummary; changed: string[] };
  'webhook.deleted': { webhook: WebhookSummary; deleted_at: string };
  'webhook.disabled': { webhook: WebhookSummary; reason: string; kind: 'automatic' | 'gone' | 'manual'; disabled_at: string };
  'webhook.enabled': { webhook: WebhookSummary; enabled_at: string };
  'delivery.exhausted': {
    webhook: WebhookSummary;
    delivery: {
      id: string;
      event_id: string;
      event_type: string;
      attempts: number;
      last_status_code: number | null;
      last_error: string | null;
      created_at: string;
      failed_at: string;
    };
  };
  'delivery.recovered': {
    webhook: WebhookSummary;
    delivery: { id: string; event_id: string; event_type: string; attempts: number; status_code: number; succeeded_at: string };
    failed_deliveries: number;
  };
}

export type OperationalEventType = keyof OperationalEventData;

/** One operational event, as enveloped and sent (with its `id`). */
export type OperationalEvent<T extends OperationalEventType = OperationalEventType> = {
  [K in T]: WebhookEnvelope<OperationalEventData[K], K> & { id: string };
}[T];

export const OPERATIONAL_EVENT_TYPES: readonly OperationalEventType[] = [
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
  'webhook.enabled',
  'delivery.exhausted',
  'delivery.recovered',
];

export function isOperationalEvent(payload: unknown): payload is OperationalEvent {
  const type = (payload as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(type);
}

/** `webhook.test` under every profile but `assetsup`: an envelope. */
export type WebhookTestEvent = WebhookEnvelope<Record<string, unknown>, 'webhook.test'>;
/** `webhook.test` under `assetsup`: AssetsUp's test payload. */
export interface AssetsUpTestPayload {
  event: 'webhook.test';
  timestamp: string;
}

/** The SyncAccount/SyncError contract: sent bare, no envelope. */
export type SyncErrorName = 'LoginFailedError' | 'SecurityQuestionError' | 'TemporaryFailureError' | 'UnhandledConnectorError' | 'UnknownConnectorError';
export interface SyncAccountHook {
  hook: 'SyncAccount';
  user: { id: string; loginName: string };
  account: { id: string; provider: string };
}
export interface SyncErrorHook {
  hook: 'SyncError';
  user: { id: string; loginName: string };
  account: { id: string; provider: string };
  error: SyncErrorName;
}
export type SyncHook = SyncAccountHook | SyncErrorHook;

export function isSyncHook(payload: unknown): payload is SyncHook {
  const hook = (payload as { hook?: unknown } | null)?.hook;
  return hook === 'SyncAccount' || hook === 'SyncError';
}
