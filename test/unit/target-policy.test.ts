import type { LookupAddress } from 'node:dns';
import { parseIpv6, TargetPolicy, UnsafeTargetError } from '../../src/security/target-policy';

const fakeDns = (answers: Record<string, string[]>) => async (host: string): Promise<LookupAddress[]> => {
  const list = answers[host];
  if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const strict = (answers: Record<string, string[]> = {}) => new TargetPolicy({ allowPrivate: [], httpsOnly: false, resolve: fakeDns(answers) });

describe('addresses a webhook may not reach', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '100.127.255.255', '0.0.0.0', '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1',
    '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
    '::ffff:a9fe:a9fe', '64:ff9b::a00:1', '2001:db8::1', '2001:2::1', '2001:2:0:ffff::1', '3fff::1', '3fff:fff::1',
    '5f00::1', '5f00:ffff::1',
  ])('refuses %s', (address) => {
    expect(strict().addressProblem(address)).toBe(`${address} is not a public address`);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2001:3::1', '3fff:1000::1', '5f01::1'])(
    'allows the public address %s',
    (address) => expect(strict().addressProblem(address)).toBeUndefined(),
  );

  it.each([
    ['http://2130706433/', '127.0.0.1 is not a public address'],
    ['http://0x7f.1/', '127.0.0.1 is not a public address'],
    ['http://017700000001/', '127.0.0.1 is not a public address'],
    ['http://127.1:8080/x', '127.0.0.1 is not a public address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is not a public address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public address'],
    ['http://0/', '0.0.0.0 is not a public address'],
    ['http://localhost:3000/', 'localhost is not a public host'],
    ['http://api.localhost/', 'api.localhost is not a public host'],
    ['ftp://example.com/', 'only http(s) URLs are allowed'],
  ])('refuses %s however it is spelled', async (url, message) => {
    await expect(strict().checkUrl(url)).rejects.toEqual(new UnsafeTargetError(message));
  });

  it('refuses a host that resolves to a private address, naming it', async () => {
    const policy = strict({ 'internal.example': ['93.184.216.34', '10.0.0.5'] });
    await expect(policy.checkUrl('https://internal.example/hook')).rejects.toThrow('internal.example resolves to 10.0.0.5, which is not a public address');
  });

  it('accepts a public host, and one that does not resolve yet (delivery checks it again)', async () => {
    const policy = strict({ 'hooks.example': ['93.184.216.34'] });
    await expect(policy.checkUrl('https://hooks.example/in')).resolves.toBeUndefined();
    await expect(policy.checkUrl('https://not-yet.example/in')).resolves.toBeUndefined();
  });

  it('lets the allowlist through and nothing else', async () => {
    const policy = new TargetPolicy({ allowPrivate: ['127.0.0.0/8'], httpsOnly: false, resolve: fakeDns({}) });
    expect(policy.addressProblem('127.0.0.1')).toBeUndefined();
    expect(policy.addressProblem('10.0.0.1')).toBe('10.0.0.1 is not a public address');
    await expect(policy.checkUrl('http://localhost:9/')).resolves.toBeUndefined();
  });

  it('refuses http when https is required', async () => {
    const policy = new TargetPolicy({ allowPrivate: [], httpsOnly: true, resolve: fakeDns({ 'a.example': ['93.184.216.34'] }) });
    await expect(policy.checkUrl('http://a.example/')).rejects.toThrow('only https URLs are allowed here');
    await expect(policy.checkUrl('https://a.example/')).resolves.toBeUndefined();
  });
});

describe('the lookup used for connections', () => {
  const lookup = (policy: TargetPolicy, host: string) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string }>((resolve) =>
      policy.lookup(host, { family: 0 }, (err, address) => resolve({ err, address: address as string })),
    );

  it('connects to the address it checked', async () => {
    const policy = strict({ 'hooks.example': ['93.184.216.34'] });
    expect(await lookup(policy, 'hooks.example')).toEqual({ err: null, address: '93.184.216.34' });
  });

  it('refuses a DNS answer that turned private after the webhook was created (rebinding)', async () => {
    const answers: Record<string, string[]> = { 'rebind.example': ['93.184.216.34'] };
    const policy = strict(answers);
    await expect(policy.checkUrl('https://rebind.example/')).resolves.toBeUndefined();
    answers['rebind.example'] = ['127.0.0.1'];
    const { err } = await lookup(policy, 'rebind.example');
    expect(err).toBeInstanceOf(UnsafeTargetError);
    expect(err!.message).toBe('rebind.example resolves to 127.0.0.1, which is not a public address');
  });
});

describe('IPv6 addresses that carry an IPv4 address', () => {
  // Each carries 10.0.0.1 (Teredo: as its client, each bit inverted).
  const PRIVATE_INSIDE = [
    ['IPv4-compatible', '::10.0.0.1'],
    ['IPv4-compatible, hex', '::a00:1'],
    ['IPv4-mapped, written out', '0:0:0:0:0:ffff:a00:1'],
    ['SIIT (IPv4-translated)', '::ffff:0:10.0.0.1'],
    ['SIIT, hex', '::ffff:0:a00:1'],
    ['NAT64 well-known prefix', '64:ff9b::10.0.0.1'],
    ['6to4', '2002:a00:1::'],
    ['6to4 with a host part', '2002:a00:1:5::1234'],
    ['Teredo, private client', '2001:0:5db8:2201::f5ff:fffe'],
  ];

  it.each(PRIVATE_INSIDE)('refuses the %s form %s', (_form, address) => {
    expect(strict().addressProblem(address)).toBe(`${address} is not a public address`);
  });

  it.each([
    ['local-use NAT64 (RFC 8215), refused whole', '64:ff9b:1::a00:1'],
    ['local-use NAT64, a public IPv4 inside as a /96', '64:ff9b:1::808:808'],
    ['Teredo, private server', '2001:0:a00:1::f7f7:f7f7'],
    ['6to4 of loopback', '2002:7f00:1::'],
    ['IPv4-compatible 0.0.0.2', '::2'],
    ['with a zone', 'fe80::1%eth0'],
  ])('refuses the %s address %s', (_form, address) => {
    expect(strict().addressProblem(address)).toBe(`${address} is not a public address`);
  });

  it.each([
    ['IPv4-compatible', '::8.8.8.8'],
    ['SIIT', '::ffff:0:808:808'],
    ['NAT64 well-known prefix', '64:ff9b::808:808'],
    ['6to4', '2002:808:808::1'],
    ['Teredo, public server and client', '2001:0:5db8:2201::f7f7:f7f7'],
  ])('allows the %s form of a public address, %s', (_form, address) => {
    expect(strict().addressProblem(address)).toBeUndefined();
  });

  it('judges the IPv4 address inside by the IPv4 allowlist, as the IPv4 address itself is', () => {
    const policy = new TargetPolicy({ allowPrivate: ['127.0.0.0/8', '::1/128'], httpsOnly: false, resolve: fakeDns({}) });
    for (const address of ['::127.0.0.1', '::ffff:0:7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::', '::1']) {
      expect(policy.addressProblem(address)).toBeUndefined();
    }
    for (const address of ['::10.0.0.1', '::ffff:0:a00:1', '64:ff9b::a00:1', '2002:a00:1::', '64:ff9b:1::7f00:1']) {
      expect(policy.addressProblem(address)).toBe(`${address} is not a public address`);
    }
  });

  it('lets an allowlisted IPv6 range through, the local-use NAT64 one included', () => {
    const policy = new TargetPolicy({ allowPrivate: ['64:ff9b:1::/48'], httpsOnly: false, resolve: fakeDns({}) });
    expect(policy.addressProblem('64:ff9b:1::a00:1')).toBeUndefined();
    expect(policy.addressProblem('64:ff9b::a00:1')).toBe('64:ff9b::a00:1 is not a public address');
  });

  it.each([
    ['http://[::10.0.0.1]/', '::a00:1 is not a public address'],
    ['http://[64:ff9b:1::a00:1]/', '64:ff9b:1::a00:1 is not a public address'],
    ['http://[2002:a00:1::]/', '2002:a00:1:: is not a public address'],
    ['http://[::ffff:0:10.0.0.1]/', '::ffff:0:a00:1 is not a public address'],
    ['http://[2001:0:5db8:2201::f5ff:fffe]/', '2001:0:5db8:2201::f5ff:fffe is not a public address'],
  ])('refuses the URL %s', async (url, message) => {
    await expect(strict().checkUrl(url)).rejects.toEqual(new UnsafeTargetError(message));
  });

  it.each(['::10.0.0.1', '64:ff9b:1::a00:1', '2002:a00:1::', '::ffff:0:10.0.0.1', '2001:0:5db8:2201::f5ff:fffe'])(
    'refuses a host resolving to %s, at creation and when connecting',
    async (address) => {
      const policy = strict({ 'embedded.example': [address] });
      const message = `embedded.example resolves to ${address}, which is not a public address`;
      await expect(policy.checkUrl('https://embedded.example/')).rejects.toThrow(message);
      const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => policy.lookup('embedded.example', { family: 0 }, (e) => resolve(e)));
      expect(err).toBeInstanceOf(UnsafeTargetError);
      expect(err!.message).toBe(message);
    },
  );
});

describe('parseIpv6', () => {
  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0]],
    ['::ffff:10.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]],
    ['2001:DB8::1:2', [0x2001, 0xdb8, 0, 0, 0, 0, 1, 2]],
    ['fe80::1%eth0', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
  ])('reads %s', (address, words) => expect(parseIpv6(address)).toEqual(words));

  it.each(['1.2.3.4', 'x', '1::2::3', '::ffff:10.0.0', '12345::'])('refuses %s', (address) => expect(parseIpv6(address)).toBeUndefined());
});
