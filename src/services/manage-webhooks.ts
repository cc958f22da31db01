import type { Pool } from 'pg';
import type { CreateWebhookBody, UpdateWebhookBody } from '../api/schemas';
import type { SecretBox } from '../crypto/secret-box';
import { DEFAULT_SIGNATURE_SCHEME } from '../crypto/signature-schemes';
import { generateWebhookSecret } from '../crypto/webhook-signature';
import type { Tenant, Webhook } from '../domain/models';
import { NotFoundError, ValidationError } from '../errors';
import { UnsafeTargetError, type TargetPolicy } from '../security/target-policy';
import { WebhooksRepository, type WebhookListQuery } from '../repositories/webhooks-repository';
import { uuidv7 } from '../util/uuid';
import { controllerWorkflowId, webhookDeletedSignal } from '../../workflows/definitions';
import { withTransaction } from '../db/pool';
import type { ControlPlane } from './control-plane';

export interface WebhookDeps {
  pool: Pool;
  secretBox: SecretBox;
  /** Refuses URLs that point into private networks (SSRF). */
  targets: TargetPolicy;
}

/** The URL must point somewhere the engine may send to: checked when it is set, and again at every delivery. */
async function checkTarget(targets: TargetPolicy, url: string): Promise<void> {
  try {
    await targets.checkUrl(url);
  } catch (err) {
    if (!(err instanceof UnsafeTargetError)) throw err;
    throw new ValidationError(`body.url: ${err.message}`, [{ path: 'body.url', message: err.message }]);
  }
}

/** Registers a webhook with the caller's secret or a fresh one, returned to the caller this once. */
export async function createWebhook(deps: WebhookDeps, tenant: Tenant, input: CreateWebhookBody) {
  await checkTarget(deps.targets, input.url);
  const secret = input.secret ?? generateWebhookSecret();
  const webhook = await new WebhooksRepository(deps.pool).insert({
    id: uuidv7(),
    tenantId: tenant.id,
    name: input.name,
    url: input.url,
    events: input.events,
    headers: input.headers ?? {},
    signatureScheme: input.signature ?? DEFAULT_SIGNATURE_SCHEME,
    payload: { includeResource: input.config?.include_resource ?? true, fields: input.config?.fields ?? null },
    maxAttempts: input.max_attempts ?? null,
    timeoutMs: input.timeout_ms ?? null,
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

export async function updateWebhook(deps: Pick<WebhookDeps, 'pool' | 'targets'>, tenant: Tenant, id: string, changes: UpdateWebhookBody) {
  if (changes.url !== undefined) await checkTarget(deps.targets, changes.url);
  const { signature, config, max_attempts, timeout_ms, ...fields } = changes;
  const webhook = await new WebhooksRepository(deps.pool).update(tenant.id, id, {
    ...fields,
    signatureScheme: signature,
    payload: config && { includeResource: config.include_resource, fields: config.fields },
    maxAttempts: max_attempts,
    timeoutMs: timeout_ms,
  });
  if (!webhook) throw new NotFoundError('Webhook', id);
  return webhook;
}

/**
 * Deletes a webhook. Its deliveries keep their history; those still pending
 * end as cancelled at once, and its controller workflow is told to finish.
 */
export async function deleteWebhook(deps: Pick<WebhookDeps, 'pool'> & { control?: ControlPlane }, tenant: Tenant, id: string) {
  await withTransaction(deps.pool, async (tx) => {
    if (!(await new WebhooksRepository(tx).softDelete(tenant.id, id))) throw new NotFoundError('Webhook', id);
    await tx.query(
      `UPDATE deliveries SET status = 'cancelled', completed_at = now(), updated_at = now(), last_error = 'webhook was deleted'
       WHERE webhook_id = $1 AND status = 'pending'`,
      [id],
    );
  });
  // Best effort: a controller left running is idle and harmless; it finds the webhook gone if ever signalled.
  if (deps.control) {
    await deps.control
      .temporal()
      .then((client) => client.workflow.getHandle(controllerWorkflowId(id)).signal(webhookDeletedSignal))
      .catch(() => undefined);
  }
}
