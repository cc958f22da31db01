import type { Pool } from 'pg';
import { ASSET_ID_HEADER } from '../crypto/asset-signature';
import { KEY_ID_HEADER, signatureHeaderName, type SignatureScheme } from '../crypto/signature-schemes';
import type { DeliveryRequest, RequestHeader } from '../domain/delivery-request';
import type { Tenant } from '../domain/models';
import { PROFILES, profileOf, takesSignatureScheme, type ProfileName } from '../domain/profiles';
import type { CustomProfileSettings } from '../domain/custom-profile';
import { customKeyIdHeader } from '../crypto/custom-signature';
import { NotFoundError } from '../errors';
import { DeliveryReadsRepository } from '../repositories/delivery-reads-repository';
import { WebhooksRepository } from '../repositories/webhooks-repository';

const PER_ATTEMPT = 'Computed for each attempt when it is sent; not stored.';

/** The headers that identify a request: the event id and the attempt's time, under the custom profile's names if it has them. */
function identityHeaders(eventId: string, custom: CustomProfileSettings | null): RequestHeader[] {
  return [
    { name: custom?.idHeader.toLowerCase() ?? 'webhook-id', value: eventId, note: 'The event id: the same on every attempt and redelivery.' },
    { name: custom?.timestampHeader.toLowerCase() ?? 'webhook-timestamp', value: null, note: 'The attempt’s started_at, in Unix seconds.' },
  ];
}

/** The signature headers of a request under `profile` (and, where the profile takes one, `scheme`; under `custom`, its settings). */
function signatureHeaders(profile: ProfileName, scheme: SignatureScheme, signed: boolean, custom: CustomProfileSettings | null, eventId: string): RequestHeader[] {
  if (custom) {
    const how = `profile custom: ${custom.algorithm}, ${custom.encoding}, "${custom.template}" over ${custom.signedContent}`;
    const key = customKeyIdHeader(custom);
    return [
      { name: custom.signatureHeader.toLowerCase(), value: null, note: `${PER_ATTEMPT} (${how})` },
      ...(key ? [{ name: key, value: null, note: 'The kid of the engine’s signing key at the time.' }] : []),
    ];
  }
  const name = signatureHeaderName(profile, scheme, signed);
  if (name === null) return [];
  const how = takesSignatureScheme(profile) ? `profile ${profile}, scheme ${scheme}` : `profile ${profile}`;
  const headers: RequestHeader[] = [];
  if (PROFILES[profile].signing === 'asset') {
    headers.push({ name: ASSET_ID_HEADER, value: eventId, note: 'Asset’s request id: the event id, as webhook-id.' });
  }
  headers.push({
    name,
    value: null,
    note:
      PROFILES[profile].signing === 'asset'
        ? `${PER_ATTEMPT} (${how}: a compact JWS, EdDSA, by the engine’s signing key named by its kid, over the body’s SHA-256)`
        : `${PER_ATTEMPT} (${how})`,
  });
  if (takesSignatureScheme(profile) && scheme === 'ed25519') {
    headers.push({ name: KEY_ID_HEADER, value: null, note: 'The kid of the engine’s signing key at the time.' });
  }
  return headers;
}

/**
 * The request a delivery sends, as the worker builds it: the stored body
 * (the exact bytes, the same for every attempt), the webhook's custom
 * headers, then the engine's own, in the format of the profile the delivery
 * was dispatched under (the webhook's current one before it is dispatched).
 * What changes per attempt (the timestamp and the signatures over it) is
 * named with a note, since it is not stored. An `argyle` webhook without a
 * secret lists no signature header: its requests are unsigned. Under `custom`
 * the id, timestamp and signature headers carry the names of the settings the
 * delivery was dispatched with. An `asset` one lists `asset-id` with its
 * value and `asset-signature`.
 */
export async function describeDeliveryRequest(
  pool: Pool,
  tenant: Tenant,
  deliveryId: string,
  opts: { userAgent: string },
): Promise<DeliveryRequest> {
  const deliveries = new DeliveryReadsRepository(pool);
  const delivery = await deliveries.findById(tenant.id, deliveryId);
  if (!delivery) throw new NotFoundError('Delivery', deliveryId);
  const webhooks = new WebhooksRepository(pool);
  const [stored, webhook, sealed] = await Promise.all([
    deliveries.findForDelivery(deliveryId),
    webhooks.findById(tenant.id, delivery.webhookId),
    webhooks.sealedSecret(tenant.id, delivery.webhookId),
  ]);
  const own: RequestHeader[] = Object.entries(webhook?.headers ?? {}).map(([name, value]) => ({ name, value, note: null }));
  // Fixed with the profile at dispatch; before that, the webhook's.
  const custom = delivery.profile ? delivery.customProfile : (webhook?.customProfile ?? null);
  return {
    method: 'POST',
    url: webhook?.url ?? null,
    headers: [
      ...own,
      { name: 'content-type', value: 'application/json', note: null },
      { name: 'user-agent', value: opts.userAgent, note: null },
      { name: 'x-client-id', value: tenant.clientId, note: null },
      ...identityHeaders(delivery.eventId, custom),
      ...(webhook ? signatureHeaders(profileOf(delivery.profile ?? webhook.profile).name, webhook.signatureScheme, Boolean(sealed), custom, delivery.eventId) : []),
    ],
    body: stored?.payload ?? null,
  };
}
