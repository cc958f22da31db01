import type { SignatureScheme } from './signature-schemes';
import type { ProfileName } from './profiles';
import type { CustomProfileSettings } from './custom-profile';
import type { DeliveryOrdering } from './delivery-ordering';
import type { RateLimit } from './rate-limit';
import type { AttemptStatus, DeliveryStatus, WebhookStatus } from './statuses';
import type { WireHeader } from './delivery-request';
import type { EndpointAuthShown } from './endpoint-auth';

export interface Tenant {
  id: string;
  name: string;
  clientId: string;
}

export interface Webhook {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  events: string[];
  /** Custom headers sent in the clear and shown as they are. */
  headers: Record<string, string>;
  /** Names of the custom headers whose values are secret: sent, but never shown or stored in the clear. */
  secretHeaders: string[];
  /** How the receiver authenticates the engine: its type and non-secret fields only; null: none. */
  auth: EndpointAuthShown | null;
  /** The wire format and delivery rules of a named system (src/domain/profiles.ts). */
  profile: ProfileName;
  /** Its settings under the `custom` profile (src/domain/custom-profile.ts); null under the others. */
  customProfile: CustomProfileSettings | null;
  /** How its requests are signed under a profile that takes a scheme (`standard`, `assets-server`). */
  signatureScheme: SignatureScheme;
  /** What its receiver gets: the full event or a thin notification, and which fields of `data`. */
  payload: PayloadConfig;
  /** Attempts in all for each delivery; null uses the configured default. */
  maxAttempts: number | null;
  /** The receiver's time limit per request; null uses the configured default. */
  timeoutMs: number | null;
  /** `fifo`: its deliveries go one at a time, in the order their events were accepted. */
  ordering: DeliveryOrdering;
  /** At most this many requests per window, across all workers; null: no limit. */
  rateLimit: RateLimit | null;
  status: WebhookStatus;
  failureCount: number;
  /** Why and when it was disabled, by an operator or automatically. */
  disabledReason: string | null;
  disabledAt: Date | null;
  lastTriggeredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A webhook's `config`: how the bodies it is sent are shaped (activities/payload.ts). */
export interface PayloadConfig {
  /** false: a thin notification whose `data` keeps only the resource's identifiers. */
  includeResource: boolean;
  /** JSON pointers into `data`: only these are sent. null sends all of it. */
  fields: string[] | null;
}

/**
 * `envelope`: `{type, timestamp, webhook, data}`, shaped by the webhook's config; `bare`: `data`
 * itself is the body (the engine's SyncAccount/SyncError); `test`: a `webhook.test` event, whose
 * body is its profile's test payload (the envelope, or AssetsUp's `{event, timestamp}`).
 */
export type PayloadFormat = 'envelope' | 'bare' | 'test';

export interface WebhookEvent {
  id: string;
  tenantId: string;
  type: string;
  /** Null once the payload has been erased. */
  data: Record<string, unknown> | null;
  payloadFormat: PayloadFormat;
  idempotencyKey: string | null;
  createdAt: Date;
  /** When `DELETE /v1/events/:id/payload` erased its payload; absent or null while it has one. */
  payloadErasedAt?: Date | null;
}

export interface Delivery {
  id: string;
  tenantId: string;
  eventId: string;
  webhookId: string;
  workflowId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** Times an operator sent it again after it had finished. */
  redeliveries: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The profile of its current attempt series, fixed when it was dispatched; null until then. */
  profile: ProfileName | null;
  /** The custom profile's settings, fixed with `profile` when it was dispatched; null under the other profiles. */
  customProfile: CustomProfileSettings | null;
  /** Its place in its webhook's line, in the order the events were accepted; null unless the webhook was `fifo` then. */
  sequence: number | null;
  /** While it waits for its webhook's rate: when its next request may go. */
  throttledUntil: Date | null;
  dispatchedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Attempt {
  attempt: number;
  status: AttemptStatus;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
  startedAt: Date;
  /** The profile it was sent under; null for attempts made before profiles existed. */
  profile?: ProfileName | null;
  /** The body it sent: the delivery's stored payload (read back, not stored per attempt). */
  requestBody?: string | null;
  /** Whether a request went out: false when refused before sending; null for attempts recorded before requests were. */
  requestSent?: boolean | null;
  /** Where it went. */
  requestUrl?: string | null;
  /** The request headers as written, secret custom values masked; null when not sent or not recorded. */
  requestHeaders?: WireHeader[] | null;
  /** The (lower-case) name of the header computed over the body, whose value is erased with it. */
  signatureHeader?: string | null;
  /** The answer's headers, whole ones up to 8 KB; null without an answer. */
  responseHeaders?: WireHeader[] | null;
  responseHeadersTruncated?: boolean;
}

/** Where a list page starts and how it is ordered. */
export interface Page {
  limit: number;
  cursor?: string;
}
