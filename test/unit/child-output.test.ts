import { childLineFormatter } from '../../src/main/child-output';

describe("npm start's log stream", () => {
  it('keeps JSON lines JSON, with the process they came from', () => {
    const format = childLineFormatter({ pretty: false });
    const line = format('worker', JSON.stringify({ level: 'info', component: 'dispatcher', msg: 'worker polling' }));
    expect(JSON.parse(line)).toEqual({ process: 'worker', level: 'info', component: 'dispatcher', msg: 'worker polling' });
  });

  it('tags any other line with its process', () => {
    const format = childLineFormatter({ pretty: false });
    expect(format('api', 'fatal: boom')).toBe('api    | fatal: boom');
    expect(format('worker', '{not json')).toBe('worker | {not json');
    expect(format('api', '[1, 2]')).toBe('api    | [1, 2]');
  });

  it('on a terminal, prints readable lines behind the tag', () => {
    const format = childLineFormatter({ pretty: true });
    const line = format('api', JSON.stringify({ level: 'info', time: '2026-01-01T00:00:00.000Z', component: 'api', msg: 'API listening' }));
    expect(line.startsWith('api    | ')).toBe(true);
    expect(line).toContain('API listening');
    expect(line).not.toContain('\n');
    expect(() => JSON.parse(line.slice('api    | '.length))).toThrow();
  });
});
