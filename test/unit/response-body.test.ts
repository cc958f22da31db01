import { gzipSync } from 'node:zlib';
import { BINARY_EXCERPT_BYTES, storableText, storedResponseBody } from '../../activities/response-body';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const stored = (body: Buffer, headers: { contentType?: string; contentEncoding?: string } = {}, truncated = false) =>
  storedResponseBody({ bytes: body, truncated, ...headers });

describe('text answers', () => {
  it('keeps valid UTF-8 text as it is', () => {
    expect(stored(bytes('{"ok":true,"é":"🎉"}'), { contentType: 'application/json' })).toBe('{"ok":true,"é":"🎉"}');
  });

  it('replaces each NUL by U+FFFD, whatever the type says', () => {
    expect(stored(bytes('ok', [0, 0], 'nul'), { contentType: 'text/plain' })).toBe('ok\uFFFD\uFFFDnul');
    expect(stored(bytes('{"a":"', [0], '"}'), { contentType: 'application/problem+json; charset=utf-8' })).toBe('{"a":"\uFFFD"}');
  });

  it('replaces bytes that are not UTF-8 by U+FFFD', () => {
    expect(stored(bytes('ok ', [0xff, 0xfe], ' ', [0xc3], '!'), { contentType: 'text/plain; charset=utf-8' })).toBe('ok \uFFFD\uFFFD \uFFFD!');
  });

  it('decodes by the declared charset', () => {
    expect(stored(bytes('caf', [0xe9]), { contentType: 'text/plain; charset=ISO-8859-1' })).toBe('café');
    expect(stored(bytes('caf', [0xe9]), { contentType: 'text/html; charset="windows-1252"' })).toBe('café');
    expect(stored(Buffer.from('hé\u0000', 'utf16le'), { contentType: 'text/plain; charset=utf-16le' })).toBe('hé\uFFFD');
  });

  it('reads an unknown charset as UTF-8', () => {
    expect(stored(bytes('caf', [0xc3, 0xa9]), { contentType: 'text/plain; charset=klingon' })).toBe('café');
    expect(stored(bytes('caf', [0xe9]), { contentType: 'text/plain; charset=iso-2022-kr' })).toBe('caf\uFFFD');
  });

  it('marks a cut text with …, leaving out a character split at the cut', () => {
    // "é" is two bytes; the cut falls between them.
    expect(stored(bytes('abc', [0xc3]), { contentType: 'text/plain' }, true)).toBe('abc…');
  });

  it('treats an answer without a type as text when its bytes are UTF-8 text', () => {
    expect(stored(bytes('plain words\r\n\tand 🎉'))).toBe('plain words\r\n\tand 🎉');
    expect(stored(bytes('ok'), { contentType: 'not a type' })).toBe('ok');
  });

  it('stores nothing as nothing', () => {
    expect(stored(Buffer.alloc(0), { contentType: 'image/png' })).toBe('');
    expect(stored(Buffer.alloc(0), { contentEncoding: 'gzip' })).toBe('');
  });
});

describe('binary and compressed answers', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);

  it('marks a declared binary type, with its size and the bytes in base64', () => {
    expect(stored(png, { contentType: 'image/png' })).toBe(`[binary image/png, 12 bytes] base64:${png.toString('base64')}`);
    expect(stored(bytes('hello'), { contentType: 'Application/Octet-Stream; x=1' })).toBe('[binary application/octet-stream, 5 bytes] base64:aGVsbG8=');
    expect(stored(Buffer.from([7]), { contentType: 'application/vnd.example' })).toBe('[binary application/vnd.example, 1 byte] base64:Bw==');
  });

  it('marks an answer without a type whose bytes are not text', () => {
    expect(stored(bytes('ok', [0, 0], 'nul'))).toBe(`[binary, 7 bytes] base64:${bytes('ok', [0, 0], 'nul').toString('base64')}`);
    expect(stored(bytes('ok', [0xff]))).toBe('[binary, 3 bytes] base64:b2v/');
  });

  it('never decompresses: a compressed answer is marked with its coding and type', () => {
    const gz = gzipSync('{"ok":true}');
    expect(stored(gz, { contentType: 'application/json', contentEncoding: 'gzip' })).toBe(`[gzip-encoded application/json, ${gz.length} bytes] base64:${gz.toString('base64')}`);
    expect(stored(bytes('x'), { contentEncoding: 'GZIP, br' })).toBe('[gzip,br-encoded, 1 byte] base64:eA==');
    expect(stored(bytes('x'), { contentType: 'text/plain', contentEncoding: 'identity' })).toBe('x');
    expect(stored(bytes('x'), { contentEncoding: 'g\u0000zip' })).toBe('[unknown-encoded, 1 byte] base64:eA==');
  });

  it('shows at most BINARY_EXCERPT_BYTES in base64, with … when more came', () => {
    const big = Buffer.alloc(4096, 0xab);
    const excerpt = big.subarray(0, BINARY_EXCERPT_BYTES).toString('base64');
    expect(excerpt).toHaveLength(4096);
    expect(stored(big, { contentType: 'image/png' })).toBe(`[binary image/png, 4096 bytes] base64:${excerpt}…`);
    expect(stored(big, { contentType: 'image/png' }, true)).toBe(`[binary image/png, more than 4096 bytes] base64:${excerpt}…`);
  });

  it('keeps a media type that is not a token out of the mark', () => {
    expect(stored(Buffer.from([0, 1]), { contentType: 'image/p\u0000ng' })).toBe('[binary, 2 bytes] base64:AAE=');
  });
});

it('storableText replaces NUL only', () => {
  expect(storableText('a\u0000b\u0001\uFFFD')).toBe('a\uFFFDb\u0001\uFFFD');
});
