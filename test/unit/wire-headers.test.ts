import { boundedResponseHeaders, RESPONSE_HEADERS_LIMIT, wireRequestHeaders } from '../../activities/wire-headers';

describe('wireRequestHeaders', () => {
  it('puts the client’s host and connection first and content-length (in bytes) last', () => {
    expect(wireRequestHeaders('https://hooks.example:8443/in?x=1', [['X-A', '1'], ['content-type', 'application/json']], '{"é":1}')).toEqual([
      ['host', 'hooks.example:8443'],
      ['connection', 'keep-alive'],
      ['X-A', '1'],
      ['content-type', 'application/json'],
      ['content-length', '8'],
    ]);
  });
});

describe('boundedResponseHeaders', () => {
  it('keeps every header in order, one entry per value of a repeated one', () => {
    expect(boundedResponseHeaders({ 'x-a': '1', 'set-cookie': ['a=1', 'b=2'], empty: undefined })).toEqual({
      headers: [
        ['x-a', '1'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
      truncated: false,
    });
  });

  it('keeps whole headers up to 8 KB, counting name, ": " and CRLF, and marks the cut', () => {
    // `x-NN: <1,000 bytes>\r\n` is 1,008 bytes: eight fit in 8,192, a ninth does not.
    const received = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x-${String(i).padStart(2, '0')}`, 'v'.repeat(1000)]));
    const { headers, truncated } = boundedResponseHeaders(received);
    expect(truncated).toBe(true);
    expect(headers.map(([name]) => name)).toEqual(['x-00', 'x-01', 'x-02', 'x-03', 'x-04', 'x-05', 'x-06', 'x-07']);
    expect(headers.length * 1008).toBeLessThanOrEqual(RESPONSE_HEADERS_LIMIT);
  });

  it('keeps a header block of exactly 8 KB whole', () => {
    // Eight headers of 1,024 bytes each (`x-NN: ` + 1,016 + CRLF): 8,192 exactly.
    const received = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x-${String(i).padStart(2, '0')}`, 'v'.repeat(1016)]));
    expect(boundedResponseHeaders(received)).toMatchObject({ truncated: false });
    expect(boundedResponseHeaders({ ...received, 'x-99': '' })).toMatchObject({ truncated: true });
  });

  it('stores a NUL as U+FFFD', () => {
    expect(boundedResponseHeaders({ 'x-a': 'a\u0000b' }).headers).toEqual([['x-a', 'a\uFFFDb']]);
  });
});
