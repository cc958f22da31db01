import { createHmac, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, importJWK } from 'jose';
import { Webhook } from 'standardwebhooks';
import { SIGNATURE_SCHEMES, signatureHeaders, type SignatureScheme } from '../../src/crypto/signature-schemes';
import { cacheActiveKey, exportPrivateKey, generateSigningKey, importPrivateKey } from '../../src/crypto/signing-keys';
import { generateWebhookSecret, signPayload } from '../../src/crypto/webhook-signature';

const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', note: 'naïve €' } });
const nowSeconds = () => Math.floor(Date.now() / 1000);
const hex = (algorithm: string, secret: string, content: string) =>
  createHmac(algorithm, Buffer.from(secret, 'utf8')).update(content, 'utf8').digest('hex');

describe('signatureHeaders', () => {
  it('sends webhook-id and webhook-timestamp under every scheme', () => {
    const signingKey = generateSigningKey();
    for (const scheme of SIGNATURE_SCHEMES) {
      const headers = signatureHeaders(scheme, { secrets: [generateWebhookSecret()], messageId: 'msg_1', timestampSeconds: 1_700_000_000, body, signingKey });
      expect(headers).toMatchObject({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000' });
    }
  });

  describe('standard', () => {
    it('is exactly signPayload, so rotation sends "v1,<new> v1,<old>" and standardwebhooks verifies both', () => {
      const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
      const ts = nowSeconds();
      const headers = signatureHeaders('standard', { secrets: [newer, older], messageId: 'msg_2', timestampSeconds: ts, body });
      expect(headers).toStrictEqual({ ...signPayload([newer, older], 'msg_2', ts, body) });
      expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
      expect(new Webhook(newer).verify(body, headers)).toEqual(JSON.parse(body));
      expect(new Webhook(older).verify(body, headers)).toEqual(JSON.parse(body));
    });
  });

  describe('hmac-sha256', () => {
    it('is "sha256=<hex HMAC-SHA256 of the body>" keyed with the whole whsec_ string', () => {
      const secret = generateWebhookSecret();
      const headers = signatureHeaders('hmac-sha256', { secrets: [secret], messageId: 'msg_3', timestampSeconds: 1_700_000_000, body });
      expect(headers).toStrictEqual({
        'webhook-id': 'msg_3',
        'webhook-timestamp': '1700000000',
        'x-webhook-signature': `sha256=${hex('sha256', secret, body)}`,
      });
      expect(headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(headers['x-webhook-signature']).not.toBe(`sha256=${hex('sha256', secret, body.replace('inv_1', 'inv_2'))}`);
    });

    it('sends one value per secret, newest first, comma-separated, during a rotation', () => {
      const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
      const headers = signatureHeaders('hmac-sha256', { secrets: [newer, older], messageId: 'm', timestampSeconds: 1, body });
      expect(headers['x-webhook-signature']).toBe(`sha256=${hex('sha256', newer, body)},sha256=${hex('sha256', older, body)}`);
    });
  });

  describe('hmac-sha512', () => {
    it('is the plain hex HMAC-SHA512 of the body keyed with the whole whsec_ string', () => {
      const secret = generateWebhookSecret();
      const headers = signatureHeaders('hmac-sha512', { secrets: [secret], messageId: 'msg_4', timestampSeconds: 1_700_000_000, body });
      expect(headers).toStrictEqual({
        'webhook-id': 'msg_4',
        'webhook-timestamp': '1700000000',
        'x-webhook-signature': hex('sha512', secret, body),
      });
      expect(headers['x-webhook-signature']).toMatch(/^[0-9a-f]{128}$/);
    });

    it('sends "<new>,<old>" during a rotation', () => {
      const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
      const headers = signatureHeaders('hmac-sha512', { secrets: [newer, older], messageId: 'm', timestampSeconds: 1, body });
      expect(headers['x-webhook-signature']).toBe(`${hex('sha512', newer, body)},${hex('sha512', older, body)}`);
    });

    it('refuses an empty secret list, as standard does', () => {
      for (const scheme of ['standard', 'hmac-sha256', 'hmac-sha512'] as const) {
        expect(() => signatureHeaders(scheme, { secrets: [], messageId: 'm', timestampSeconds: 1, body })).toThrow(
          'At least one webhook secret is required',
        );
      }
    });
  });

  describe('ed25519', () => {
    it('is "v1a,<base64 Ed25519 of id.timestamp.body>" with the kid, verifiable with the public JWK alone', async () => {
      const key = generateSigningKey();
      const headers = signatureHeaders('ed25519', {
        secrets: [generateWebhookSecret(), generateWebhookSecret()],
        messageId: 'msg_5',
        timestampSeconds: 1_700_000_000,
        body,
        signingKey: key,
      });
      expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-key-id', 'webhook-signature', 'webhook-timestamp']);
      expect(headers['webhook-key-id']).toBe(key.kid);
      const match = /^v1a,([A-Za-z0-9+/]{86}==)$/.exec(headers['webhook-signature']!);
      expect(match).not.toBeNull();
      const signature = Buffer.from(match![1]!, 'base64');
      const content = Buffer.from(`msg_5.1700000000.${body}`, 'utf8');

      const publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });
      expect(verify(null, content, publicKey, signature)).toBe(true);
      expect(verify(null, Buffer.from(`msg_5.1700000001.${body}`), publicKey, signature)).toBe(false);
      expect(verify(null, content, createPublicKey({ key: generateSigningKey().publicJwk, format: 'jwk' }), signature)).toBe(false);

      // The same check with the key as jose imports it from the JWK.
      const imported = await importJWK(key.publicJwk, 'EdDSA');
      expect(verify(null, content, imported as KeyObject, signature)).toBe(true);
    });

    it('needs the signing key', () => {
      expect(() => signatureHeaders('ed25519', { secrets: [generateWebhookSecret()], messageId: 'm', timestampSeconds: 1, body })).toThrow(
        'The ed25519 scheme needs the active signing key',
      );
    });
  });

  it('refuses an unknown scheme', () => {
    expect(() =>
      signatureHeaders('rot13' as SignatureScheme, { secrets: [generateWebhookSecret()], messageId: 'm', timestampSeconds: 1, body }),
    ).toThrow('Unknown signature scheme: rot13');
  });
});

describe('generateSigningKey', () => {
  it('gives a public OKP JWK whose kid is its RFC 7638 thumbprint, and no private part', async () => {
    const key = generateSigningKey();
    expect(key.publicJwk).toStrictEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: key.kid, use: 'sig', alg: 'EdDSA' });
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk));
    expect(generateSigningKey().kid).not.toBe(key.kid);
  });

  it('round-trips the private key through its PEM form', () => {
    const key = generateSigningKey();
    const pem = exportPrivateKey(key.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const restored = importPrivateKey(pem);
    const headers = signatureHeaders('ed25519', { secrets: [], messageId: 'm', timestampSeconds: 1, body, signingKey: { kid: key.kid, privateKey: restored } });
    const signature = Buffer.from(headers['webhook-signature']!.slice('v1a,'.length), 'base64');
    expect(verify(null, Buffer.from(`m.1.${body}`), createPublicKey({ key: key.publicJwk, format: 'jwk' }), signature)).toBe(true);
  });
});

describe('cacheActiveKey', () => {
  const key = (kid: string) => ({ kid, privateKey: generateSigningKey().privateKey });

  it('loads once per period, shares a load between concurrent callers, and reloads after it', async () => {
    let clock = 0;
    const loads: string[] = [];
    const cache = cacheActiveKey(async () => {
      loads.push(`load@${clock}`);
      return key(`k${loads.length}`);
    }, 1_000, () => clock);

    const [a, b] = await Promise.all([cache.active(), cache.active()]);
    expect(a.kid).toBe('k1');
    expect(b).toBe(a);
    clock = 999;
    expect((await cache.active()).kid).toBe('k1');
    clock = 1_000;
    expect((await cache.active()).kid).toBe('k2');
    expect(loads).toEqual(['load@0', 'load@1000']);
  });

  it('does not remember a failed load', async () => {
    let calls = 0;
    const cache = cacheActiveKey(async () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return key('k');
    }, 60_000, () => 0);
    await expect(cache.active()).rejects.toThrow('database down');
    expect((await cache.active()).kid).toBe('k');
    expect(calls).toBe(2);
  });
});
