import type { Stack } from './harness';
import { waitFor } from './wait-for';

export async function createWebhook(
  stack: Stack,
  body: { url: string; events?: string[]; name?: string; headers?: Record<string, string | { value?: string; secret: true }> },
): Promise<{ id: string; secret: string; [k: string]: unknown }> {
  const res = await stack.http
    .post('/v1/webhooks')
    .set(stack.auth)
    .send({ name: body.name ?? 'test hook', events: body.events ?? ['*'], ...body });
  if (res.status !== 201) throw new Error(`webhook creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function publishEvent(stack: Stack, body: { type: string; data: Record<string, unknown>; idempotency_key?: string }) {
  const res = await stack.http.post('/v1/events').set(stack.auth).send(body);
  if (res.status !== 202) throw new Error(`publishing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; deliveries: Array<{ id: string; webhook_id: string; workflow_id: string }> };
}

export async function getDelivery(stack: Stack, id: string) {
  const res = await stack.http.get(`/v1/deliveries/${id}`).set(stack.auth);
  if (res.status !== 200) throw new Error(`delivery lookup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
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
