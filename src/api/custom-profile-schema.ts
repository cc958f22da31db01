import { z } from 'zod';
import { CUSTOM_ALGORITHMS, CUSTOM_ENCODINGS, CUSTOM_SIGNED_CONTENTS, MAX_TEMPLATE_LENGTH } from '../domain/custom-profile';

/**
 * The shape of a webhook's `custom_profile`. The rules between fields (header
 * names, the template's placeholders, clashes with the custom headers) are the
 * use case's, each refused with its own code (src/domain/custom-profile.ts).
 */
const headerName = (what: string) =>
  z
    .string({ error: 'must be a string' })
    .meta({ description: `The header carrying ${what}: an HTTP token, not a header the engine sets, and none of the webhook's custom headers.` });

export const customProfileSettings = z
  .strictObject(
    {
      id_header: headerName('the event id (the same on every attempt)'),
      timestamp_header: headerName('the attempt’s Unix seconds'),
      signature_header: headerName('the signature'),
      algorithm: z
        .enum(CUSTOM_ALGORITHMS, { error: `must be one of ${CUSTOM_ALGORITHMS.join(', ')}` })
        .meta({ description: 'HMAC keyed with the secret string’s UTF-8 bytes, or Ed25519 with the engine’s key from /.well-known/jwks.json (named in `webhook-key-id`).' }),
      encoding: z.enum(CUSTOM_ENCODINGS, { error: `must be one of ${CUSTOM_ENCODINGS.join(', ')}` }).meta({ description: 'How the signature bytes are written.' }),
      template: z
        .string({ error: 'must be a string' })
        .meta({
          description: `The signature header’s value, at most ${MAX_TEMPLATE_LENGTH} printable ASCII characters: \`{signature}\` once, and optionally \`{timestamp}\` and \`{id}\`, e.g. \`sha256={signature}\` or \`t={timestamp},v1={signature}\`. During a secret rotation, one rendering per secret, comma-separated.`,
        }),
      signed_content: z
        .enum(CUSTOM_SIGNED_CONTENTS, { error: `must be one of ${CUSTOM_SIGNED_CONTENTS.join(', ')}` })
        .meta({ description: 'What is signed: the raw body, or `<id>.<timestamp>.<body>`.' }),
      retry_4xx: z
        .boolean({ error: 'must be true or false' })
        .meta({ description: '`true`: every failure is retried, 4xx included (a 410 stays final). `false`: 5xx, timeouts, connection errors, 408 and 429 only.' }),
    },
    { error: 'must be an object' },
  )
  .meta({
    description:
      'The `custom` profile’s format: required when the profile is (or becomes) `custom`, refused under the others. In a change it is replaced whole. Frozen into each delivery when it is dispatched.',
  });
