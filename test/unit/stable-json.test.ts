import { stableStringify } from '../../src/util/stable-json';

describe('stableStringify', () => {
  it('sorts keys, so key order does not change the string', () => {
    expect(stableStringify({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(stableStringify({ a: 2, b: 1 })).toBe('{"a":2,"b":1}');
  });

  it('sorts keys at every depth, including objects inside arrays', () => {
    const one = { z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null };
    const two = { a: null, z: { x: [{ c: 2, d: 1 }], y: 1 } };
    expect(stableStringify(one)).toBe('{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}');
    expect(stableStringify(two)).toBe(stableStringify(one));
  });

  it('keeps array order', () => {
    expect(stableStringify([3, 1, 2])).toBe('[3,1,2]');
    expect(stableStringify([3, 1, 2])).not.toBe(stableStringify([1, 2, 3]));
  });

  it('drops object members whose value is undefined, as JSON.stringify does', () => {
    expect(stableStringify({ a: 1, gone: undefined, b: { c: undefined } })).toBe('{"a":1,"b":{}}');
    expect(stableStringify({ a: 1, gone: undefined })).toBe(stableStringify({ a: 1 }));
  });

  it('writes undefined array members as null, as JSON.stringify does', () => {
    expect(stableStringify([1, undefined, 2])).toBe('[1,null,2]');
  });

  it('writes scalars as JSON does', () => {
    expect(stableStringify('a"b')).toBe('"a\\"b"');
    expect(stableStringify(1.5)).toBe('1.5');
    expect(stableStringify(true)).toBe('true');
    expect(stableStringify(null)).toBe('null');
    expect(stableStringify(undefined)).toBe('null');
  });

  it('escapes keys as JSON strings', () => {
    expect(stableStringify({ 'a"b': 1 })).toBe('{"a\\"b":1}');
  });

  it('tells different values apart', () => {
    expect(stableStringify({ a: 1 })).not.toBe(stableStringify({ a: '1' }));
    expect(stableStringify({ a: [1, 2] })).not.toBe(stableStringify({ a: [2, 1] }));
  });

  it('matches JSON.stringify for an already-sorted object', () => {
    const value = { a: [1, { b: 'x', c: false }], d: { e: null } };
    expect(stableStringify(value)).toBe(JSON.stringify(value));
  });
});
