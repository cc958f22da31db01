import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { Queryable } from '../db/pool';
import type { Delivery, PayloadFormat, Tenant, WebhookEvent } from '../domain/models';
import { ConflictError } from '../errors';
import { DeliveryReadsRepository } from '../repositories/delivery-reads-repository';
import { EventsRepository } from '../repositories/events-repository';
import { wakeOutbox } from '../repositories/outbox-wake';
import { stableStringify } from '../util/stable-json';
import { uuidv7 } from '../util/uuid';

export interface PublishEventInput {
  type: string;
  data: Record<string, unknown>;
  idempotencyKey?: string;
  /** @default 'envelope' */
  payloadFormat?: PayloadFormat;
  /** Deliver to exactly these webhooks instead of every subscriber (the test endpoint). */
  onlyWebhookIds?: string[];
}

export interface PublishedEvent {
  event: WebhookEvent;
  deliveries: Delivery[];
  /** True when the idempotency key matched an earlier event and nothing new was stored. */
  replayed: boolean;
}

/**
 * The single way deliveries come to exist. The event and one pending delivery
 * per target webhook are written by one statement (the outbox); the
 * dispatcher starts their workflows after commit. Once this returns, a crash
 * anywhere cannot lose a delivery, and Temporal being down delays them only.
 */
export async function publishEvent(pool: Pool, tenant: Pick<Tenant, 'id'>, input: PublishEventInput): Promise<PublishedEvent> {
  const published = await publishEventWith(pool, tenant, input);
  if (!published.replayed && published.deliveries.length > 0) wakeOutbox(pool);
  return published;
}

/**
 * publishEvent on the caller's connection: inside its transaction, for use
 * cases that change other rows with it. The caller wakes the dispatchers after
 * commit (wakeOutbox); otherwise they find the deliveries at their next poll.
 */
export async function publishEventWith(db: Queryable, tenant: Pick<Tenant, 'id'>, input: PublishEventInput): Promise<PublishedEvent> {
  const requestHash = createHash('sha256').update(`${input.type}\n${stableStringify(input.data)}`).digest('hex');
  const events = new EventsRepository(db);
  const made = await events.insertWithDeliveries(
    {
      id: uuidv7(),
      tenantId: tenant.id,
      type: input.type,
      data: input.data,
      payloadFormat: input.payloadFormat ?? 'envelope',
      idempotencyKey: input.idempotencyKey ?? null,
      requestHash,
    },
    input.onlyWebhookIds ? { webhookIds: input.onlyWebhookIds } : { subscribersOf: input.type },
  );
  if (made) return { ...made, replayed: false };
  // The idempotency key is taken: the first event stands, if it was the same request.
  const first = (await events.findByIdempotencyKey(tenant.id, input.idempotencyKey!))!;
  if (first.requestHash !== requestHash) {
    throw new ConflictError(`idempotency_key "${input.idempotencyKey}" was already used for a different event`, 'idempotency_key_reused');
  }
  return { event: first, deliveries: await new DeliveryReadsRepository(db).listForEvent(first.id), replayed: true };
}
