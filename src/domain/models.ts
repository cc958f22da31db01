import type { SignatureScheme } from '../crypto/signature-schemes';
import type { AttemptStatus, DeliveryStatus, WebhookStatus } from './statuses';

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
  headers: Record<string, string>;
  /** How its requests are signed. */
  signatureScheme: SignatureScheme;
  status: WebhookStatus;
  failureCount: number;
  /** Why and when it was disabled, by an operator or automatically. */
  disabledReason: string | null;
  disabledAt: Date | null;
  lastTriggeredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** `envelope`: `{type, timestamp, data}`; `bare`: `data` itself is the body (the engine's SyncAccount/SyncError). */
export type PayloadFormat = 'envelope' | 'bare';

export interface WebhookEvent {
  id: string;
  tenantId: string;
  type: string;
  data: Record<string, unknown>;
  payloadFormat: PayloadFormat;
  idempotencyKey: string | null;
  createdAt: Date;
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
}

/** Where a list page starts and how it is ordered. */
export interface Page {
  limit: number;
  cursor?: string;
}
