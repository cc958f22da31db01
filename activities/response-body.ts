import { TextDecoder } from 'node:util';

/**
 * What is stored of a receiver's answer. The bytes come from a stranger and go into a Postgres
 * text column, which takes no NUL and only valid UTF-8, and into JSON that people read. Policy:
 * - Text (a textual Content-Type) is decoded by its declared charset, or UTF-8 when it declares
 *   none or one this runtime does not know; bytes that are not valid in it become U+FFFD.
 * - An answer without a (readable) Content-Type is text when its bytes are UTF-8 without binary
 *   control bytes, and binary otherwise.
 * - U+0000 (NUL) in decoded text becomes U+FFFD: the text column cannot hold it.
 * - Compressed answers (any Content-Encoding but `identity`) are never decompressed, and binary ones
 *   (any other declared type) are never decoded: both are stored as a marked excerpt,
 *   `[<kind>, <size>] base64:<the first BINARY_EXCERPT_BYTES bytes>`, with `…` when more bytes came.
 * Whatever is stored was read within the sender's limit; a text cut there ends with `…`.
 */

/** Bytes of a binary or compressed answer shown in base64: 4,096 characters, the size of the text limit. */
export const BINARY_EXCERPT_BYTES = 3072;

export interface ReceivedBody {
  /** The bytes read, at most the sender's limit. */
  bytes: Uint8Array;
  /** More bytes came than were read. */
  truncated: boolean;
  contentType?: string;
  contentEncoding?: string;
}

/** The stored form of a receiver's answer (see the policy above). */
export function storedResponseBody({ bytes, truncated, contentType, contentEncoding }: ReceivedBody): string {
  if (bytes.length === 0) return '';
  const type = parseContentType(contentType);
  const codings = contentCodings(contentEncoding);
  if (codings.length > 0) return marked(`${codings.join(',')}-encoded${type ? ` ${type.essence}` : ''}`, bytes, truncated);
  if (type && isTextual(type.essence)) return asText(decode(bytes, type.charset, truncated), truncated);
  if (!type) {
    const text = sniffedText(bytes, truncated);
    if (text !== undefined) return asText(text, truncated);
  }
  return marked(`binary${type ? ` ${type.essence}` : ''}`, bytes, truncated);
}

/** Text that a Postgres text column takes: every NUL replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(/\u0000/g, '\uFFFD');
}

const TOKEN = "[a-z0-9!#$%&'*+.^_`|~-]";
/** Type and subtype names are at most 127 characters (RFC 6838). */
const MEDIA_TYPE = new RegExp(`^${TOKEN}{1,127}/${TOKEN}{1,127}$`);
const CODING = new RegExp(`^${TOKEN}{1,32}$`);

/** `type/subtype` in lower case and the charset parameter, or undefined when absent or not a media type. */
function parseContentType(header: string | undefined): { essence: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [essence = '', ...params] = header.split(';').map((p) => p.trim());
  const lower = essence.toLowerCase();
  if (!MEDIA_TYPE.test(lower)) return undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'charset') {
      return { essence: lower, charset: param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') };
    }
  }
  return { essence: lower };
}

/** The content codings applied, `identity` left out; one that is not a token shows as `unknown`. */
function contentCodings(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity')
    .map((c) => (CODING.test(c) ? c : 'unknown'));
}

const TEXTUAL = /^(?:text\/.+|application\/(?:json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|x-ndjson|graphql)|.+\+(?:json|xml|yaml))$/;

function isTextual(essence: string): boolean {
  return TEXTUAL.test(essence);
}

function decode(bytes: Uint8Array, charset: string | undefined, truncated: boolean): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset || 'utf-8', { fatal: false });
  } catch {
    decoder = new TextDecoder('utf-8', { fatal: false });
  }
  // When cut, a character split at the cut is left out rather than shown as U+FFFD.
  return decoder.decode(bytes, { stream: truncated });
}

/** Bytes that never occur in text (WHATWG MIME Sniffing, "binary data byte"). */
const BINARY_BYTE = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f]/;

function sniffedText(bytes: Uint8Array, truncated: boolean): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
  } catch {
    return undefined;
  }
  return BINARY_BYTE.test(text) ? undefined : text;
}

function asText(text: string, truncated: boolean): string {
  const stored = storableText(text);
  return truncated ? `${stored}…` : stored;
}

function marked(kind: string, bytes: Uint8Array, truncated: boolean): string {
  const size = truncated ? `more than ${bytes.length} bytes` : `${bytes.length} byte${bytes.length === 1 ? '' : 's'}`;
  const excerpt = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, BINARY_EXCERPT_BYTES)).toString('base64');
  return `[${kind}, ${size}] base64:${excerpt}${truncated || bytes.length > BINARY_EXCERPT_BYTES ? '…' : ''}`;
}
