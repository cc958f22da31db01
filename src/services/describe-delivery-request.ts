import type { Pool } from 'pg';
import type { DeliveryRequestResponse } from '../api/responses';
import { HMAC_SIGNATURE_HEADER, KEY_ID_HEADER, type SignatureScheme } from '../crypto/signature-schemes';
import type { Tenant } from '../domain/models';
import { NotFoundError } from '../errors';
import { DeliveriesRepository } from '../repositories/deliveries-repository';
import { WebhooksRepository } from '../repositories/webhooks-repository';

type Header = DeliveryRequestResponse['headers'][number];

const PER_ATTEMPT = 'Computed for each attempt when it is sent; not stored.';

function signatureHeaders(scheme: SignatureScheme): Header[] {
  const signature = (name: string): Header => ({ name, value: null, note: `${PER_ATTEMPT} (scheme ${scheme})` });
  switch (scheme) {
    case 'standard':
      return [signature('webhook-signature')];
    case 'hmac-sha256':
    case 'hmac-sha512':
      return [signature(HMAC_SIGNATURE_HEADER)];
    case 'ed25519':
      return [signature('webhook-signature'), { name: KEY_ID_HEADER, value: null, note: 'The kid of the engine’s signing key at the time.' }];
  }
}

/**
 * The request a delivery sends, as the worker builds it: the stored body
 * (the exact bytes, the same for every attempt), the webhook's custom
 * headers, then the engine's own. What changes per attempt (the timestamp
 * and the signatures over it) is named with a note, since it is not stored.
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
  const [stored, webhook] = await Promise.all([
    deliveries.findForDelivery(deliveryId),
    new WebhooksRepository(pool).findById(tenant.id, delivery.webhookId),
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
      ...(webhook ? signatureHeaders(webhook.signatureScheme) : []),
    ],
    body: stored?.payload ?? null,
  };
}
