import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import { generateWebhookSecret } from '../crypto/webhook-signature';
import type { Tenant } from '../domain/models';
import { NotFoundError, ValidationError } from '../errors';
import { getWebhook } from './manage-webhooks';
import { suppliedSecretProblemFor } from './webhook-secrets';
import { WebhooksRepository } from '../repositories/webhooks-repository';

export interface RotateSecretDeps {
  pool: Pool;
  secretBox: SecretBox;
  /** How long the replaced secret keeps signing beside the new one. */
  secretRotationGraceMs: number;
}

/**
 * Gives a webhook a fresh signing secret, or the one supplied (which must fit
 * its profile, as at creation), returned to the caller this once.
 * Until `previousSecretExpiresAt` every request is signed with both the new
 * and the replaced secret, so the receiver can switch over without a gap.
 */
export async function rotateWebhookSecret(
  deps: RotateSecretDeps,
  tenant: Tenant,
  id: string,
  supplied?: string,
): Promise<{ secret: string; previousSecretExpiresAt: Date }> {
  if (supplied !== undefined) {
    const problem = suppliedSecretProblemFor((await getWebhook(deps, tenant, id)).profile, supplied);
    if (problem) throw new ValidationError(`body.secret: ${problem}`, [{ path: 'body.secret', message: problem }]);
  }
  const secret = supplied ?? generateWebhookSecret();
  const expiresAt = await new WebhooksRepository(deps.pool).rotateSecret(
    tenant.id,
    id,
    deps.secretBox.seal(secret),
    deps.secretRotationGraceMs,
  );
  if (!expiresAt) throw new NotFoundError('Webhook', id);
  return { secret, previousSecretExpiresAt: expiresAt };
}
