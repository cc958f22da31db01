import type { Pool } from 'pg';
import type { DeliveryRequestResponse } from '../api/responses';
import { ASSET_ID_HEADER } from '../crypto/asset-signature';
import { KEY_ID_HEADER, signatureHeaderName, type SignatureScheme } from '../crypto/signature-schemes';
import type { Tenant } from '../domain/models';
import { PROFILES, profileOf, takesSignatureScheme, type ProfileName } from '../domain/profiles';
import { NotFoundError } from '../errors';
import { DeliveriesRepository } from '../repositories/deliveries-repository';
import { WebhooksRepository } from '../repositories/webhooks-repository';

type Header = DeliveryRequestResponse['headers'][number];

const PER_ATTEMPT = 'Computed for each attempt when it is sent; not stored.';

/** The signature headers of a request under `profile` (and, where the profile takes one, `scheme`). */
function signatureHeaders(profile: ProfileName, scheme: SignatureScheme, signed: boolean, eventId: string): Header[] {
  const name = signatureHeaderName(profile, scheme, signed);
  if (name === null) return [];
  const how = takesSignatureScheme(profile) ? `profile ${profile}, scheme ${scheme}` : `profile ${profile}`;
  const headers: Header[] = [];
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
 * secret lists no signature header: its requests are unsigned. An `asset`
 * one lists `asset-id` with its value and `asset-signature`.
 */
export async function describeDeliveryRequest(
  pool: Pool,
  tenant: Tenant,
  deliveryId: string,
  opts: { userAgent: string },
): Promise<DeliveryRequestResponse> {
  const deliveries = new DeliveriesRepository(pool);
  const delivery = await deliveries.findById(tenant.id, deliveryId);
  if (!delivery) throw new NotFoundError('Delivery', deliveryId);
  const webhooks = new WebhooksRepository(pool);
  const [stored, webhook, sealed] = await Promise.all([
    deliveries.findForDelivery(deliveryId),
    webhooks.findById(tenant.id, delivery.webhookId),
    webhooks.sealedSecret(tenant.id, delivery.webhookId),
  ]);
  const custom: Header[] = Object.entries(webhook?.headers ?? {}).map(([name, value]) => ({ name, value, note: null }));
  return {
    method: 'POST',
    url: webhook?.url ?? null,
    headers: [
      ...custom,
      { name: 'content-type', value: 'application/json', note: null },
      { name: 'user-agent', value: opts.userAgent, note: null },
      { name: 'x-client-id', value: tenant.clientId, note: null },
      { name: 'webhook-id', value: delivery.eventId, note: 'The event id: the same on every attempt and redelivery.' },
      { name: 'webhook-timestamp', value: null, note: 'The attempt’s started_at, in Unix seconds.' },
      ...(webhook ? signatureHeaders(profileOf(delivery.profile ?? webhook.profile).name, webhook.signatureScheme, Boolean(sealed), delivery.eventId) : []),
    ],
    body: stored?.payload ?? null,
  };
}
