import type { SignatureScheme } from './signature-schemes';
import type { CustomProfileJson } from './custom-profile';
import type { DeliveryOrdering } from './delivery-ordering';
import type { ProfileName } from './profiles';
import type { EndpointAuth } from './endpoint-auth';

/**
 * A custom header's value as given: sent and shown as it is, or secret (`value` absent: keep the
 * header's current secret value).
 */
export type HeaderValueInput = string | { value?: string; secret: true };

/** How a webhook's payloads are shaped, in a change: only the keys given change. */
export interface PayloadConfigInput {
  include_resource?: boolean;
  /** JSON pointers into `data`; null sends all of it. */
  fields?: string[] | null;
}

/** The settings a webhook may be created with or changed to, under the names of the API contract. */
export interface WebhookSettingsInput {
  name?: string;
  url?: string;
  events?: string[];
  headers?: Record<string, HeaderValueInput>;
  profile?: ProfileName;
  custom_profile?: CustomProfileJson;
  signature?: SignatureScheme;
  config?: PayloadConfigInput;
  max_attempts?: number | null;
  timeout_ms?: number | null;
  ordering?: DeliveryOrdering;
  /** How the receiver authenticates the engine; null (in a change) removes it. */
  auth?: EndpointAuth | null;
}

/** A new webhook: its name, URL and events are required; the caller may supply its signing secret. */
export interface NewWebhookInput extends WebhookSettingsInput {
  name: string;
  url: string;
  events: string[];
  secret?: string;
}

/** A change to a webhook: the fields given, at least one. */
export type WebhookChanges = WebhookSettingsInput;
