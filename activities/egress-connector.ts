import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import type { TargetPolicy } from '../src/security/target-policy';
import type { EgressProxy } from '../src/domain/egress-proxy';

/** How the proxy handshake may take at most: past it, the proxy counts as unavailable. */
export const PROXY_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The error of an attempt that could not get through the proxy: retried like a connection error, never sent direct. */
export class ProxyUnavailableError extends Error {
  readonly code = 'proxy_unavailable';
  constructor(reason: string) {
    super(`proxy_unavailable: ${reason}`);
    this.name = 'ProxyUnavailableError';
  }
}

export interface EgressConnectorOptions {
  policy: TargetPolicy;
  proxy: EgressProxy;
  /** Outgoing connections (to the proxy) bind to this address. */
  localAddress?: string;
  /** Extra TLS options for https targets (a pinned CA, a client certificate). */
  tls?: { ca?: string; cert?: string; key?: string };
}

/**
 * An undici `connect` function that reaches every target through an HTTP CONNECT proxy while the
 * target policy keeps its hold: the target's name is resolved and checked here, the CONNECT names
 * the checked address (not the name, which the proxy would resolve again), and the name stays for
 * TLS (SNI, certificate check) and the Host header. A failure at the proxy never falls back to a
 * direct connection.
 */
export function createEgressConnector(opts: EgressConnectorOptions): buildConnector.connector {
  return (options, callback) => {
    const hostname = options.hostname.replace(/^\[|\]$/g, '');
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    let done = false;
    const finish = (err: Error | null, socket?: Socket | TLSSocket) => {
      if (done) return;
      done = true;
      if (err) callback(err, null);
      else callback(null, socket!);
    };
    checkedAddress(opts.policy, hostname).then(
      (address) => tunnel(opts, address, port).then(
        (raw) => {
          if (options.protocol !== 'https:') return finish(null, raw);
          const secure = tlsConnect({
            socket: raw,
            servername: isIP(hostname) ? undefined : hostname,
            ALPNProtocols: ['http/1.1'],
            ...opts.tls,
          });
          secure.once('secureConnect', () => {
            secure.removeAllListeners('error');
            finish(null, secure);
          });
          secure.once('error', (err) => {
            secure.destroy();
            finish(err);
          });
        },
        (err: Error) => finish(err),
      ),
      (err: Error) => finish(err),
    );
  };
}

/** The address the target's name resolves to, checked by the policy (which throws UnsafeTargetError). */
function checkedAddress(policy: TargetPolicy, hostname: string): Promise<string> {
  return new Promise((resolve, reject) => {
    policy.lookup(hostname, {}, (err, address) => (err ? reject(err) : resolve(address as string)));
  });
}

/** A socket to the proxy, CONNECTed to `address:port`: what is written on it reaches the target. */
function tunnel(opts: EgressConnectorOptions, address: string, port: number): Promise<Socket> {
  const { proxy } = opts;
  return new Promise((resolve, reject) => {
    const target = `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
    // TCP first, so the local address binds for https:// proxies too; TLS to the proxy over it.
    const tcp = netConnect({ host: proxy.host, port: proxy.port, localAddress: opts.localAddress });
    const socket: Socket = proxy.protocol === 'https:' ? tlsConnect({ socket: tcp, servername: isIP(proxy.host) ? undefined : proxy.host }) : tcp;
    if (socket !== tcp) tcp.once('error', (err: NodeJS.ErrnoException) => fail(socketErrorText(err, proxy)));
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new ProxyUnavailableError(reason));
    };
    socket.setTimeout(PROXY_HANDSHAKE_TIMEOUT_MS, () => fail(`no answer to CONNECT within ${PROXY_HANDSHAKE_TIMEOUT_MS} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(socketErrorText(err, proxy)));
    socket.once('close', () => fail('proxy closed the connection before answering CONNECT'));
    socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
      if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16 * 1024) fail('proxy answered CONNECT with an oversized header');
        return;
      }
      socket.off('data', onData);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!match) return fail(`proxy answered CONNECT with "${statusLine.slice(0, 100)}"`);
      const status = Number(match[1]);
      if (status < 200 || status > 299) return fail(`proxy answered ${status}${match[2] ? ` ${match[2].slice(0, 100)}` : ''}`);
      settled = true;
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      socket.removeAllListeners('timeout');
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

function socketErrorText(err: NodeJS.ErrnoException, proxy: EgressProxy): string {
  const where = `${isIP(proxy.host) === 6 ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
  if (err.code) return `${err.code} ${where}`;
  return `${err.message} (${where})`;
}
