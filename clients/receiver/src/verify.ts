import { createHash, createHmac, verify as verifySignature } from 'node:crypto';
import { anyValueMatches, sameText } from './compare';
import { refuse } from './errors';
import { headerValue, type HeaderSource } from './headers';
import type { KeySource } from './jwks';

/** A `custom` profile's settings, as given in the webhook's `custom_profile` (README, "The `custom` profile"). */
export interface CustomProfile {
  id_header: string;
  timestamp_header: string;
  signature_header: string;
  algorithm: 'hmac-sha256' | 'hmac-sha512' | 'ed25519';
  encoding: 'hex' | 'base64';
  template: string;
  signed_content: '{body}' | '{id}.{timestamp}.{body}';
}

/** The webhook's secret; several while you move from one to the next (any of them verifies). */
type Secrets = string | readonly string[];

/** How the webhook is set up: its `profile` and, under `standard` and `assets-server`, its `signature`. */
export type VerifierSetup =
  | { profile?: 'standard' | 'assets-server'; signature?: 'standard' | 'hmac-sha256' | 'hmac-sha512'; secret: Secrets }
  | { profile?: 'standard' | 'assets-server'; signature: 'ed25519'; keys: KeySource }
  | { profile: 'assetsup' | 'argyle'; secret: Secrets }
  | { profile: 'asset'; keys: KeySource }
  | { profile: 'custom'; custom: CustomProfile; secret?: Secrets; keys?: KeySource };

export interface VerifierOptions {
  /** How far a request's timestamp may be from now, either way. Default 300 s (5 minutes). */
  toleranceSeconds?: number;
}

export interface VerifyOptions {
  /** The time to check the timestamp against. Default: now. */
  now?: Date | number;
}

export interface VerifiedWebhook<Payload> {
  /** The event id (`webhook-id`, `asset-id`, or the custom id header): the same on every retry, to deduplicate on. */
  id: string;
  /** The attempt's Unix seconds. */
  timestamp: number;
  /** The Ed25519 key that signed, when one did. */
  kid?: string;
  /** The body, parsed. */
  payload: Payload;
}

export interface Verifier {
  /**
   * Verifies one request from its raw body (exactly as received: a string or the bytes) and its
   * headers; resolves with the parsed payload, or rejects with a `WebhookVerificationError`.
   */
  verify<Payload = unknown>(rawBody: string | Uint8Array, headers: HeaderSource, options?: VerifyOptions): Promise<VerifiedWebhook<Payload>>;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

export function createVerifier(setup: VerifierSetup, options: VerifierOptions = {}): Verifier {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return {
    async verify<Payload>(rawBody: string | Uint8Array, headers: HeaderSource, opts: VerifyOptions = {}) {
      const body = Buffer.from(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
      const nowSeconds = Math.floor(Number(opts.now ?? Date.now()) / 1000);
      const request: Request = { body, headers, nowSeconds, tolerance };
      const verified = await check(setup, request);
      let payload: Payload;
      try {
        payload = JSON.parse(body.toString('utf8')) as Payload;
      } catch {
        return refuse('invalid_json', 'the body is not JSON');
      }
      return { ...verified, payload };
    },
  };
}

interface Request {
  body: Buffer;
  headers: HeaderSource;
  nowSeconds: number;
  tolerance: number;
}

type Checked = { id: string; timestamp: number; kid?: string };

function check(setup: VerifierSetup, req: Request): Promise<Checked> | Checked {
  switch (setup.profile) {
    case undefined:
    case 'standard':
    case 'assets-server':
      if (setup.signature === 'ed25519') return ed25519(setup.keys, req);
      return signatureScheme(setup.signature ?? 'standard', secretsOf(setup.secret), req);
    case 'assetsup':
      return hexHmacHeader('sha256', 'x-assetsup-signature', 'sha256=', secretsOf(setup.secret), req);
    case 'argyle':
      return hexHmacHeader('sha512', 'x-argyle-signature', '', secretsOf(setup.secret), req);
    case 'asset':
      return asset(setup.keys, req);
    case 'custom':
      return custom(setup, req);
  }
}

function secretsOf(secret: Secrets): string[] {
  const list = typeof secret === 'string' ? [secret] : [...secret];
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) throw new Error('a webhook secret is required');
  return list;
}

function required(req: Request, name: string): string {
  return headerValue(req.headers, name) ?? refuse('missing_header', `no ${name} header`);
}

/** `webhook-id` and `webhook-timestamp` (or a custom profile's names), the timestamp within the tolerance. */
function identity(req: Request, idHeader = 'webhook-id', timestampHeader = 'webhook-timestamp'): Checked {
  const id = required(req, idHeader);
  const raw = required(req, timestampHeader);
  if (!/^\d{1,12}$/.test(raw)) refuse('malformed_header', `${timestampHeader} is not Unix seconds`);
  const timestamp = Number(raw);
  checkTime(timestamp, req);
  return { id, timestamp };
}

function checkTime(timestamp: number, req: Request): void {
  if (timestamp < req.nowSeconds - req.tolerance) refuse('timestamp_too_old', 'the request is older than the tolerance');
  if (timestamp > req.nowSeconds + req.tolerance) refuse('timestamp_too_new', 'the request is dated after the tolerance');
}

const content = (id: string, timestamp: number, body: Buffer) => Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);

function signatureScheme(scheme: 'standard' | 'hmac-sha256' | 'hmac-sha512', secrets: string[], req: Request): Checked {
  if (scheme === 'hmac-sha256') return hexHmacHeader('sha256', 'x-webhook-signature', 'sha256=', secrets, req);
  if (scheme === 'hmac-sha512') return hexHmacHeader('sha512', 'x-webhook-signature', '', secrets, req);
  // Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256>` over "id.timestamp.body", keyed with the secret's base64 part.
  const who = identity(req);
  const signed = required(req, 'webhook-signature')
    .split(' ')
    .filter((v) => v.startsWith('v1,'))
    .map((v) => v.slice(3));
  const signedContent = content(who.id, who.timestamp, req.body);
  let found = false;
  for (const secret of secrets) {
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
    const expected = createHmac('sha256', key).update(signedContent).digest('base64');
    for (const value of signed) if (sameText(value, expected)) found = true;
  }
  if (!found) refuse('bad_signature', 'no webhook-signature value matches');
  return who;
}

/** The HMAC schemes and profiles: lowercase hex of the raw body, keyed with the secret string's UTF-8 bytes. */
function hexHmacHeader(hash: 'sha256' | 'sha512', header: string, prefix: string, secrets: string[], req: Request): Checked {
  const who = identity(req);
  const value = required(req, header);
  let found = false;
  for (const secret of secrets) {
    if (anyValueMatches(value, prefix + createHmac(hash, Buffer.from(secret, 'utf8')).update(req.body).digest('hex'))) found = true;
  }
  if (!found) refuse('bad_signature', `no ${header} value matches`);
  return who;
}

async function keyFor(keys: KeySource, kid: string) {
  return (await keys.key(kid)) ?? refuse('unknown_key', `no key ${JSON.stringify(kid)} in the JWKS`);
}

/** The `ed25519` scheme: `v1a,<base64 Ed25519>` over "id.timestamp.body", by the key `webhook-key-id` names. */
async function ed25519(keys: KeySource, req: Request): Promise<Checked> {
  const who = identity(req);
  const kid = required(req, 'webhook-key-id');
  const signatures = required(req, 'webhook-signature')
    .split(' ')
    .filter((v) => v.startsWith('v1a,'))
    .map((v) => Buffer.from(v.slice(4), 'base64'));
  const key = await keyFor(keys, kid);
  const signed = content(who.id, who.timestamp, req.body);
  if (!signatures.some((s) => verifySignature(null, signed, key, s))) refuse('bad_signature', 'no webhook-signature v1a value verifies');
  return { ...who, kid };
}

/** `asset`: `asset-signature` is a compact JWS (EdDSA) whose claims bind the body's SHA-256, the `asset-id` and `iat`. */
async function asset(keys: KeySource, req: Request): Promise<Checked> {
  const id = required(req, 'asset-id');
  const parts = required(req, 'asset-signature').split('.');
  if (parts.length !== 3) refuse('malformed_header', 'asset-signature is not a compact JWS');
  const [head, claims, signature] = parts as [string, string, string];
  const header = decodeJson(head) as { alg?: unknown; kid?: unknown };
  if (header.alg !== 'EdDSA' || typeof header.kid !== 'string') refuse('malformed_header', 'asset-signature is not an EdDSA JWS with a kid');
  const key = await keyFor(keys, header.kid as string);
  if (!verifySignature(null, Buffer.from(`${head}.${claims}`, 'ascii'), key, Buffer.from(signature, 'base64url'))) {
    refuse('bad_signature', 'asset-signature does not verify');
  }
  const payload = decodeJson(claims) as { sha256?: unknown; 'asset-id'?: unknown; iat?: unknown };
  if (typeof payload.sha256 !== 'string' || !sameText(payload.sha256, createHash('sha256').update(req.body).digest('hex'))) {
    refuse('body_mismatch', 'the body does not match asset-signature');
  }
  if (typeof payload['asset-id'] !== 'string' || !sameText(payload['asset-id'], id)) refuse('id_mismatch', 'asset-id does not match asset-signature');
  if (typeof payload.iat !== 'number') return refuse('malformed_header', 'asset-signature has no iat');
  checkTime(payload.iat, req);
  return { id, timestamp: payload.iat, kid: header.kid as string };
}

function decodeJson(part: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value;
  } catch {
    // refused below
  }
  return refuse('malformed_header', 'asset-signature is not a compact JWS');
}

/** `custom`: the webhook's own header names, template, algorithm, encoding and signed content. */
async function custom(setup: { custom: CustomProfile; secret?: Secrets; keys?: KeySource }, req: Request): Promise<Checked> {
  const settings = setup.custom;
  const who = identity(req, settings.id_header, settings.timestamp_header);
  const value = required(req, settings.signature_header);
  const timestamp = String(who.timestamp);
  const signed = settings.signed_content === '{body}' ? req.body : content(who.id, who.timestamp, req.body);
  const render = (signature: string) =>
    settings.template.replace(/\{(signature|timestamp|id)\}/g, (_, name: string) => (name === 'signature' ? signature : name === 'timestamp' ? timestamp : who.id));
  if (settings.algorithm === 'ed25519') {
    if (!setup.keys) throw new Error('a custom profile on ed25519 needs keys (a RemoteJwks)');
    const kid = required(req, 'webhook-key-id');
    const key = await keyFor(setup.keys, kid);
    const signature = extractSignature(render, value, settings.encoding) ?? refuse('malformed_header', `${settings.signature_header} does not follow the template`);
    if (!verifySignature(null, signed, key, Buffer.from(signature, settings.encoding))) refuse('bad_signature', `${settings.signature_header} does not verify`);
    return { ...who, kid };
  }
  if (!setup.secret) throw new Error('a custom profile on HMAC needs the secret');
  const hash = settings.algorithm === 'hmac-sha256' ? 'sha256' : 'sha512';
  let found = false;
  for (const secret of secretsOf(setup.secret)) {
    const expected = render(createHmac(hash, Buffer.from(secret, 'utf8')).update(signed).digest(settings.encoding));
    if (anyValueMatches(value, expected)) found = true;
  }
  if (!found) refuse('bad_signature', `no ${settings.signature_header} value matches`);
  return who;
}

/** The `{signature}` part of a header rendered from the template (Ed25519 signs once: one rendering). */
function extractSignature(render: (signature: string) => string, value: string, encoding: 'hex' | 'base64'): string | undefined {
  const marker = '\u0000';
  const [before, after] = render(marker).split(marker) as [string, string];
  if (value.length < before.length + after.length || !value.startsWith(before) || !value.endsWith(after)) return undefined;
  const signature = value.slice(before.length, value.length - after.length);
  return (encoding === 'hex' ? /^[0-9a-f]+$/ : /^[A-Za-z0-9+/]+=*$/).test(signature) ? signature : undefined;
}
