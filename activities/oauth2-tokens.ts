import { createHash } from 'node:crypto';
import { request } from 'undici';
import type { OAuth2ClientCredentials } from '../src/domain/endpoint-auth';
import { UnsafeTargetError, type TargetPolicy } from '../src/security/target-policy';
import type { DispatcherFor } from './egress-dispatchers';
import { ProxyUnavailableError } from './egress-connector';

/** A token is used until this long before it expires (or half its lifetime, when that is shorter). */
export const TOKEN_REFRESH_MARGIN_MS = 30_000;
/** A token answered without `expires_in` is kept this long. */
export const TOKEN_DEFAULT_LIFETIME_MS = 60_000;
/** The token endpoint's answer is read up to this size. */
const TOKEN_RESPONSE_LIMIT = 64 * 1024;
const TOKEN_TIMEOUT_MS = 10_000;

/** The token could not be had: the attempt fails with this message (retried), or is blocked when `blocked`. */
export class TokenUnavailableError extends Error {
  constructor(
    message: string,
    readonly blocked = false,
  ) {
    super(message);
    this.name = 'TokenUnavailableError';
  }
}

export interface OAuth2Tokens {
  /** A token for these credentials: the cached one while it is fresh, else a new one. `fresh` forces a new one. */
  token(auth: OAuth2ClientCredentials, opts: { proxyUrl?: string; fresh?: boolean }): Promise<string>;
}

/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4), with the client authenticated by HTTP Basic
 * (§2.3.1). Tokens are cached per credentials in this worker until shortly before they expire. The
 * token endpoint is reached like a receiver: through the target policy and the egress proxy.
 */
export function createOAuth2Tokens(deps: { policy: TargetPolicy; dispatchers: DispatcherFor; now?: () => number }): OAuth2Tokens {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { token: string; useUntil: number }>();
  /** One request per credentials at a time: attempts waiting for the same token share it. */
  const inFlight = new Map<string, Promise<string>>();
  const keyOf = (a: OAuth2ClientCredentials) => createHash('sha256').update(JSON.stringify([a.token_url, a.client_id, a.client_secret, a.scope ?? null])).digest('hex');

  async function fetchToken(auth: OAuth2ClientCredentials, key: string, proxyUrl: string | undefined): Promise<string> {
    const started = now();
    try {
      deps.policy.checkUrlSyntax(auth.token_url);
    } catch (err) {
      if (err instanceof UnsafeTargetError) throw new TokenUnavailableError(`token_url ${err.message}`, true);
      throw err;
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) form.set('scope', auth.scope);
    // RFC 6749 §2.3.1: each part form-encoded before they are joined.
    const basic = Buffer.from(`${encodeURIComponent(auth.client_id)}:${encodeURIComponent(auth.client_secret)}`).toString('base64');
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(auth.token_url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
        body: form.toString(),
        dispatcher: deps.dispatchers(proxyUrl),
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
    } catch (err) {
      throw tokenFailure(err);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > TOKEN_RESPONSE_LIMIT) {
        res.body.destroy();
        throw new TokenUnavailableError(`oauth2_token_unavailable: token endpoint answer larger than ${TOKEN_RESPONSE_LIMIT} bytes`);
      }
      chunks.push(chunk);
    }
    // Never the body in the message: a token endpoint may echo what it was sent.
    if (res.statusCode < 200 || res.statusCode > 299) throw new TokenUnavailableError(`oauth2_token_unavailable: token endpoint answered ${res.statusCode}`);
    let answer: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof answer;
    } catch {
      throw new TokenUnavailableError('oauth2_token_unavailable: token endpoint answer is not JSON');
    }
    if (typeof answer.access_token !== 'string' || !/^[\x21-\x7e]+$/.test(answer.access_token)) {
      throw new TokenUnavailableError('oauth2_token_unavailable: token endpoint answer has no usable access_token');
    }
    if (typeof answer.token_type === 'string' && answer.token_type.toLowerCase() !== 'bearer') {
      throw new TokenUnavailableError(`oauth2_token_unavailable: token_type ${answer.token_type.slice(0, 40)} is not bearer`);
    }
    const lifetimeMs = typeof answer.expires_in === 'number' && answer.expires_in >= 0 ? answer.expires_in * 1000 : TOKEN_DEFAULT_LIFETIME_MS;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2);
    cache.set(key, { token: answer.access_token, useUntil: started + lifetimeMs - margin });
    return answer.access_token;
  }

  return {
    async token(auth, { proxyUrl, fresh = false }) {
      const key = keyOf(auth);
      const cached = cache.get(key);
      if (!fresh && cached && now() < cached.useUntil) return cached.token;
      if (fresh) cache.delete(key);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetchToken(auth, key, proxyUrl).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}

function tokenFailure(err: unknown): TokenUnavailableError {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof UnsafeTargetError || e.code === 'ERR_UNSAFE_TARGET') return new TokenUnavailableError(`token_url: ${e.message}`, true);
    if (e instanceof ProxyUnavailableError || e.code === 'proxy_unavailable') return new TokenUnavailableError(`oauth2_token_unavailable: ${e.message}`);
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return new TokenUnavailableError(`oauth2_token_unavailable: ${code && !message.includes(code) ? `${code}: ` : ''}${message}`.slice(0, 300));
}
