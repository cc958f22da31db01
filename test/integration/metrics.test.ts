import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';
import { freePort } from '../../src/util/free-port';


let stack: Stack;
let receiver: Receiver;
let workerPort: number;
beforeAll(async () => {
  workerPort = await freePort();
  stack = await startStack({ env: { WORKER_METRICS_PORT: String(workerPort), RETRY_INITIAL_INTERVAL_MS: '100' } });
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
