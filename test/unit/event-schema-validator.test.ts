import { performance } from 'node:perf_hooks';
import { EventSchemaValidator } from '../../src/services/event-schema-validator';

/** The validator alone: how long hostile strings take against each format and backtracking pattern. */
const validator = new EventSchemaValidator();

/**
 * The validator's own cost of one call: CPU time this process spent, the fastest of three runs.
 * CPU time, not wall time: on a machine busy with other processes the OS's pauses are not the
 * validator's, and a backtracking engine burns CPU whoever else is running.
 */
function fastestMs(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = process.cpuUsage();
    run();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** Hostile strings of about `n` characters: long runs a backtracking format check would choke on. */
const hostile = (n: number) => ['a'.repeat(n) + '!', `a@${'a.'.repeat(n / 2)}!`, `http://${'a'.repeat(n)}\u0001`, `P${'1'.repeat(n)}`, `${'1.'.repeat(n / 2)}x`];
const HOSTILE = hostile(100_000);
const SHORT = hostile(10_000);

describe.each(['email', 'hostname', 'uri', 'uri-reference', 'url', 'ipv4', 'ipv6', 'duration', 'date-time', 'json-pointer', 'uri-template', 'uuid'])(
  'format %s',
  (format) => {
    const schema = { type: 'object', properties: { v: { type: 'string', format } } };
    // Linear time: ten times the input costs about ten times as much (a quadratic check would cost a
    // hundred times, a backtracking one far more), and 100 KB stays well under a quarter of a second.
    // A fixed 100 ms flaked: uri-reference's linear pattern costs about 1 µs a character, 80 to 110 ms
    // at 100 KB on a busy 2-core host.
    it.each(HOSTILE.map((v, i) => [i, v] as const))('answers hostile string %i (100 KB) in linear time, under 250 ms', (i, value) => {
      const validate = (v: string) => () => validator.validate(`format:${format}`, 'v1', schema, { v });
      validate('warm-up')();
      const short = fastestMs(validate(SHORT[i]!));
      const long = fastestMs(validate(value));
      expect(long).toBeLessThan(250);
      expect(long).toBeLessThanOrEqual(20 * short + 10);
    });
  },
);

describe('backtracking patterns', () => {
  it.each([
    ['^(a+)+$', 'a'],
    ['^(a|aa)+$', 'a'],
    ['(x+x+)+y', 'x'],
    ['^(\\w+\\s?)*$', 'ab '],
  ])('%s on 10,000 repetitions and a failing tail answers in under 100 ms', (pattern, unit) => {
    const schema = { type: 'string', pattern };
    const input = `${unit.repeat(10_000)}!`;
    expect(validator.check(schema)).toBeUndefined();
    let problems: unknown[] = [];
    const ms = fastestMs(() => {
      problems = validator.validate(`pattern:${pattern}`, 'v1', schema, input);
    });
    expect(problems).toHaveLength(1);
    expect(ms).toBeLessThan(100);
  });

  it('stops a validation at its time budget instead of running on', () => {
    // Patterns with no literal to skip ahead on, each scanning the whole of many long strings: more work than the budget allows.
    const schema = {
      type: 'array',
      items: { type: 'string', allOf: Array.from({ length: 60 }, (_, i) => ({ pattern: `^(?:a|aa)+$|^z${i}` })) },
    };
    expect(validator.check(schema)).toBeUndefined();
    const data = Array.from({ length: 100 }, () => 'a'.repeat(4_000));
    const started = performance.now();
    const problems = validator.validate('budget', 'v1', schema, data);
    const ms = performance.now() - started;
    expect(problems).toEqual([{ path: 'body.data', message: expect.stringContaining('longer than 100 ms') }]);
    expect(ms).toBeLessThan(2_000);
  });

  it('refuses a schema whose patterns together compile to too much', () => {
    const schema = { type: 'object', properties: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, { type: 'string', pattern: `[a-z]{999}[0-9]{999}[a-f]{999}[g-z]{999}${'x'.repeat(i)}` }])) };
    const started = performance.now();
    expect(validator.check(schema)).toMatch(/more than 20000 instructions in all/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
