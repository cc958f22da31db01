import type { Pool } from 'pg';
import type { Tenant } from '../domain/models';
import { getWebhook } from './manage-webhooks';
import { publishEvent } from './publish-event';

export const TEST_EVENT_TYPE = 'webhook.test';

/**
 * Sends a `webhook.test` event to one webhook, through the same outbox and workflow as any event.
 * Its body is the profile's test payload: the envelope with this `data`, or AssetsUp's `{event, timestamp}`.
 */
export async function sendTestEvent(pool: Pool, tenant: Tenant, webhookId: string) {
  const webhook = await getWebhook({ pool }, tenant, webhookId);
  return publishEvent(pool, tenant, {
    type: TEST_EVENT_TYPE,
    data: { webhook_id: webhook.id, message: 'This is a test event. If you can read it, your endpoint works.' },
    payloadFormat: 'test',
    onlyWebhookIds: [webhook.id],
  });
}
