import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths, webhooks } from './schema';

/**
 * A typed client for the Hookline REST API. Every route, parameter, body and answer is typed by
 * `schema.d.ts`, which openapi-typescript generates from the document the engine serves at
 * `GET /openapi.json` (`npm run client:generate`); openapi-fetch makes the requests.
 */
export type HooklineClient = Client<paths>;

export interface HooklineClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the API listens, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** A tenant API key (or the admin key, for `/v1/tenants` and `/v1/signing-keys/rotate`). */
  apiKey: string;
}

export function createHooklineClient({ baseUrl, apiKey, headers, ...rest }: HooklineClientOptions): HooklineClient {
  return createClient<paths>({ ...rest, baseUrl, headers: { ...headers, Authorization: `Bearer ${apiKey}` } });
}

/** A named schema of the API: `Schema<'Webhook'>`, `Schema<'Delivery'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type { components, paths, webhooks };
