import { createHash } from 'node:crypto';
import { Agent } from 'undici';
import { parseProxyUrl } from '../src/domain/egress-proxy';
import type { TargetPolicy } from '../src/security/target-policy';
import { createEgressConnector } from './egress-connector';

/** How deliveries leave the worker (EGRESS_PROXY_URL, EGRESS_LOCAL_ADDRESS). */
export interface EgressSettings {
  /** Every request goes through this proxy with HTTP CONNECT. @default none: direct */
  proxyUrl?: string;
  /** Outgoing connections bind to this local address. @default the system's choice */
  localAddress?: string;
}

/** A webhook's own TLS material for https targets: a pinned CA, a client certificate and key (PEM). */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

/** The connection pool for a proxy (undefined: EGRESS_PROXY_URL, or direct) and a webhook's TLS material. */
export type DispatcherFor = (proxyUrl: string | undefined, tls?: TlsMaterial) => Agent;

/** Pools kept at once; past it the oldest is closed (its connections end once idle). */
const MAX_POOLS = 256;

/**
 * One undici Agent per proxy and TLS material: keep-alive connections are never shared between
 * proxies or client certificates. Every socket's address comes from the policy: direct, through its
 * lookup; behind a proxy, through the connector, which CONNECTs to the checked address.
 */
export function createDispatchers(policy: TargetPolicy, egress: EgressSettings = {}): DispatcherFor {
  const pools = new Map<string, Agent>();
  return (proxyUrl, tls) => {
    const proxy = proxyUrl ?? egress.proxyUrl;
    const material = tls && (tls.ca || tls.cert || tls.key) ? tls : undefined;
    const key = createHash('sha256')
      .update(JSON.stringify([proxy ?? null, material?.ca ?? null, material?.cert ?? null, material?.key ?? null]))
      .digest('hex');
    let agent = pools.get(key);
    if (agent) {
      // Most recently used last.
      pools.delete(key);
      pools.set(key, agent);
      return agent;
    }
    agent = proxy
      ? new Agent({
          connect: createEgressConnector({ policy, proxy: parseProxyUrl(proxy), localAddress: egress.localAddress, tls: material }),
          keepAliveTimeout: 30_000,
        })
      : new Agent({ connect: { lookup: policy.lookup, ...material }, localAddress: egress.localAddress, keepAliveTimeout: 30_000 });
    pools.set(key, agent);
    if (pools.size > MAX_POOLS) {
      const [oldestKey, oldest] = pools.entries().next().value as [string, Agent];
      pools.delete(oldestKey);
      void oldest.close().catch(() => undefined);
    }
    return agent;
  };
}
