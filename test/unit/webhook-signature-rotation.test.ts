import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signPayload } from '../../src/crypto/webhook-signature';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } });
const hmac = (secret: string, content: string) =>
  createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(content).digest('base64');

describe('signPayload with several secrets (secret rotation)', () => {
  it('gives one v1 signature per secret, newest first, separated by a single space', () => {
    const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signPayload([newer, older], 'msg_1', 1_700_000_000, body);
    const content = `msg_1.1700000000.${body}`;
    expect(headers).toStrictEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1,${hmac(newer, content)} v1,${hmac(older, content)}`,
    });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('is verified by standardwebhooks with the new secret and with the old one', () => {
    const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signPayload([newer, older], 'msg_2', nowSeconds(), body);
    expect(new Webhook(newer).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(older).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('is not verified by a secret that is in neither signature, nor with a tampered body', () => {
    const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signPayload([newer, older], 'msg_3', nowSeconds(), body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(older).verify(body.replace('inv_1', 'inv_2'), headers)).toThrow('No matching signature found');
  });

  it('a one-element list is byte-identical to the single-secret form', () => {
    const secret = generateWebhookSecret();
    expect(signPayload([secret], 'msg_4', 1_700_000_000, body)).toStrictEqual(signPayload(secret, 'msg_4', 1_700_000_000, body));
    expect(signPayload(secret, 'msg_4', 1_700_000_000, body)['webhook-signature']).not.toContain(' ');
  });

  it('still reproduces the Standard Webhooks specification example as the first signature', () => {
    const headers = signPayload(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', generateWebhookSecret()],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers['webhook-signature'].split(' ')[0]).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('refuses an empty list and any secret without the whsec_ prefix', () => {
    expect(() => signPayload([], 'msg_5', nowSeconds(), body)).toThrow('At least one webhook secret is required');
    const bare = generateWebhookSecret().slice('whsec_'.length);
    expect(() => signPayload([generateWebhookSecret(), bare], 'msg_5', nowSeconds(), body)).toThrow('Webhook secret must start with whsec_');
  });
});
