import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signPayload } from '../../src/crypto/webhook-signature';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('generateWebhookSecret', () => {
  it('is whsec_ followed by 32 random bytes in base64', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('gives a different secret on each call', () => {
    expect(generateWebhookSecret()).not.toBe(generateWebhookSecret());
  });
});

describe('signPayload', () => {
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', amount: 4200 } });

  it('produces headers that the standardwebhooks library verifies, returning the parsed payload', () => {
    const secret = generateWebhookSecret();
    const headers = signPayload(secret, 'msg_2xQ1', nowSeconds(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'invoice.paid', data: { id: 'inv_1', amount: 4200 } });
  });

  it('echoes the message id and timestamp in the headers', () => {
    const headers = signPayload(generateWebhookSecret(), 'msg_abc', 1_700_000_000, body);
    expect(headers['webhook-id']).toBe('msg_abc');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('a tampered body fails verification', () => {
    const secret = generateWebhookSecret();
    const headers = signPayload(secret, 'msg_2xQ1', nowSeconds(), body);
    const tampered = body.replace('4200', '4201');
    expect(tampered).not.toBe(body);
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow('No matching signature found');
  });

  it('a signature made with another secret fails verification', () => {
    const headers = signPayload(generateWebhookSecret(), 'msg_2xQ1', nowSeconds(), body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow('No matching signature found');
  });

  it('a signature moved to a different message id fails verification', () => {
    const secret = generateWebhookSecret();
    const headers = signPayload(secret, 'msg_original', nowSeconds(), body);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(
      'No matching signature found',
    );
  });

  it('a signature moved to a different timestamp fails verification', () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const headers = signPayload(secret, 'msg_2xQ1', ts, body);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow(
      'No matching signature found',
    );
  });

  it('matches an independently computed HMAC-SHA256 over "<id>.<timestamp>.<body>" for a fixed vector', () => {
    const key = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) key[i] = i;
    const secret = `whsec_${key.toString('base64')}`;
    const id = 'msg_fixed_0001';
    const ts = 1_700_000_000;
    const fixedBody = '{"hello":"world"}';
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`${id}.${ts}.${fixedBody}`)
      .digest('base64');
    expect(signPayload(secret, id, ts, fixedBody)).toStrictEqual({
      'webhook-id': id,
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('reproduces the Standard Webhooks specification example', () => {
    const headers = signPayload(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('refuses a secret without the whsec_ prefix', () => {
    const bare = generateWebhookSecret().slice('whsec_'.length);
    expect(() => signPayload(bare, 'msg_1', nowSeconds(), body)).toThrow('Webhook secret must start with whsec_');
  });
});
