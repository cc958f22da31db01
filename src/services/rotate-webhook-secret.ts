import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import { generateWebhookSecret } from '../crypto/webhook-signature';
import type { Tenant } from '../domain/models';
import { NotFoundError } from '../errors';
import { WebhooksRepository } from '../repositories/webhooks-repository';

export interface RotateSecretDeps {
  pool: Pool;
  secretBox: SecretBox;
  /** How long the replaced secret keeps signing beside the new one. */
  secretRotationGraceMs: number;
}

/**
 * Gives a webhook a fresh signing secret, returned to the caller this once.
 * Until `previousSecretExpiresAt` every request is signed with both the new
 * and the replaced secret, so the receiver can switch over without a gap.
 */
export async function rotateWebhookSecret(
  deps: RotateSecretDeps,
  tenant: Tenant,
  id: string,
): Promise<{ secret: string; previousSecretExpiresAt: Date }> {
  const secret = generateWebhookSecret();
  const expiresAt = await new WebhooksRepository(deps.pool).rotateSecret(
    tenant.id,
    id,
    deps.secretBox.seal(secret),
    deps.secretRotationGraceMs,
  );
  if (!expiresAt) throw new NotFoundError('Webhook', id);
  return { secret, previousSecretExpiresAt: expiresAt };
}
