import { z } from 'zod';
import { timestamp } from './fields';

export const signingKeyRotationResponse = z.strictObject({
  kid: z.string(),
  previous_kid: z.string().nullable(),
  previous_expires_at: timestamp.nullable().meta({ description: 'The replaced key stays in the JWKS until then.' }),
});

export const jwksResponse = z.strictObject({
  keys: z.array(
    z.strictObject({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
      kid: z.string(),
      use: z.literal('sig'),
      alg: z.literal('EdDSA'),
    }),
  ),
});
