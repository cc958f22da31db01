import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may point. A webhook engine makes requests to URLs that
 * strangers type in; without this it is a way into the network it runs in.
 * Refused: loopback, private, link-local (cloud metadata included), CGNAT,
 * multicast, reserved and unspecified addresses, IPv6 unique-local, and
 * IPv4-mapped or NAT64 forms of any of these. Numeric spellings such as
 * `http://2130706433/` or `0x7f.1` are normalised by the URL parser first.
 */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const BLOCKED_V6: Array<[string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

export class UnsafeTargetError extends Error {
  readonly code = 'ERR_UNSAFE_TARGET';
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeTargetError';
  }
}

export interface TargetPolicyOptions {
  /** CIDRs that may be reached even though they are not public, e.g. `127.0.0.0/8` for local development. */
  allowPrivate: readonly string[];
  /** Refuse plain `http:` URLs. */
  httpsOnly: boolean;
  /** @default node:dns lookup */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

const defaultResolve = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

export class TargetPolicy {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();
  private readonly resolve: (host: string) => Promise<LookupAddress[]>;

  constructor(private readonly opts: TargetPolicyOptions) {
    for (const [net, prefix] of BLOCKED_V4) this.blocked.addSubnet(net, prefix, 'ipv4');
    for (const [net, prefix] of BLOCKED_V6) this.blocked.addSubnet(net, prefix, 'ipv6');
    for (const cidr of opts.allowPrivate) {
      const [net, bits] = parseCidr(cidr);
      this.allowed.addSubnet(net, bits, isIP(net) === 6 ? 'ipv6' : 'ipv4');
    }
    this.resolve = opts.resolve ?? defaultResolve;
  }

  /** Why this address may not be reached, or undefined when it may. */
  addressProblem(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `"${address}" is not an IP address`;
    // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are judged by the IPv4 inside.
    const embedded = family === 6 ? embeddedIpv4(address) : undefined;
    const [ip, type] = embedded ? [embedded, 'ipv4' as const] : [address, family === 6 ? ('ipv6' as const) : ('ipv4' as const)];
    if (this.allowed.check(ip, type)) return undefined;
    if (this.blocked.check(ip, type)) return `${address} is not a public address`;
    return undefined;
  }

  /** Scheme and host literal, without DNS: what can be judged from the URL alone. */
  checkUrlSyntax(raw: string): URL {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeTargetError('only http(s) URLs are allowed');
    if (this.opts.httpsOnly && url.protocol !== 'https:') throw new UnsafeTargetError('only https URLs are allowed here');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const problem = this.addressProblem(host);
      if (problem) throw new UnsafeTargetError(problem);
    } else if (host === 'localhost' || host.endsWith('.localhost')) {
      const problem = this.addressProblem('127.0.0.1');
      if (problem) throw new UnsafeTargetError(`${host} is not a public host`);
    }
    return url;
  }

  /**
   * At creation: the URL, and every address its host resolves to now. A host
   * that does not resolve yet is accepted; the check at delivery time covers it.
   */
  async checkUrl(raw: string): Promise<void> {
    const url = this.checkUrlSyntax(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch {
      return;
    }
    for (const { address } of addresses) {
      const problem = this.addressProblem(address);
      if (problem) throw new UnsafeTargetError(`${host} resolves to ${problem.replace(/ is not/, ', which is not')}`);
    }
  }

  /**
   * A `lookup` for the HTTP client's sockets: the address it returns is the one
   * connected to, and it is checked here, so a DNS answer that changes between
   * the check and the connection (rebinding) cannot slip past.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (addresses) => {
        const wanted = typeof options === 'object' && options?.family ? addresses.filter((a) => a.family === options.family) : addresses;
        const usable = wanted.length > 0 ? wanted : addresses;
        for (const a of usable) {
          const problem = this.addressProblem(a.address);
          if (problem) return callback(new UnsafeTargetError(`${hostname} resolves to ${problem.replace(/ is not/, ', which is not')}`), '', 4);
        }
        if (typeof options === 'object' && options?.all) return (callback as any)(null, usable);
        return callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err) => callback(err, '', 4),
    );
  };
}

function parseCidr(cidr: string): [string, number] {
  const [net, bits] = cidr.trim().split('/');
  const family = isIP(net ?? '');
  const max = family === 6 ? 128 : 32;
  const prefix = bits === undefined ? max : Number(bits);
  if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`"${cidr}" is not a CIDR block`);
  return [net!, prefix];
}

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isValidCidr(cidr: string): boolean {
  try {
    parseCidr(cidr);
    return true;
  } catch {
    return false;
  }
}
