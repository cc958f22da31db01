import type { WireHeader } from '../src/domain/delivery-request';
import { storableText } from './response-body';

/**
 * Response headers are kept up to this many bytes in all, counting each as `name: value\r\n`.
 * Whole headers are kept, in the order received, until the next would pass the bound.
 */
export const RESPONSE_HEADERS_LIMIT = 8192;

/**
 * The request headers exactly as the HTTP client (undici) writes them: `host` and
 * `connection: keep-alive` first, then those given in their order, then `content-length`. The test
 * of attempt recording compares this list with what a receiver reads, so a client that writes
 * otherwise fails it instead of leaving the stored request wrong.
 */
export function wireRequestHeaders(url: string, given: readonly WireHeader[], body: string): WireHeader[] {
  return [['host', new URL(url).host], ['connection', 'keep-alive'], ...given, ['content-length', String(Buffer.byteLength(body))]];
}

/**
 * A response's headers as stored: whole ones in the order received (names in lower case, as the
 * client reads them; a repeated header once per value) up to RESPONSE_HEADERS_LIMIT, and whether
 * any were left out.
 */
export function boundedResponseHeaders(received: Readonly<Record<string, string | string[] | undefined>>): { headers: WireHeader[]; truncated: boolean } {
  const headers: WireHeader[] = [];
  let size = 0;
  for (const [rawName, values] of Object.entries(received)) {
    const name = storableText(rawName);
    for (const rawValue of Array.isArray(values) ? values : values === undefined ? [] : [values]) {
      const value = storableText(rawValue);
      size += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
      if (size > RESPONSE_HEADERS_LIMIT) return { headers, truncated: true };
      headers.push([name, value]);
    }
  }
  return { headers, truncated: false };
}
