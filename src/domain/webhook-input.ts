import type { SignatureScheme } from './signature-schemes';
import type { CustomProfileJson } from './custom-profile';
import type { DeliveryOrdering } from './delivery-ordering';
import type { ProfileName } from './profiles';
import type { RateLimitJson } from './rate-limit';

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
  headers?: Record<string, string>;
  profile?: ProfileName;
  custom_profile?: CustomProfileJson;
  signature?: SignatureScheme;
  config?: PayloadConfigInput;
  max_attempts?: number | null;
  timeout_ms?: number | null;
  ordering?: DeliveryOrdering;
  /** Null removes the limit. */
  rate_limit?: RateLimitJson | null;
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
