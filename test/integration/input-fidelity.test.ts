import { startStack, type Stack } from '../support/harness';

/**
 * What the API accepts it keeps exactly; what it could not keep exactly it
 * refuses with a 4xx saying why. Nothing is changed silently.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false' } });
});
afterAll(() => stack?.stop());

const count = async (table: string) => Number((await stack.api.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
/** A raw JSON text, sent as it is written (supertest would re-serialize an object). */
const sendRaw = (path: string, text: string, contentType = 'application/json') =>
  stack.http.post(path).set(stack.auth).set('Content-Type', contentType).send(text);

describe('refused with a reason, storing nothing', () => {
  it.each([
    ['a __proto__ key in event data', '/v1/events', '{"type":"x","data":{"__proto__":{"admin":true},"a":1}}', /__proto__/],
    ['a nested __proto__ key', '/v1/events', '{"type":"x","data":{"a":[{"__proto__":1}]}}', /__proto__.*\/data\/a\/0/],
    ['a __proto__ custom header', '/v1/webhooks', '{"name":"h","url":"https://example.com/h","events":["*"],"headers":{"__proto__":"x"}}', /__proto__/],
    ['a number beyond a double (1e400)', '/v1/events', '{"type":"x","data":{"n":1e400}}', /1e400.*send it as a string/],
    ['an integer a double would round', '/v1/events', '{"type":"x","data":{"n":12345678901234567890}}', /12345678901234567890/],
    ['a decimal a double would round', '/v1/events', '{"type":"x","data":{"n":0.1000000000000000055511151231257827}}', /0\.1000000000000000055/],
    ['an escaped NUL', '/v1/events', '{"type":"x","data":{"s":"a\\u0000b"}}', /NUL/],
    ['a NUL in a key', '/v1/events', '{"type":"x","data":{"a\\u0000":1}}', /NUL.*key/],
    ['a lone surrogate', '/v1/events', '{"type":"x","data":{"s":"\\ud800x"}}', /surrogate/],
  ])('%s', async (_what, path, text, reason) => {
    const before = [await count('events'), await count('webhooks')];
    const res = await sendRaw(path, text);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).toMatch(reason);
    expect([await count('events'), await count('webhooks')]).toEqual(before);
  });

  it('a body in another charset is a 415, not read as UTF-8', async () => {
    const text = '{"type":"x","data":{"s":"é"}}';
    const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le');
    const before = await count('events');
    for (const type of ['application/json; charset=utf-16', 'application/json; charset=UTF-16LE', 'application/json; charset=latin1']) {
      const res = await stack.http.post('/v1/events').set(stack.auth).set('Content-Type', type).send(utf16);
      expect([type, res.status, res.body.error?.code]).toEqual([type, 415, 'unsupported_media_type']);
      expect(res.body.error.message).toMatch(/UTF-8/);
    }
    expect(await count('events')).toBe(before);
    for (const type of ['application/json; charset=utf-8', 'application/json; charset=UTF8', 'application/json']) {
      expect((await sendRaw('/v1/events', text, type)).status).toBe(202);
    }
  });
});

describe('kept exactly', () => {
  it('an escaped backslash before u0000 is text, not a NUL', async () => {
    const res = await sendRaw('/v1/events', '{"type":"paths","data":{"dir":"C:\\\\u0000dir"}}');
    expect(res.status).toBe(202);
    const event = await stack.http.get(`/v1/events/${res.body.id}`).set(stack.auth);
    expect(event.body.data.dir).toBe('C:\\u0000dir');
    expect(event.body.data.dir).toHaveLength(11);
  });

  it('numbers a double holds, keys that look like builtins, and non-ASCII text', async () => {
    const data = { small: 0.1, big: 9007199254740991, exp: 1e21, neg: -2.5e-7, constructor: 'c', prototype: { toString: 1 }, s: 'é😀' };
    const res = await stack.http.post('/v1/events').set(stack.auth).send({ type: 'numbers', data });
    expect(res.status).toBe(202);
    const event = await stack.http.get(`/v1/events/${res.body.id}`).set(stack.auth);
    expect(event.body.data).toEqual(data);
  });
});
