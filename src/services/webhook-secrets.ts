import { suppliedSecretProblem } from '../crypto/webhook-signature';
import type { SignatureScheme } from '../crypto/signature-schemes';
import { clientSecretProblem, PROFILES, type ProfileName } from '../domain/profiles';

/**
 * Which secrets fit which profile. Generated secrets are always `whsec_`
 * Standard Webhooks secrets, which every profile can sign with. A supplied one
 * is the client's own under `argyle` (1 to 256 printable ASCII characters, and
 * optional), else a Standard Webhooks secret of at least 24 key bytes.
 */

/** Why a secret supplied for a webhook on `profile` is refused, or undefined. Says nothing of the secret itself. */
export function suppliedSecretProblemFor(profile: ProfileName, secret: string): string | undefined {
  return PROFILES[profile].secret === 'client-chosen' ? clientSecretProblem(secret) : suppliedSecretProblem(secret);
}

/** Whether a webhook on `profile` may have no secret (its requests then go unsigned). */
export const secretIsOptional = (profile: ProfileName) => PROFILES[profile].secret === 'client-chosen';

/**
 * Why a webhook's current secret cannot sign under `profile` and `scheme`, or
 * undefined. Moving a webhook off `argyle` needs a secret, and a Standard
 * Webhooks signature needs a `whsec_` one: rotate the secret first. `asset`
 * takes any, or none: it signs with the engine's key.
 */
export function currentSecretProblem(profile: ProfileName, scheme: SignatureScheme, secret: string | null): string | undefined {
  // Asset's requests are signed with the engine's key: the webhook's secret, or its lack, does not matter.
  if (PROFILES[profile].signing === 'asset') return undefined;
  if (secret === null) {
    return secretIsOptional(profile) ? undefined : `the webhook has no signing secret, which profile ${profile} needs: rotate its secret first`;
  }
  const standardWebhooks = PROFILES[profile].signing === 'signature-scheme' && scheme === 'standard';
  if (standardWebhooks && suppliedSecretProblem(secret) !== undefined) {
    return `its secret is not a Standard Webhooks (whsec_) secret, which profile ${profile} with signature standard needs: rotate its secret first`;
  }
  return undefined;
}
