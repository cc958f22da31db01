import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { profileUrlProblem, type ProfileName } from '../domain/profiles';

/**
 * Where webhooks may point. A webhook engine makes requests to URLs that
 * strangers type in; without this it is a way into the network it runs in.
 * Refused: loopback, private, link-local (cloud metadata included), CGNAT,
 * multicast, reserved and unspecified addresses, IPv6 unique-local, and any
 * IPv6 address that carries one of these IPv4 addresses inside it (see
 * embeddedIpv4). Numeric spellings such as `http://2130706433/` or `0x7f.1`
 * are normalised by the URL parser first.
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
  ['2001:2::', 48], // benchmarking (RFC 5180)
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers (RFC 9602): never a host's address
  // Local-use NAT64 (RFC 8215). Each network picks its own prefix length inside it (RFC 6052), so
  // where the IPv4 address sits cannot be known from outside: the whole range is refused.
  ['64:ff9b:1::', 48],
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
  /** A development deployment: profiles that are HTTPS only outside development (`asset`) accept `http:` here. @default false */
  development?: boolean;
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
    if (family === 4) return this.ipv4Allowed(address) ? undefined : `${address} is not a public address`;
    const hextets = parseIpv6(address);
    if (!hextets) return `"${address}" is not an IP address`;
    const ip = formatIpv6(hextets);
    if (this.allowed.check(ip, 'ipv6')) return undefined;
    // An IPv6 address that carries an IPv4 one reaches (or is relayed to) that IPv4 address: it gets the IPv4 verdict.
    const embedded = embeddedIpv4(hextets);
    if (embedded) return embedded.every((v4) => this.ipv4Allowed(v4)) ? undefined : `${address} is not a public address`;
    if (this.blocked.check(ip, 'ipv6')) return `${address} is not a public address`;
    return undefined;
  }

  private ipv4Allowed(address: string): boolean {
    return this.allowed.check(address, 'ipv4') || !this.blocked.check(address, 'ipv4');
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
  /** Refuses a URL the webhook's profile does not allow here (`asset`: `http:` outside development). */
  checkProfileUrl(raw: string, profile: ProfileName): void {
    const problem = profileUrlProblem(profile, raw, this.opts.development === true);
    if (problem) throw new UnsafeTargetError(problem);
  }

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

/**
 * The IPv4 addresses an IPv6 address carries, by the standard embeddings; undefined when it carries none.
 * - `::ffff:0:0/96` IPv4-mapped (RFC 4291): the last 32 bits.
 * - `::ffff:0:0:0/96` IPv4-translated, SIIT (RFC 2765): the last 32 bits.
 * - `::/96` IPv4-compatible, deprecated (RFC 4291): the last 32 bits. `::` and `::1` are IPv6's own
 *   unspecified and loopback addresses, not IPv4 ones.
 * - `64:ff9b::/96` NAT64 well-known prefix (RFC 6052): the last 32 bits.
 * - `2002::/16` 6to4 (RFC 3056): bits 16 to 47.
 * - `2001::/32` Teredo (RFC 4380): the server in bits 32 to 63, and the client in the last 32 bits,
 *   each bit inverted. Both are returned: both are reached.
 */
export function embeddedIpv4(hextets: readonly number[]): string[] | undefined {
  const [a, b, c, d, e, f, g, h] = hextets as [number, number, number, number, number, number, number, number];
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (...words: number[]) => words.every((w) => w === 0);
  if (zero(a, b, c, d, e) && f === 0xffff) return [v4(g, h)];
  if (zero(a, b, c, d) && e === 0xffff && f === 0) return [v4(g, h)];
  if (zero(a, b, c, d, e, f)) return g === 0 && h <= 1 ? undefined : [v4(g, h)];
  if (a === 0x64 && b === 0xff9b && zero(c, d, e, f)) return [v4(g, h)];
  if (a === 0x2002) return [v4(b, c)];
  if (a === 0x2001 && b === 0) return [v4(c, d), v4(g ^ 0xffff, h ^ 0xffff)];
  return undefined;
}

/**
 * The eight 16-bit words of an IPv6 address in any spelling (`::` compression, a dotted IPv4
 * tail, a `%zone`), or undefined when it is not one.
 */
export function parseIpv6(address: string): number[] | undefined {
  const text = address.replace(/%.*$/, '');
  if (isIP(text) !== 6) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (isIP(piece) !== 4) return undefined;
        const [o1, o2, o3, o4] = piece.split('.').map(Number) as [number, number, number, number];
        out.push((o1 << 8) | o2, (o3 << 8) | o4);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

const formatIpv6 = (hextets: readonly number[]) => hextets.map((w) => w.toString(16)).join(':');

export function isValidCidr(cidr: string): boolean {
  try {
    parseCidr(cidr);
    return true;
  } catch {
    return false;
  }
}
