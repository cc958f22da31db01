import { buildPayload, isIdentifierKey, shapeData } from '../../activities/payload';
import { createWebhookBody } from '../../src/api/schemas/webhooks';
import { suppliedSecretProblem } from '../../src/crypto/webhook-signature';
import { isJsonPointer, parseJsonPointer } from '../../src/util/json-pointer';

const event = {
  id: '01a21df6-432f-7f4b-b770-d08c476d44bf',
  type: 'order.created',
  createdAt: new Date('2026-11-27T17:03:28.047Z'),
  data: { id: 'ord_1', customer_id: 'cus_9', accountId: 7, total: 42, customer: { name: 'Jane', email: 'j@example.com', tier: { level: 2 } }, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] },
};
const webhook = { id: '01a21df6-431f-7c13-808e-acec2352ff26', name: 'Orders' };
const full = { webhook, includeResource: true, fields: null };

describe('buildPayload', () => {
  it('sends the full event in the envelope with the webhook named, data untouched', () => {
    expect(buildPayload(event, full)).toBe(
      `{"type":"order.created","timestamp":"2026-11-27T17:03:28.047Z","webhook":{"id":"${webhook.id}","name":"Orders"},"data":${JSON.stringify(event.data)}}`,
    );
  });

  it('sends a thin notification: id, type, timestamp, webhook, and only the identifiers in data', () => {
    expect(JSON.parse(buildPayload(event, { ...full, includeResource: false }))).toStrictEqual({
      id: event.id,
      type: 'order.created',
      timestamp: '2026-11-27T17:03:28.047Z',
      webhook,
      data: { id: 'ord_1', customer_id: 'cus_9', accountId: 7 },
    });
  });

  it('leaves bare bodies exactly as they are', () => {
    const data = { hook: 'SyncAccount', user: { id: 'u', loginName: 'l' }, account: { id: 'a', provider: 'demo' } };
    expect(buildPayload({ ...event, data, format: 'bare' }, { ...full, includeResource: false, fields: ['/hook'] })).toBe(JSON.stringify(data));
  });
});

describe('shapeData', () => {
  it('keeps only the pointed-at values, rebuilding nested objects and leaving out missing pointers', () => {
    expect(shapeData(event.data, { includeResource: true, fields: ['/total', '/customer/tier/level', '/customer/name', '/nope', '/total/deeper'] })).toStrictEqual({
      total: 42,
      customer: { name: 'Jane', tier: { level: 2 } },
    });
  });

  it('selects array elements in order, and unescapes ~0 and ~1', () => {
    expect(shapeData(event.data, { includeResource: true, fields: ['/items/1/sku', '/items/0', '/items/9', '/items/-'] })).toStrictEqual({
      items: [{ sku: 'a', qty: 1 }, { sku: 'b' }],
    });
    expect(shapeData({ 'a/b': 1, 'c~d': 2, e: 3 }, { includeResource: true, fields: ['/a~1b', '/c~0d'] })).toStrictEqual({ 'a/b': 1, 'c~d': 2 });
  });

  it('gives an empty object when nothing matches, and keeps "__proto__" an ordinary key', () => {
    expect(shapeData(event.data, { includeResource: true, fields: ['/missing'] })).toStrictEqual({});
    const data = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}');
    expect(JSON.stringify(shapeData(data, { includeResource: true, fields: ['/__proto__'] }))).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('adds what fields select to a thin notification', () => {
    expect(shapeData(event.data, { includeResource: false, fields: ['/total'] })).toStrictEqual({ id: 'ord_1', customer_id: 'cus_9', accountId: 7, total: 42 });
  });

  it.each([
    ['id', true],
    ['account_id', true],
    ['userId', true],
    ['_id', true],
    ['identity', false],
    ['idea', false],
    ['paid', false],
    ['ID', false],
  ])('counts %s as an identifier: %s', (key, yes) => {
    expect(isIdentifierKey(key)).toBe(yes);
  });
});

describe('JSON pointers', () => {
  it('accepts RFC 6901 pointers and refuses the rest', () => {
    for (const p of ['/a', '/a/b', '/a~0b', '/a~1b', '/0', '/', '/a//b']) expect(isJsonPointer(p)).toBe(true);
    for (const p of ['', 'a', 'a/b', '/a~2', '/a~', '#/a', `/${'x'.repeat(1024)}`]) expect(isJsonPointer(p)).toBe(false);
    expect(parseJsonPointer('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1']);
  });
});

describe('webhook settings in createWebhookBody', () => {
  const base = { name: 'x', url: 'https://example.com/', events: ['*'] };
  const problems = (body: object) => {
    const r = createWebhookBody.safeParse({ ...base, ...body });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the documented ranges', () => {
    expect(problems({ config: { include_resource: false, fields: ['/a'] }, max_attempts: 10, timeout_ms: 60_000 })).toEqual([]);
    expect(problems({ config: {}, max_attempts: 1, timeout_ms: 1000 })).toEqual([]);
    expect(problems({ config: { fields: Array.from({ length: 50 }, (_, i) => `/f${i}`) } })).toEqual([]);
  });

  it('refuses what is out of them', () => {
    expect(problems({ max_attempts: 11 })).toEqual(['max_attempts: must be at most 10']);
    expect(problems({ max_attempts: 0 })).toEqual(['max_attempts: must be at least 1']);
    expect(problems({ timeout_ms: 999 })).toEqual(['timeout_ms: must be at least 1000']);
    expect(problems({ timeout_ms: 60_001 })).toEqual(['timeout_ms: must be at most 60000']);
    expect(problems({ config: { fields: ['a'] } })).toEqual(['config.fields.0: must be a JSON pointer (RFC 6901) into data, such as "/customer/id"']);
    expect(problems({ config: { fields: Array.from({ length: 51 }, (_, i) => `/f${i}`) } })).toEqual(['config.fields: may list at most 50 JSON pointers']);
    expect(problems({ config: { colour: 'blue' } })).toHaveLength(1);
  });
});

describe('suppliedSecretProblem', () => {
  const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
  it('accepts whsec_ with 24 to 64 bytes of standard base64', () => {
    expect(suppliedSecretProblem(`whsec_${b64(24)}`)).toBeUndefined();
    expect(suppliedSecretProblem(`whsec_${b64(64)}`)).toBeUndefined();
  });
  it('refuses the rest with a reason that does not repeat the secret', () => {
    expect(suppliedSecretProblem(b64(32))).toBe('must start with whsec_');
    expect(suppliedSecretProblem(`whsec_${b64(23)}`)).toBe('is too weak: its key must be at least 24 bytes, got 23');
    expect(suppliedSecretProblem(`whsec_${b64(65)}`)).toMatch(/at most 64 bytes/);
    expect(suppliedSecretProblem('whsec_not base64!')).toMatch(/standard base64/);
    expect(suppliedSecretProblem(`whsec_${b64(32).replace(/=+$/, '')}`)).toMatch(/standard base64/);
    expect(suppliedSecretProblem(`whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}=`)).toMatch(/standard base64/);
  });
});
