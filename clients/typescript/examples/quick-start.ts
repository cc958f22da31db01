import { createHooklineClient } from '../src';

/**
 * The README's quick start ("Clients"), done with the typed client: register an endpoint, publish
 * an event, read its delivery. The region between the markers is the README's snippet, word for
 * word; test/integration/typed-client.test.ts runs this function on a real stack and checks that
 * the README still shows this region.
 */
export async function quickStart(baseUrl: string, apiKey: string, receiverUrl: string) {
  // #region quick-start
  const hookline = createHooklineClient({ baseUrl, apiKey });

  // Register an endpoint. The signing secret appears in this response only: keep it.
  const created = await hookline.POST('/v1/webhooks', {
    body: { name: 'Orders', url: receiverUrl, events: ['order.created'] },
  });
  if (created.error) throw new Error(`${created.error.error.code}: ${created.error.error.message}`);
  const { id: webhookId, secret } = created.data;

  // Publish an event: it goes to every active webhook subscribed to its type or to "*".
  const published = await hookline.POST('/v1/events', {
    body: { type: 'order.created', data: { id: 'ord_1', total: 42 }, idempotency_key: 'ord_1-created' },
  });
  if (published.error) throw new Error(`${published.error.error.code}: ${published.error.error.message}`);
  const deliveryId = published.data.deliveries[0]!.id;

  // See the delivery and its attempts (status: pending, then succeeded or failed).
  const { data: delivery } = await hookline.GET('/v1/deliveries/{id}', { params: { path: { id: deliveryId } } });
  // #endregion
  return { hookline, webhookId, secret, deliveryId, delivery };
}
