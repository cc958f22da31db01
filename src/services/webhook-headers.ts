import type { SecretBox } from '../crypto/secret-box';
import type { HeaderValueInput } from '../domain/webhook-input';
import { ValidationError } from '../errors';

/** A webhook's custom headers as stored: the plain ones, and the secret ones sealed. */
export interface StoredHeaders {
  headers: Record<string, string>;
  secretHeadersSealed: Record<string, string>;
}

/**
 * Splits the headers given into plain and secret ones, sealing each secret value. A secret given
 * without a value keeps the value the header has now (`current`, by exact name); one that has none
 * is refused, so a round trip of a webhook's `headers` through GET and PATCH changes nothing.
 */
export function storedHeaders(given: Record<string, HeaderValueInput>, current: Readonly<Record<string, string>>, box: SecretBox): StoredHeaders {
  const headers: Record<string, string> = {};
  const secretHeadersSealed: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value === 'string') {
      headers[name] = value;
    } else if (value.value !== undefined) {
      secretHeadersSealed[name] = box.seal(value.value);
    } else {
      const kept = current[name];
      if (kept === undefined) {
        const path = `body.headers.${name}`;
        const message = 'has no secret value to keep: give {"value": "...", "secret": true}';
        throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
      }
      secretHeadersSealed[name] = kept;
    }
  }
  return { headers, secretHeadersSealed };
}

/** Every custom header name given, for checks that only need the names (the custom profile's). */
export function headerNames(given: Record<string, HeaderValueInput>): Record<string, string> {
  return Object.fromEntries(Object.keys(given).map((name) => [name, '']));
}
