import { createHash, createHmac, verify } from 'node:crypto';
import { generateSigningKey } from '../../src/crypto/signing-keys';
import { classifyAttempt } from '../../activities/classify-response';
import { buildPayload } from '../../activities/payload';
import { openApiDocument } from '../../src/api/openapi/document';
import { webhooksSection } from '../../src/api/openapi/webhooks-section';
import { BUILTIN_EVENT_TYPES } from '../../src/domain/builtin-event-types';
import { requestSignatureHeaders, signatureHeaderName, signatureHeaders } from '../../src/crypto/signature-schemes';
import { generateWebhookSecret } from '../../src/crypto/webhook-signature';
import { clientSecretProblem, PROFILE_NAMES, PROFILES, profileOf, profileUrlProblem } from '../../src/domain/profiles';
import { currentSecretProblem, suppliedSecretProblemFor } from '../../src/services/webhook-secrets';

const CAP_MS = 3_600_000;
const NOW = new Date('2025-03-14T12:00:00.000Z');
const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', note: 'naïve €' } });
const input = (secrets: string[]) => ({ secrets, messageId: 'msg_1', timestampSeconds: 1_700_000_000, body });

describe('the built-in profiles', () => {
  it('are standard, assetsup, argyle, assets-server, asset and custom, in that order', () => {
    expect(PROFILE_NAMES).toEqual(['standard', 'assetsup', 'argyle', 'assets-server', 'asset', 'custom']);
  });

  it('give attempts in all: the configured ones under standard and argyle, 1 + 3 under assetsup, 1 + 8 under assets-server, 1 + 4 under asset', () => {
    expect(PROFILE_NAMES.map((n) => PROFILES[n].maxAttempts)).toEqual([undefined, 4, undefined, 9, 5]);
  });

  it('read a value stored before profiles existed, or unknown, as standard', () => {
    expect(profileOf(null).name).toBe('standard');
    expect(profileOf('bespoke').name).toBe('standard');
    expect(profileOf('argyle').name).toBe('argyle');
  });
});

describe('requestSignatureHeaders', () => {
  it('under standard and assets-server is exactly the scheme’s headers', () => {
    const secret = generateWebhookSecret();
    for (const profile of ['standard', 'assets-server'] as const) {
      for (const scheme of ['standard', 'hmac-sha256', 'hmac-sha512'] as const) {
        expect(requestSignatureHeaders(profile, scheme, input([secret]))).toStrictEqual(signatureHeaders(scheme, input([secret])));
      }
    }
  });

  it('under assetsup is x-assetsup-signature: sha256=<hex HMAC-SHA256 of the body> keyed with the secret string, whatever the scheme', () => {
    const secret = generateWebhookSecret();
    const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(requestSignatureHeaders('assetsup', 'ed25519', input([secret]))).toStrictEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'x-assetsup-signature': expected,
    });
  });

  it('under argyle is x-argyle-signature: <hex HMAC-SHA512>, keyed with any string, and nothing without a secret', () => {
    expect(requestSignatureHeaders('argyle', 'standard', input(['optional-secret']))).toStrictEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'x-argyle-signature': createHmac('sha512', 'optional-secret').update(body).digest('hex'),
    });
    expect(requestSignatureHeaders('argyle', 'standard', input([]))).toStrictEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000' });
    expect(signatureHeaderName('argyle', 'standard', false)).toBeNull();
  });

  it('under asset is asset-id (the event id) and asset-signature: a compact EdDSA JWS naming the kid, over the body’s SHA-256', () => {
    const key = generateSigningKey();
    const headers = requestSignatureHeaders('asset', 'ed25519', { ...input([generateWebhookSecret()]), signingKey: key });
    expect(Object.keys(headers)).toEqual(['webhook-id', 'webhook-timestamp', 'asset-id', 'asset-signature']);
    expect(headers['asset-id']).toBe('msg_1');
    const [h, p, sig] = headers['asset-signature']!.split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toStrictEqual({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' });
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toStrictEqual({
      sha256: createHash('sha256').update(body, 'utf8').digest('hex'),
      'asset-id': 'msg_1',
      iat: 1_700_000_000,
    });
    const publicKey = { key: key.publicJwk, format: 'jwk' } as const;
    expect(verify(null, Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig!, 'base64url'))).toBe(true);
    expect(signatureHeaderName('asset', 'standard', false)).toBe('asset-signature');
    expect(() => requestSignatureHeaders('asset', 'standard', input([]))).toThrow('The asset profile needs the active signing key');
  });

  it('during a rotation lists both values, the new one first, comma-separated', () => {
    const hex = (alg: string, key: string) => createHmac(alg, key).update(body).digest('hex');
    expect(requestSignatureHeaders('assetsup', 'standard', input(['new', 'old']))['x-assetsup-signature']).toBe(
      `sha256=${hex('sha256', 'new')},sha256=${hex('sha256', 'old')}`,
    );
    expect(requestSignatureHeaders('argyle', 'standard', input(['new', 'old']))['x-argyle-signature']).toBe(`${hex('sha512', 'new')},${hex('sha512', 'old')}`);
  });
});

describe('classifyAttempt by profile rule', () => {
  const verdict = (rule: 'standard' | 'every-failure' | 'server-errors' | 'non-200', statusCode: number, retryAfter?: string) =>
    classifyAttempt({ kind: 'response', statusCode, retryAfter }, CAP_MS, NOW, rule).kind;

  it('under every-failure (assetsup) retries any answer but a 2xx or a 410', () => {
    expect([200, 301, 400, 404, 408, 410, 422, 429, 500].map((c) => verdict('every-failure', c))).toEqual([
      'delivered',
      'retry',
      'retry',
      'retry',
      'retry',
      'reject',
      'retry',
      'retry',
      'retry',
    ]);
    expect(classifyAttempt({ kind: 'response', statusCode: 429, retryAfter: '7' }, CAP_MS, NOW, 'every-failure')).toStrictEqual({
      kind: 'retry',
      reason: 'receiver answered 429',
      retryAfterMs: 7_000,
    });
  });

  it('under server-errors (assets-server) retries 5xx, timeouts and connection errors only', () => {
    expect([200, 302, 400, 404, 408, 429, 500, 503].map((c) => verdict('server-errors', c))).toEqual([
      'delivered',
      'reject',
      'reject',
      'reject',
      'reject',
      'reject',
      'retry',
      'retry',
    ]);
    expect(classifyAttempt({ kind: 'timeout', timeoutMs: 1000 }, CAP_MS, NOW, 'server-errors').kind).toBe('retry');
    expect(classifyAttempt({ kind: 'connection_error', message: 'ECONNREFUSED' }, CAP_MS, NOW, 'server-errors').kind).toBe('retry');
  });

  it('under non-200 (asset) delivers a 200 only: a 201 or 204 is retried, as any answer but a 410', () => {
    expect([200, 201, 204, 301, 400, 404, 408, 410, 429, 500].map((c) => verdict('non-200', c))).toEqual([
      'delivered',
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
      'retry',
      'reject',
      'retry',
      'retry',
    ]);
    expect(classifyAttempt({ kind: 'response', statusCode: 204 }, CAP_MS, NOW, 'non-200')).toStrictEqual({
      kind: 'retry',
      reason: 'receiver answered 204; only a 200 counts as delivered',
    });
    expect(classifyAttempt({ kind: 'response', statusCode: 429, retryAfter: '7' }, CAP_MS, NOW, 'non-200')).toStrictEqual({
      kind: 'retry',
      reason: 'receiver answered 429',
      retryAfterMs: 7_000,
    });
    expect(classifyAttempt({ kind: 'timeout', timeoutMs: 1000 }, CAP_MS, NOW, 'non-200').kind).toBe('retry');
    expect(classifyAttempt({ kind: 'connection_error', message: 'ECONNREFUSED' }, CAP_MS, NOW, 'non-200').kind).toBe('retry');
  });

  it('refuses a blocked target under every rule', () => {
    for (const rule of ['standard', 'every-failure', 'server-errors', 'non-200'] as const) {
      expect(classifyAttempt({ kind: 'blocked', reason: 'private address' }, CAP_MS, NOW, rule).kind).toBe('reject');
    }
  });
});

describe('the https rule', () => {
  it('under asset refuses http: outside development only; the other profiles leave the URL to the target policy', () => {
    const refused = 'must be an https URL under profile asset (http is allowed only in development)';
    expect(profileUrlProblem('asset', 'http://example.com/hook', false)).toBe(refused);
    expect(profileUrlProblem('asset', 'HTTP://example.com/hook', false)).toBe(refused);
    expect(profileUrlProblem('asset', 'https://example.com/hook', false)).toBeUndefined();
    expect(profileUrlProblem('asset', 'http://example.com/hook', true)).toBeUndefined();
    for (const profile of ['standard', 'assetsup', 'argyle', 'assets-server'] as const) {
      expect(profileUrlProblem(profile, 'http://example.com/hook', false)).toBeUndefined();
    }
  });
});

describe('secrets by profile', () => {
  it('a client-chosen secret is 1 to 256 printable ASCII characters', () => {
    expect(clientSecretProblem('x')).toBeUndefined();
    expect(clientSecretProblem(' ~'.repeat(128))).toBeUndefined();
    expect(clientSecretProblem('')).toBe('must not be empty');
    expect(clientSecretProblem('x'.repeat(257))).toBe('must be at most 256 characters, got 257');
    expect(clientSecretProblem('naïve')).toBe('must be printable ASCII characters (U+0020 to U+007E)');
  });

  it('only argyle takes one; the others keep the Standard Webhooks rule', () => {
    expect(suppliedSecretProblemFor('argyle', 'optional-secret')).toBeUndefined();
    expect(suppliedSecretProblemFor('assetsup', 'optional-secret')).toBe('must start with whsec_');
  });

  it('a webhook moves to a profile only when its secret can sign there', () => {
    expect(currentSecretProblem('argyle', 'standard', null)).toBeUndefined();
    expect(currentSecretProblem('assetsup', 'standard', null)).toMatch(/has no signing secret/);
    expect(currentSecretProblem('assetsup', 'standard', 'optional-secret')).toBeUndefined();
    expect(currentSecretProblem('standard', 'hmac-sha512', 'optional-secret')).toBeUndefined();
    expect(currentSecretProblem('standard', 'standard', 'optional-secret')).toMatch(/not a Standard Webhooks/);
    expect(currentSecretProblem('standard', 'standard', generateWebhookSecret())).toBeUndefined();
    // Asset's requests are signed with the engine's key: any secret, or none, will do.
    expect(currentSecretProblem('asset', 'standard', null)).toBeUndefined();
    expect(currentSecretProblem('asset', 'standard', 'optional-secret')).toBeUndefined();
  });
});

describe('the test payload', () => {
  const event = { id: 'evt_1', type: 'webhook.test', createdAt: NOW, data: { webhook_id: 'wh_1' }, format: 'test' as const };
  const shape = { webhook: { id: 'wh_1', name: 'Hook' }, includeResource: true, fields: null };

  it('is AssetsUp’s {event, timestamp} under assetsup, and the envelope otherwise', () => {
    expect(buildPayload(event, { ...shape, testBody: 'event-timestamp' })).toBe('{"event":"webhook.test","timestamp":"2025-03-14T12:00:00.000Z"}');
    expect(JSON.parse(buildPayload(event, { ...shape, testBody: 'envelope' }))).toEqual({
      type: 'webhook.test',
      timestamp: '2025-03-14T12:00:00.000Z',
      webhook: { id: 'wh_1', name: 'Hook' },
      data: { webhook_id: 'wh_1' },
    });
  });
});

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as Record<string, any>;
  const text = JSON.stringify(doc);

  it('lists the profile names where a webhook and the tenant settings take a profile', () => {
    expect(text.match(/"enum":\["standard","assetsup","argyle","assets-server","asset","custom"\]/g)?.length).toBeGreaterThanOrEqual(3);
    expect(text).toContain('default_profile');
  });

  it('describes each profile’s signature header on the events a receiver gets', () => {
    const section = webhooksSection(BUILTIN_EVENT_TYPES) as Record<string, any>;
    const headers = (section['webhook.test'].post.parameters as Array<{ name: string }>).map((p) => p.name);
    expect(headers).toEqual(
      expect.arrayContaining(['webhook-signature', 'x-webhook-signature', 'x-assetsup-signature', 'x-argyle-signature', 'asset-id', 'asset-signature']),
    );
  });
});
