import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { classifyAttempt } from '../../activities/classify-response';
import { requestSignatureHeaders, signatureHeaderName } from '../../src/crypto/signature-schemes';
import { customProfileProblem, renderTemplate, retryRuleOf, type CustomProfileSettings } from '../../src/domain/custom-profile';
import { PROFILES } from '../../src/domain/profiles';
import { RESERVED_HEADERS } from '../../src/domain/reserved-headers';

const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', note: 'naïve €' } });
const input = (secrets: string[], custom: CustomProfileSettings) => ({ secrets, messageId: 'msg_1', timestampSeconds: 1_700_000_000, body, custom });
const github: CustomProfileSettings = {
  idHeader: 'X-GitHub-Delivery',
  timestampHeader: 'X-Hook-Timestamp',
  signatureHeader: 'X-Hub-Signature-256',
  algorithm: 'hmac-sha256',
  encoding: 'hex',
  template: 'sha256={signature}',
  signedContent: '{body}',
  retry4xx: false,
};

describe('custom signing', () => {
  it('sends the id, the timestamp and the template’s value under the tenant’s names, and nothing of the engine’s own', () => {
    expect(requestSignatureHeaders('custom', 'standard', input(['s3cret'], github))).toStrictEqual({
      'x-github-delivery': 'msg_1',
      'x-hook-timestamp': '1700000000',
      'x-hub-signature-256': `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`,
    });
    expect(signatureHeaderName('custom', 'standard', true, github)).toBe('x-hub-signature-256');
  });

  it('signs "<id>.<timestamp>.<body>" in base64 through t={timestamp},v1={signature}, one rendering per secret during a rotation', () => {
    const custom = { ...github, algorithm: 'hmac-sha512' as const, encoding: 'base64' as const, template: 't={timestamp},v1={signature}', signedContent: '{id}.{timestamp}.{body}' as const };
    const mac = (key: string) => createHmac('sha512', key).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(requestSignatureHeaders('custom', 'standard', input(['new', 'old'], custom))['x-hub-signature-256']).toBe(
      `t=1700000000,v1=${mac('new')},t=1700000000,v1=${mac('old')}`,
    );
  });

  it('under Ed25519 signs once with the engine’s key and names it in webhook-key-id', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const custom = { ...github, algorithm: 'ed25519' as const, template: '{signature}', signedContent: '{id}.{timestamp}.{body}' as const };
    const headers = requestSignatureHeaders('custom', 'standard', { ...input(['a', 'b'], custom), signingKey: { kid: 'k1', privateKey } });
    expect(headers['webhook-key-id']).toBe('k1');
    expect(headers['x-hub-signature-256']).toMatch(/^[0-9a-f]{128}$/);
    expect(verify(null, Buffer.from(`msg_1.1700000000.${body}`), publicKey, Buffer.from(headers['x-hub-signature-256']!, 'hex'))).toBe(true);
  });

  it('fills {signature}, {timestamp} and {id} and leaves other text as it is', () => {
    expect(renderTemplate('id={id};t={timestamp};s={signature}', { signature: 'S', timestamp: 'T', id: 'I' })).toBe('id=I;t=T;s=S');
  });
});

describe('custom settings problems', () => {
  const problem = (change: Partial<CustomProfileSettings>, headers: Record<string, string> = {}) =>
    customProfileProblem({ ...github, ...change }, RESERVED_HEADERS, headers)?.code;

  it('take the GitHub format', () => expect(problem({})).toBeUndefined());
  it('refuse header names that are not tokens, reserved, or repeated', () => {
    expect(problem({ idHeader: 'X-Id\r\nX-Evil' })).toBe('custom_profile_invalid_header_name');
    expect(problem({ idHeader: 'X Id' })).toBe('custom_profile_invalid_header_name');
    expect(problem({ signatureHeader: 'Webhook-Signature' })).toBe('custom_profile_reserved_header');
    expect(problem({ timestampHeader: 'X-GITHUB-DELIVERY' })).toBe('custom_profile_duplicate_header');
    expect(problem({}, { 'x-hook-timestamp': 'mine' })).toBe('custom_profile_duplicate_header');
  });
  it('refuse templates without one {signature}, with another placeholder, or with control characters', () => {
    expect(problem({ template: 'sha256=' })).toBe('custom_profile_template_missing_signature');
    expect(problem({ template: '{signature}{signature}' })).toBe('custom_profile_template_missing_signature');
    expect(problem({ template: '{signature}{body}' })).toBe('custom_profile_template_unknown_placeholder');
    expect(problem({ template: '{signature}\n' })).toBe('custom_profile_template_invalid');
  });
});

describe('custom retries', () => {
  it('retry_4xx retries a 404 (a 410 stays final); without it a 404 is final', () => {
    const rule = (retry4xx: boolean) => retryRuleOf(PROFILES.custom, { ...github, retry4xx });
    expect(rule(true)).toBe('every-failure');
    expect(rule(false)).toBe('standard');
    const verdict = (r: ReturnType<typeof rule>, statusCode: number) => classifyAttempt({ kind: 'response', statusCode }, 60_000, new Date(), r).kind;
    expect([verdict(rule(true), 404), verdict(rule(true), 410), verdict(rule(false), 404)]).toEqual(['retry', 'reject', 'reject']);
    expect(retryRuleOf(PROFILES.assetsup, null)).toBe('every-failure');
  });
});
