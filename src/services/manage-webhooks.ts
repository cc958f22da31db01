import type { Pool } from 'pg';
import type { CreateWebhookBody, UpdateWebhookBody } from '../api/schemas';
import type { SecretBox } from '../crypto/secret-box';
import { generateWebhookSecret } from '../crypto/webhook-signature';
import type { Tenant, Webhook } from '../domain/models';
import { NotFoundError } from '../errors';
import { WebhooksRepository, type WebhookListQuery } from '../repositories/webhooks-repository';
import { uuidv7 } from '../util/uuid';

export interface WebhookDeps {
  pool: Pool;
  secretBox: SecretBox;
}

/** Registers a webhook with a fresh signing secret, returned to the caller this once. */
export async function createWebhook(deps: WebhookDeps, tenant: Tenant, input: CreateWebhookBody) {
  const secret = generateWebhookSecret();
  const webhook = await new WebhooksRepository(deps.pool).insert({
    id: uuidv7(),
    tenantId: tenant.id,
    name: input.name,
    url: input.url,
    events: input.events,
    headers: input.headers ?? {},
    secretEncrypted: deps.secretBox.seal(secret),
  });
  return { webhook, secret };
}

export async function getWebhook(deps: Pick<WebhookDeps, 'pool'>, tenant: Tenant, id: string): Promise<Webhook> {
  const webhook = await new WebhooksRepository(deps.pool).findById(tenant.id, id);
  if (!webhook) throw new NotFoundError('Webhook', id);
  return webhook;
}

export function listWebhooks(deps: Pick<WebhookDeps, 'pool'>, tenant: Tenant, query: WebhookListQuery) {
  return new WebhooksRepository(deps.pool).list(tenant.id, query);
}

export async function updateWebhook(deps: Pick<WebhookDeps, 'pool'>, tenant: Tenant, id: string, changes: UpdateWebhookBody) {
  const webhook = await new WebhooksRepository(deps.pool).update(tenant.id, id, changes);
  if (!webhook) throw new NotFoundError('Webhook', id);
  return webhook;
}

/** Deletes a webhook. Its deliveries keep their history; those still pending end as cancelled. */
export async function deleteWebhook(deps: Pick<WebhookDeps, 'pool'>, tenant: Tenant, id: string): Promise<void> {
  if (!(await new WebhooksRepository(deps.pool).softDelete(tenant.id, id))) throw new NotFoundError('Webhook', id);
}
