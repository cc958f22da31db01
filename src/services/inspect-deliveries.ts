import type { Pool } from 'pg';
import type { Tenant } from '../domain/models';
import { NotFoundError } from '../errors';
import { DeliveryReadsRepository, type DeliveryListQuery } from '../repositories/delivery-reads-repository';
import { EventsRepository } from '../repositories/events-repository';

export function listDeliveries(pool: Pool, tenant: Tenant, query: DeliveryListQuery) {
  return new DeliveryReadsRepository(pool).list(tenant.id, query);
}

export async function getDeliveryWithAttempts(pool: Pool, tenant: Tenant, id: string) {
  const repo = new DeliveryReadsRepository(pool);
  const delivery = await repo.findById(tenant.id, id);
  if (!delivery) throw new NotFoundError('Delivery', id);
  return { delivery, attempts: await repo.listAttempts(id) };
}

export async function getEvent(pool: Pool, tenant: Tenant, id: string) {
  const event = await new EventsRepository(pool).findById(tenant.id, id);
  if (!event) throw new NotFoundError('Event', id);
  return { event, deliveries: await new DeliveryReadsRepository(pool).listForEvent(id) };
}
