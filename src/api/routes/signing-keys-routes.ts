import { apiRouter } from '../router';
import type { DefaultState } from 'koa';
import { rotateSigningKey, type SigningKeyDeps } from '../../services/manage-signing-keys';
import { authenticateAdmin } from '../middleware/authenticate';
import type { AuthFailureLimiter } from '../middleware/rate-limit';
import { jsonBody } from '../middleware/json-body';

/**
 * The engine-wide Ed25519 signing keys (scheme `ed25519`). They sign for
 * every tenant, so only the admin key may rotate them.
 */
export function signingKeysRoutes(deps: SigningKeyDeps & {
  secretRotationGraceMs: number;
  adminApiKey?: string;
  authFailures?: AuthFailureLimiter;
  maxBodyBytes: number;
}) {
  const router = apiRouter<DefaultState>({ prefix: '/v1' });
  // Takes no body, but a malformed, non-JSON or oversized one is refused as on every route, after the key.
  router.use(authenticateAdmin(deps.adminApiKey, deps.authFailures), jsonBody(deps.maxBodyBytes));

  // No body. The replaced key stops signing now and stays in the JWKS until previous_expires_at.
  router.post('/signing-keys/rotate', async (ctx) => {
    const rotated = await rotateSigningKey(deps, deps.secretRotationGraceMs);
    ctx.body = {
      kid: rotated.kid,
      previous_kid: rotated.previousKid,
      previous_expires_at: rotated.previousExpiresAt?.toISOString() ?? null,
    };
  });

  return router;
}
