import { isUuid, uuidv7 } from '../../src/util/uuid';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is a lower-case UUID with version nibble 7 and variant 8-b', () => {
    for (let i = 0; i < 200; i++) {
      const id = uuidv7();
      expect(id).toMatch(V7);
      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('starts with the given Unix milliseconds as 48 big-endian bits', () => {
    const now = 1_700_000_000_123; // 0x018bcfe5687b
    const id = uuidv7(now);
    expect(id.slice(0, 13)).toBe('018bcfe5-687b');
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('gives a different id each call in the same millisecond', () => {
    const now = 1_700_000_000_000;
    const ids = new Set(Array.from({ length: 100 }, () => uuidv7(now)));
    expect(ids.size).toBe(100);
  });

  it('ids created a millisecond later sort after earlier ones', () => {
    const earlier = Array.from({ length: 50 }, () => uuidv7(1_700_000_000_000));
    const later = Array.from({ length: 50 }, () => uuidv7(1_700_000_000_001));
    for (const e of earlier) for (const l of later) expect(l > e).toBe(true);
  });

  it('ids sort by creation time across a span of years', () => {
    const times = [0, 1, 255, 256, 1_600_000_000_000, 1_700_000_000_000, 2_000_000_000_000];
    const ids = times.map((t) => uuidv7(t));
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('is accepted by isUuid', () => {
    expect(isUuid(uuidv7())).toBe(true);
  });
});

describe('isUuid', () => {
  it.each([
    '00000000-0000-0000-0000-000000000000',
    '018bcfe5-687b-7abc-9def-0123456789ab',
    '018BCFE5-687B-7ABC-9DEF-0123456789AB',
  ])('accepts %s', (value) => {
    expect(isUuid(value)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['missing hyphens', '018bcfe5687b7abc9def0123456789ab'],
    ['a non-hex character', '018bcfe5-687b-7abc-9def-0123456789ag'],
    ['one character short', '018bcfe5-687b-7abc-9def-0123456789a'],
    ['braces', '{018bcfe5-687b-7abc-9def-0123456789ab}'],
    ['a trailing newline', '018bcfe5-687b-7abc-9def-0123456789ab\n'],
  ])('rejects %s', (_label, value) => {
    expect(isUuid(value)).toBe(false);
  });
});
