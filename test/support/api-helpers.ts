import type { Schema } from '../../clients/typescript/src';
import type { Stack } from './harness';
import { waitFor } from './wait-for';

export async function createWebhook(
  stack: Stack,
  body: { url: string; events?: string[]; name?: string; headers?: Record<string, string | { value?: string; secret: true }> },
): Promise<{ id: string; secret: string; [k: string]: unknown }> {
  const { data, error, response } = await stack.client.POST('/v1/webhooks', {
    body: { name: body.name ?? 'test hook', events: body.events ?? ['*'], ...body } as Schema<'CreateWebhookRequest'>,
  });
  if (!data) throw new Error(`webhook creation failed: ${response.status} ${JSON.stringify(error)}`);
  return data as typeof data & { secret: string; [k: string]: unknown };
}

export async function publishEvent(stack: Stack, body: { type: string; data: Record<string, unknown>; idempotency_key?: string }) {
  const { data, error, response } = await stack.client.POST('/v1/events', { body });
  if (!data) throw new Error(`publishing failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** The delivery and its attempts, read through the typed client; returned untyped, as the tests have always read it. */
export async function getDelivery(stack: Stack, id: string): Promise<any> {
  const { data, error, response } = await stack.client.GET('/v1/deliveries/{id}', { params: { path: { id } } });
  if (!data) throw new Error(`delivery lookup failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** Waits until the delivery reaches a final status and returns it with its attempts. */
export function waitForFinalDelivery(stack: Stack, id: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const d = await getDelivery(stack, id);
      return d.status !== 'pending' ? d : undefined;
    },
    { timeoutMs, intervalMs: 100, message: `delivery ${id} to finish` },
  );
}
