import { createHmac, sign } from 'node:crypto';
import { renderTemplate, signedText, type CustomProfileSettings } from '../domain/custom-profile';
// Read at call time only: signature-schemes.ts imports this module in turn.
import { KEY_ID_HEADER, type SignatureInput } from './signature-input';

/**
 * The headers of one request under a `custom` profile: the event id, the
 * timestamp and the signature under the tenant's names. HMAC keys are the
 * secret string's UTF-8 bytes (`whsec_` included, as the HMAC schemes do);
 * Ed25519 signs with the engine's active key and names it in
 * `webhook-key-id`. During a secret rotation's grace period an HMAC profile
 * sends one value per secret, the new one first, each rendered through the
 * template, comma-separated.
 */
export function customSignatureHeaders(settings: CustomProfileSettings, input: SignatureInput): Record<string, string> {
  const id = input.messageId;
  const timestamp = String(input.timestampSeconds);
  const content = Buffer.from(signedText(settings.signedContent, { id, timestamp, body: input.body }), 'utf8');
  const headers: Record<string, string> = { [settings.idHeader.toLowerCase()]: id, [settings.timestampHeader.toLowerCase()]: timestamp };
  let signatures: Buffer[];
  if (settings.algorithm === 'ed25519') {
    const key = input.signingKey;
    if (!key) throw new Error('An ed25519 custom profile needs the active signing key');
    signatures = [sign(null, content, key.privateKey)];
    headers[KEY_ID_HEADER] = key.kid;
  } else {
    if (input.secrets.length === 0) throw new Error('At least one webhook secret is required');
    const hash = settings.algorithm === 'hmac-sha256' ? 'sha256' : 'sha512';
    signatures = input.secrets.map((secret) => createHmac(hash, Buffer.from(secret, 'utf8')).update(content).digest());
  }
  headers[settings.signatureHeader.toLowerCase()] = signatures
    .map((s) => renderTemplate(settings.template, { signature: s.toString(settings.encoding), timestamp, id }))
    .join(',');
  return headers;
}

/** The headers a custom profile sends besides the signature: the key id under Ed25519. */
export const customKeyIdHeader = (settings: CustomProfileSettings): string | null => (settings.algorithm === 'ed25519' ? KEY_ID_HEADER : null);
