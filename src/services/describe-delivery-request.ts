import type { Pool } from 'pg';
import { ASSET_ID_HEADER } from '../crypto/asset-signature';
import { KEY_ID_HEADER, signatureHeaderName, type SignatureScheme } from '../crypto/signature-schemes';
import { SECRET_HEADER_MASK, type DeliveryRequest, type RequestHeader } from '../domain/delivery-request';
import type { Attempt, Delivery, Tenant } from '../domain/models';
import { PROFILES, profileOf, takesSignatureScheme, type ProfileName } from '../domain/profiles';
import type { CustomProfileSettings } from '../domain/custom-profile';
import { customKeyIdHeader } from '../crypto/custom-signature';
import { AttemptNotFoundError, NotFoundError } from '../errors';
import { DeliveryReadsRepository } from '../repositories/delivery-reads-repository';
import { WebhooksRepository } from '../repositories/webhooks-repository';

const PER_ATTEMPT = 'Computed for each attempt when it is sent: see a stored attempt for its value.';
const SECRET_NOTE = 'Secret custom header: sent as set, never shown or stored.';

/** The headers that identify a request: the event id and the attempt's time, under the custom profile's names if it has them. */
function identityHeaders(eventId: string, custom: CustomProfileSettings | null): RequestHeader[] {
  return [
    { name: custom?.idHeader.toLowerCase() ?? 'webhook-id', value: eventId, note: 'The event id: the same on every attempt and redelivery.', secret: false },
    { name: custom?.timestampHeader.toLowerCase() ?? 'webhook-timestamp', value: null, note: 'The attempt’s started_at, in Unix seconds.', secret: false },
  ];
}

/** The signature headers of a request under `profile` (and, where the profile takes one, `scheme`; under `custom`, its settings). */
function signatureHeaders(profile: ProfileName, scheme: SignatureScheme, signed: boolean, custom: CustomProfileSettings | null, eventId: string): RequestHeader[] {
  if (custom) {
    const how = `profile custom: ${custom.algorithm}, ${custom.encoding}, "${custom.template}" over ${custom.signedContent}`;
    const key = customKeyIdHeader(custom);
    return [
      { name: custom.signatureHeader.toLowerCase(), value: null, note: `${PER_ATTEMPT} (${how})`, secret: false },
      ...(key ? [{ name: key, value: null, note: 'The kid of the engine’s signing key at the time.', secret: false }] : []),
    ];
  }
  const name = signatureHeaderName(profile, scheme, signed);
  if (name === null) return [];
  const how = takesSignatureScheme(profile) ? `profile ${profile}, scheme ${scheme}` : `profile ${profile}`;
  const headers: RequestHeader[] = [];
  if (PROFILES[profile].signing === 'asset') {
    headers.push({ name: ASSET_ID_HEADER, value: eventId, note: 'Asset’s request id: the event id, as webhook-id.', secret: false });
  }
  headers.push({
    name,
    value: null,
    note:
      PROFILES[profile].signing === 'asset'
        ? `${PER_ATTEMPT} (${how}: a compact JWS, EdDSA, by the engine’s signing key named by its kid, over the body’s SHA-256)`
        : `${PER_ATTEMPT} (${how})`,
    secret: false,
  });
  if (takesSignatureScheme(profile) && scheme === 'ed25519') {
    headers.push({ name: KEY_ID_HEADER, value: null, note: 'The kid of the engine’s signing key at the time.', secret: false });
  }
  return headers;
}

/**
 * The request an attempt of a delivery sent, as it stored it (README "What was sent"): attempt
 * `attempt`, or without one the latest. An attempt refused before sending shows that nothing went
 * out; one recorded before requests were stored says so, with its body only. Before any attempt
 * (and without `attempt`), the preview of the request as the worker would build it now.
 */
export async function describeDeliveryRequest(
  pool: Pool,
  tenant: Tenant,
  deliveryId: string,
  opts: { userAgent: string; attempt?: number },
): Promise<DeliveryRequest> {
  const deliveries = new DeliveryReadsRepository(pool);
  const delivery = await deliveries.findById(tenant.id, deliveryId);
  if (!delivery) throw new NotFoundError('Delivery', deliveryId);
  const attempt = await deliveries.findAttempt(deliveryId, opts.attempt);
  if (attempt) return storedRequest(attempt);
  if (opts.attempt !== undefined) throw new AttemptNotFoundError(deliveryId, opts.attempt);
  return previewRequest(pool, tenant, delivery, opts.userAgent);
}

function storedRequest(a: Attempt): DeliveryRequest {
  const common = { attempt: a.attempt, sentAt: a.startedAt, method: 'POST' as const, body: a.requestBody ?? null };
  const response = a.responseHeaders ? { statusCode: a.statusCode, headers: a.responseHeaders, headersTruncated: a.responseHeadersTruncated ?? false } : null;
  if (a.requestSent === null || a.requestSent === undefined) {
    return {
      ...common,
      source: 'not_recorded',
      requestSent: null,
      url: null,
      headers: [],
      response: null,
      note: 'This attempt was made before the engine stored what each attempt sent: its headers and URL are not known. The body is the one every attempt sent.',
    };
  }
  if (!a.requestSent) {
    return { ...common, source: 'attempt', requestSent: false, url: a.requestUrl ?? null, headers: [], response: null, note: `Refused before sending: no request went out (${a.error ?? 'blocked'}).` };
  }
  return {
    ...common,
    source: 'attempt',
    requestSent: true,
    url: a.requestUrl ?? null,
    headers: (a.requestHeaders ?? []).map(([name, value]) =>
      value === SECRET_HEADER_MASK ? { name, value, note: SECRET_NOTE, secret: true } : { name, value, note: null, secret: false },
    ),
    response,
    note: a.requestBody === null ? 'The body was erased with the event’s payload, and with it the signature computed over it.' : null,
  };
}

/**
 * The request a delivery sends, as the worker builds it: the stored body
 * (the exact bytes, the same for every attempt), the webhook's custom
 * headers, then the engine's own, in the format of the profile the delivery
 * was dispatched under (the webhook's current one before it is dispatched).
 * What changes per attempt (the timestamp and the signatures over it) is
 * named with a note. An `argyle` webhook without a
 * secret lists no signature header: its requests are unsigned. Under `custom`
 * the id, timestamp and signature headers carry the names of the settings the
 * delivery was dispatched with. An `asset` one lists `asset-id` with its
 * value and `asset-signature`.
 */
async function previewRequest(pool: Pool, tenant: Tenant, delivery: Delivery, userAgent: string): Promise<DeliveryRequest> {
  const deliveries = new DeliveryReadsRepository(pool);
  const webhooks = new WebhooksRepository(pool);
  const [stored, webhook, sealed] = await Promise.all([
    deliveries.findForDelivery(delivery.id),
    webhooks.findById(tenant.id, delivery.webhookId),
    webhooks.sealedSecret(tenant.id, delivery.webhookId),
  ]);
  // The webhook's `auth` replaces a custom Authorization header (`mtls` authenticates in the handshake instead).
  const authSends = webhook?.auth && webhook.auth.type !== 'mtls' ? webhook.auth : null;
  const replacedByAuth = (name: string) => authSends !== null && name.toLowerCase() === 'authorization';
  const own: RequestHeader[] = [
    ...Object.entries(webhook?.headers ?? {})
      .filter(([name]) => !replacedByAuth(name))
      .map(([name, value]) => ({ name, value, note: null, secret: false })),
    ...(webhook?.secretHeaders ?? []).filter((name) => !replacedByAuth(name)).map((name) => ({ name, value: SECRET_HEADER_MASK, note: SECRET_NOTE, secret: true })),
  ];
  const authHeader: RequestHeader[] = authSends
    ? [{ name: 'authorization', value: SECRET_HEADER_MASK, note: `From the webhook's auth (${authSends.type}): sent, never shown or stored.`, secret: true }]
    : [];
  // Fixed with the profile at dispatch; before that, the webhook's.
  const custom = delivery.profile ? delivery.customProfile : (webhook?.customProfile ?? null);
  return {
    source: 'preview',
    attempt: null,
    sentAt: null,
    requestSent: null,
    method: 'POST',
    url: webhook?.url ?? null,
    headers: [
      ...own,
      { name: 'content-type', value: 'application/json', note: null, secret: false },
      { name: 'user-agent', value: userAgent, note: null, secret: false },
      { name: 'x-client-id', value: tenant.clientId, note: null, secret: false },
      ...authHeader,
      ...identityHeaders(delivery.eventId, custom),
      ...(webhook ? signatureHeaders(profileOf(delivery.profile ?? webhook.profile).name, webhook.signatureScheme, Boolean(sealed), custom, delivery.eventId) : []),
    ],
    body: stored?.payload ?? null,
    response: null,
    note: 'A preview from the webhook’s current settings: no attempt has been made yet.',
  };
}
