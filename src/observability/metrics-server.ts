import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { METRICS_UNAUTHORIZED, metricsRequestAllowed } from './metrics-access';

/**
 * The worker's `/metrics`: its own registry, followed by the Temporal SDK's
 * runtime metrics (served by the SDK on `sdkMetricsPort`), so one scrape
 * target covers both. With a token, only `Authorization: Bearer <token>` reads it.
 */
export async function startMetricsServer(opts: { port: number; host?: string; token?: string; registry: Registry; sdkMetricsPort?: number }) {
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only GET /metrics here' } }));
      return;
    }
    if (!metricsRequestAllowed(req.headers.authorization, opts.token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(METRICS_UNAUTHORIZED);
      return;
    }
    let text = await opts.registry.metrics();
    if (opts.sdkMetricsPort) {
      try {
        const sdk = await fetch(`http://127.0.0.1:${opts.sdkMetricsPort}/metrics`, { signal: AbortSignal.timeout(2_000) });
        if (sdk.ok) text += `\n# Temporal SDK runtime metrics\n${await sdk.text()}`;
      } catch {
        // The SDK endpoint is not up (yet); the engine's own metrics still answer.
      }
    }
    res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
