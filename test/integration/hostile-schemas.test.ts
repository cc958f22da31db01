import { performance } from 'node:perf_hooks';
import { startStack, type Stack } from '../support/harness';

/**
 * Event-type schemas are tenant input: a pattern must not stall the API for
 * everyone, and one tenant's `$id` or `$ref` must not reach another's schema.
 */
const ADMIN_KEY = 'admin-key-for-schema-tests-0123456789';
let stack: Stack;
let other: { Authorization: string };

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { DISPATCHER_ENABLED: 'false', ADMIN_API_KEY: ADMIN_KEY } });
  const res = await stack.http.post('/v1/tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'Schema Co', client_id: 'schema-co' });
  expect(res.status).toBe(201);
  other = { Authorization: `Bearer ${res.body.api_key.key}` };
});
afterAll(() => stack?.stop());

const createType = (auth: Record<string, string>, name: string, schema: unknown) =>
  stack.http.post('/v1/event-types').set(auth).send({ name, description: '', schema });
const publish = (auth: Record<string, string>, type: string, data: unknown) => stack.http.post('/v1/events').set(auth).send({ type, data });
const countEvents = async () => (await stack.api.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n as number;

describe('a backtracking pattern', () => {
  const hostile = { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } };

  beforeAll(async () => {
    expect((await createType(stack.auth, 'redos.pattern', hostile)).status).toBe(201);
    const props = { type: 'object', patternProperties: { '^(a|aa)+$': { type: 'string' } }, additionalProperties: false };
    expect((await createType(stack.auth, 'redos.properties', props)).status).toBe(201);
  });

  it('answers within 100 ms on a 50-character input, and /healthz stays fast meanwhile', async () => {
    // The first publish compiles the schema; the hostile input then costs only its matching.
    expect((await publish(stack.auth, 'redos.pattern', { name: 'a' })).status).toBe(202);
    const input = `${'a'.repeat(49)}!`;
    const runs: Array<{ elapsed: number; health: number }> = [];
    // On a backtracking engine this input takes hours; the best of three keeps a busy machine's pauses out.
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const health = (async () => {
        const res = await stack.http.get('/healthz');
        expect(res.status).toBe(200);
        return performance.now() - started;
      })();
      const res = await publish(stack.auth, 'redos.pattern', { name: input });
      const elapsed = performance.now() - started;
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ path: 'body.data/name', message: 'must match pattern "^(a+)+$"' }]);
      runs.push({ elapsed, health: await health });
    }
    expect(Math.min(...runs.map((r) => r.elapsed))).toBeLessThan(100);
    expect(Math.min(...runs.map((r) => r.health))).toBeLessThan(100);
  });

  it('in patternProperties too, on a long key', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await publish(stack.auth, 'redos.properties', { [`${'a'.repeat(5000)}!`]: 'x' });
      times.push(performance.now() - started);
      expect(res.status).toBe(422);
    }
    // A backtracking engine would take longer than the age of the universe on this key.
    expect(Math.min(...times)).toBeLessThan(500);
  });

  it('still matches what it should', async () => {
    expect((await publish(stack.auth, 'redos.pattern', { name: 'aaaa' })).status).toBe(202);
  });
});

describe('schemas the limits refuse, naming why', () => {
  it.each([
    ['a backreference', { type: 'string', pattern: '^(a)\\1$' }, /linear-time engine/],
    ['lookahead', { type: 'string', pattern: '^(?=a)a' }, /linear-time engine/],
    ['lookahead in patternProperties', { type: 'object', patternProperties: { '(?!x)': {} } }, /linear-time engine/],
    ['a pattern over 1,000 characters', { type: 'string', pattern: 'a'.repeat(1001) }, /at most 1000 characters/],
    ['a huge compiled program', { type: 'string', pattern: '(?:[a-z]{1000})'.repeat(8) }, /instructions/],
    ['too many patterns', { type: 'string', allOf: Array.from({ length: 65 }, (_, i) => ({ pattern: `^${i}` })) }, /at most 64/],
    ['a schema over 64 KiB', { type: 'object', description: 'x'.repeat(70_000) }, /at most 65536/],
    ['uniqueItems over unbounded objects', { type: 'array', uniqueItems: true, items: { type: 'object' } }, /uniqueItems/],
  ])('%s', async (_what, schema, reason) => {
    const res = await createType(stack.auth, 'limits.refused', schema);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details[0].path).toBe('body.schema');
    expect(res.body.error.details[0].message).toMatch(reason);
    expect((await stack.http.get('/v1/event-types/limits.refused').set(stack.auth)).status).toBe(404);
  });

  it('accepts uniqueItems over scalars or a bounded array, and enforces it', async () => {
    const schema = {
      type: 'object',
      properties: {
        tags: { type: 'array', uniqueItems: true, items: { type: 'string' } },
        rows: { type: 'array', uniqueItems: true, maxItems: 100 },
      },
    };
    expect((await createType(stack.auth, 'limits.unique', schema)).status).toBe(201);
    expect((await publish(stack.auth, 'limits.unique', { tags: ['a', 'b'], rows: [{ a: 1 }, { a: 2 }] })).status).toBe(202);
    const dup = await publish(stack.auth, 'limits.unique', { tags: ['a', 'a'] });
    expect(dup.status).toBe(422);
    expect(dup.body.error.details[0].path).toBe('body.data/tags');
  });

  it('ignores pattern-shaped text inside const, enum, default and examples', async () => {
    const schema = { type: 'object', const: { pattern: '(?=x)' }, examples: [{ pattern: '\\1' }] };
    expect((await createType(stack.auth, 'limits.data-keywords', schema)).status).toBe(201);
  });
});

describe('formats', () => {
  // Their timing on hostile input is checked on the validator itself: test/unit/event-schema-validator.test.ts.
  beforeAll(async () => {
    for (const format of ['email', 'hostname', 'url', 'duration']) {
      const name = `format.${format}`;
      expect((await createType(stack.auth, name, { type: 'object', properties: { v: { type: 'string', format } } })).status).toBe(201);
    }
  });

  it('keep their meaning', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['hostname', 'api.example.com', true],
      ['hostname', '-bad.example.com', false],
      ['hostname', `${'a'.repeat(64)}.com`, false],
      ['duration', 'P1DT2H', true],
      ['duration', 'P', false],
      ['duration', 'P1DT', false],
      ['url', 'https://example.com/x?y=1', true],
      ['url', 'mailto:a@b.co', false],
      ['email', 'a@b.co', true],
      ['email', 'a@', false],
    ];
    for (const [format, value, ok] of cases) {
      const res = await publish(stack.auth, `format.${format}`, { v: value });
      expect({ format, value, status: res.status }).toEqual({ format, value, status: ok ? 202 : 422 });
    }
  });
});

describe('each schema is compiled alone', () => {
  const withId = (id: string) => ({ $id: id, type: 'object', required: ['secret_field_name'] });

  it('an $id in one tenant neither blocks another tenant nor breaks publishing', async () => {
    const id = 'https://schemas.example.com/shared';
    expect((await createType(stack.auth, 'ids.mine', withId(id))).status).toBe(201);
    const theirs = await createType(other, 'ids.theirs', withId(id));
    expect(theirs.status).toBe(201);
    for (const auth of [stack.auth, other]) {
      const type = auth === other ? 'ids.theirs' : 'ids.mine';
      expect((await publish(auth, type, { secret_field_name: 1 })).status).toBe(202);
      expect((await publish(auth, type, {})).status).toBe(422);
      expect((await publish(auth, type, { secret_field_name: 2 })).status).toBe(202);
    }
  });

  it("a $ref cannot reach another tenant's schema by its $id", async () => {
    const id = 'https://schemas.example.com/private';
    expect((await createType(stack.auth, 'refs.target', withId(id))).status).toBe(201);
    expect((await publish(stack.auth, 'refs.target', { secret_field_name: 1 })).status).toBe(202);
    const res = await createType(other, 'refs.probe', { $ref: id });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain('secret_field_name');
  });

  it('a $ref within the schema itself, by $defs or its own $id, still resolves', async () => {
    const schema = {
      $id: 'https://schemas.example.com/self',
      type: 'object',
      properties: { a: { $ref: '#/$defs/positive' }, b: { $ref: 'https://schemas.example.com/self#/$defs/positive' } },
      $defs: { positive: { type: 'number', minimum: 0 } },
    };
    expect((await createType(stack.auth, 'refs.self', schema)).status).toBe(201);
    expect((await publish(stack.auth, 'refs.self', { a: 1, b: 2 })).status).toBe(202);
    expect((await publish(stack.auth, 'refs.self', { a: 1, b: -2 })).status).toBe(422);
  });

  it('an $id is free again once its type is archived, and an update replaces the compiled schema', async () => {
    const id = 'https://schemas.example.com/reused';
    expect((await createType(stack.auth, 'ids.first', withId(id))).status).toBe(201);
    expect((await publish(stack.auth, 'ids.first', {})).status).toBe(422);
    expect((await stack.http.delete('/v1/event-types/ids.first').set(stack.auth)).status).toBe(204);
    expect((await createType(stack.auth, 'ids.second', { $id: id, type: 'object', required: ['other'] })).status).toBe(201);
    expect((await publish(stack.auth, 'ids.second', { other: 1 })).status).toBe(202);
    const patched = await stack.http
      .patch('/v1/event-types/ids.second')
      .set(stack.auth)
      .send({ schema: { $id: id, type: 'object', required: ['third'] } });
    expect(patched.status).toBe(200);
    expect((await publish(stack.auth, 'ids.second', { other: 1 })).status).toBe(422);
    expect((await publish(stack.auth, 'ids.second', { third: 1 })).status).toBe(202);
  });

  it('stores nothing for what it refuses', async () => {
    const before = await countEvents();
    expect((await publish(stack.auth, 'redos.pattern', { name: `${'a'.repeat(60)}!` })).status).toBe(422);
    expect(await countEvents()).toBe(before);
  });
});
