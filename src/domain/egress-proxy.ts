/** A forward proxy deliveries go through (EGRESS_PROXY_URL, a tenant's `egress_proxy_url`). */
export interface EgressProxy {
  protocol: 'http:' | 'https:';
  /** A name or an IP literal (IPv6 without brackets). */
  host: string;
  port: number;
  /** The `Proxy-Authorization` value, when the URL carries credentials. */
  authorization?: string;
}

/** Why `raw` is not a usable proxy URL, or undefined when it is: http(s)://[user:password@]host[:port], nothing else. */
export function proxyUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a URL such as http://proxy.internal:3128';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (!url.hostname) return 'must name a host';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return 'must have no path, query or fragment';
  return undefined;
}

/** The proxy URL parsed; throws when proxyUrlProblem finds one. */
export function parseProxyUrl(raw: string): EgressProxy {
  const problem = proxyUrlProblem(raw);
  if (problem) throw new Error(`proxy URL ${problem}`);
  const url = new URL(raw);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    protocol: url.protocol as EgressProxy['protocol'],
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    authorization: user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined,
  };
}

/** The proxy URL without its credentials: what logs, errors and API answers may show. */
export function redactProxyUrl(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return '[invalid proxy URL]';
  }
}
