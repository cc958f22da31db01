import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { freePort } from '../../src/devtools/free-port';


let stack: Stack;
let receiver: Receiver;
let workerPort: number;
beforeAll(async () => {
  workerPort = await freePort();
  stack = await startStack({
    env: { WORKER_METRICS_PORT: String(workerPort), RETRY_INITIAL_INTERVAL_MS: '100', METRICS_EVENT_TYPES: 'metrics.test' },
  });
  receiver = await Receiver.start(Receiver.sequence({ status: 503 }, { status: 200 }));
});
afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
});

const line = (text: string, metric: string) => text.split('\n').find((l) => l.startsWith(metric));

it('the API and the worker expose what happened, in Prometheus text', async () => {
  await createWebhook(stack, { url: receiver.url, events: ['metrics.test'] });
  const event = await publishEvent(stack, { type: 'metrics.test', data: {} });
  expect((await waitForFinalDelivery(stack, event.deliveries[0]!.id)).status).toBe('succeeded');

  const api = await stack.http.get('/metrics');
  expect(api.status).toBe(200);
  expect(api.headers['content-type']).toMatch(/^text\/plain/);
  expect(line(api.text, 'hookline_events_accepted_total{type="metrics.test"}')).toBe('hookline_events_accepted_total{type="metrics.test"} 1');
  expect(api.text).toMatch(/hookline_http_request_duration_seconds_count\{method="POST",route="\/v1\/events",status="202"\} 1/);
  expect(api.text).toMatch(/^hookline_deliveries_outbox \d+$/m);
  expect(api.text).toMatch(/^hookline_deliveries_in_backoff \d+$/m);

  const worker = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
  expect(line(worker, 'hookline_delivery_attempts_total{class="5xx"}')).toBe('hookline_delivery_attempts_total{class="5xx"} 1');
  expect(line(worker, 'hookline_delivery_attempts_total{class="2xx"}')).toBe('hookline_delivery_attempts_total{class="2xx"} 1');
  expect(line(worker, 'hookline_deliveries_finished_total{status="succeeded"}')).toBe('hookline_deliveries_finished_total{status="succeeded"} 1');
  expect(line(worker, 'hookline_delivery_latency_seconds_count')).toBe('hookline_delivery_latency_seconds_count 1');
  expect(worker).toMatch(/hookline_delivery_attempt_duration_seconds_bucket\{le="\+Inf",class="5xx"\} 1/);
});

it('labels no tenant-chosen string: 200 new type names add no series, nor do odd methods', async () => {
  const series = (text: string, metric: string) => text.split('\n').filter((l) => l.startsWith(`${metric}{`));
  const before = series((await stack.http.get('/metrics')).text, 'hookline_events_accepted_total').length;
  for (let i = 0; i < 200; i++) {
    await stack.http.post('/v1/events').set(stack.auth).send({ type: `tenant.secret.name.${i}`, data: {} }).expect(202);
  }
  // Node passes WebDAV methods on to the app; supertest sends standard ones only, so these go over a socket.
  const server = createServer(stack.api.app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    for (const method of ['PROPFIND', 'MKCOL']) {
      const res = await new Promise<IncomingMessage>((resolve, reject) =>
        request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method, path: '/v1/webhooks', agent: false }, resolve).on('error', reject).end(),
      );
      res.resume();
      expect(res.statusCode).toBe(405);
    }
  } finally {
    server.close();
    server.closeAllConnections();
  }
  const text = (await stack.http.get('/metrics')).text;
  const accepted = series(text, 'hookline_events_accepted_total');
  expect(accepted.length).toBeLessThanOrEqual(before + 1);
  expect(line(text, 'hookline_events_accepted_total{type="other"}')).toBe('hookline_events_accepted_total{type="other"} 200');
  expect(text).not.toContain('tenant.secret.name');
  expect(text).not.toMatch(/PROPFIND|MKCOL/);
  expect(text).toMatch(/hookline_http_request_duration_seconds_count\{method="other",route="unmatched",status="405"\} 2/);
});

describe('who may read /metrics', () => {
  const TOKEN = 'metrics-token-for-tests-0123456789';
  let guarded: Stack;
  let guardedWorkerPort: number;
  beforeAll(async () => {
    guardedWorkerPort = await freePort();
    guarded = await startStack({ env: { METRICS_TOKEN: TOKEN, WORKER_METRICS_PORT: String(guardedWorkerPort), DISPATCHER_ENABLED: 'false' } });
  });
  afterAll(() => guarded?.stop());

  it('with METRICS_TOKEN set, the API and the worker answer only the token', async () => {
    for (const auth of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${guarded.config.apiKey}`]) {
      const api = await (auth ? guarded.http.get('/metrics').set('Authorization', auth) : guarded.http.get('/metrics'));
      expect([auth, api.status, api.body.error?.code]).toEqual([auth, 401, 'unauthorized']);
      const worker = await fetch(`http://127.0.0.1:${guardedWorkerPort}/metrics`, { headers: auth ? { authorization: auth } : {} });
      expect([auth, worker.status, ((await worker.json()) as any).error.code]).toEqual([auth, 401, 'unauthorized']);
    }
    const api = await guarded.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(api.status).toBe(200);
    expect(api.text).toContain('hookline_http_request_duration_seconds');
    const worker = await fetch(`http://127.0.0.1:${guardedWorkerPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(worker.status).toBe(200);
    expect(await worker.text()).toContain('hookline_delivery_attempts_total');
  });

  it('in production without a token, the API port does not serve it', async () => {
    const prod = await startStack({ worker: false, env: { NODE_ENV: 'production', DISPATCHER_ENABLED: 'false' } });
    try {
      const res = await prod.http.get('/metrics');
      expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
    } finally {
      await prod.stop();
    }
  });
});
