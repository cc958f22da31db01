import { apiRouter } from '../router';
import { publicSigningKeys, type SigningKeyDeps } from '../../services/manage-signing-keys';

/**
 * `GET /.well-known/jwks.json`, without auth: the public Ed25519 keys of the
 * `ed25519` signature scheme, the active one and those retired within their
 * grace period. Receivers pick the key named by `webhook-key-id`.
 */
export function jwksRoutes(deps: SigningKeyDeps) {
  const router = apiRouter();
  router.get('/.well-known/jwks.json', async (ctx) => {
    const keys = await publicSigningKeys(deps);
    // Short enough that a receiver meets a rotated-in key soon; on an unknown kid it should refetch anyway.
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = { keys };
  });
  return router;
}
