import * as res from '../../responses';
import type { OperationSpec } from './spec';

/** The engine-wide Ed25519 signing key, rotated with the admin key. */
export const SIGNING_KEY_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'rotateSigningKey',
    method: 'post',
    path: '/v1/signing-keys/rotate',
    summary: 'Rotate the Ed25519 signing key',
    description:
      'A new Ed25519 key signs from now on (scheme `ed25519`); the old one stays in the JWKS until `previous_expires_at` (`SECRET_ROTATION_GRACE_MS`). Engine-wide: it changes the key of every tenant’s `ed25519` webhooks. Takes no body; one that is malformed, not JSON or too large is refused as on every route.',
    tag: 'Admin',
    security: 'admin',
    responses: { 200: { description: 'The new key id and the replaced one.', json: res.signingKeyRotationResponse } },
    errors: [400, 401, 413, 415, 429, 503],
    errorNotes: { 401: 'Not the admin key, or `ADMIN_API_KEY` is not set (`unauthorized`).' },
  },
];
