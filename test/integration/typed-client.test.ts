import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { quickStart } from '../../clients/typescript/examples/quick-start';
import { createHooklineClient } from '../../clients/typescript/src';
import { startStack, type Stack } from '../support/harness';
import { Receivers } from '../support/receiver';
import { waitFor } from '../support/wait-for';

/**
 * The typed client (clients/typescript) against the real stack over HTTP: the README's quick
 * start, run from clients/typescript/examples/quick-start.ts, whose marked region must be the
 * README's snippet.
 */
let stack: Stack;
let api: Server;
let baseUrl: string;
const receivers = new Receivers();

beforeAll(async () => {
  stack = await startStack();
  api = createServer(stack.api.app.callback());
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await receivers.stopAll();
  api?.closeAllConnections();
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  await stack?.stop();
});

const apiKey = () => stack.config.apiKey;

describe('the typed client', () => {
  it('runs the quick start: the webhook is created, the event published and delivered', async () => {
    const receiver = await receivers.start();
    const { hookline, webhookId, secret, deliveryId, delivery } = await quickStart(baseUrl, apiKey(), receiver.url);
    expect(secret).toMatch(/^whsec_/);
    expect(delivery).toMatchObject({ id: deliveryId, webhook_id: webhookId });
    const done = await waitFor(
      async () => {
        const { data } = await hookline.GET('/v1/deliveries/{id}', { params: { path: { id: deliveryId } } });
        return data?.status === 'succeeded' ? data : undefined;
      },
      { timeoutMs: 20_000, message: `delivery ${deliveryId} to succeed` },
    );
    expect(done.attempts).toHaveLength(1);
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'order.created', data: { id: 'ord_1', total: 42 } });
  });

  it('gives errors as the typed error shape, with their stable code', async () => {
    const hookline = createHooklineClient({ baseUrl, apiKey: apiKey() });
    const bad = await hookline.POST('/v1/webhooks', { body: { name: 'x', url: 'not a url', events: ['*'] } });
    expect(bad.response.status).toBe(422);
    expect(bad.error?.error.code).toBe('validation_failed');
    const wrongKey = await createHooklineClient({ baseUrl, apiKey: 'wrong' }).GET('/v1/webhooks');
    expect([wrongKey.response.status, wrongKey.error?.error.code]).toEqual([401, 'unauthorized']);
  });

  it('is generated from the document the API serves', async () => {
    const res = await fetch(`${baseUrl}/openapi.json`);
    const served = (await res.json()) as { paths: Record<string, unknown>; webhooks: Record<string, unknown> };
    const schema = readFileSync(path.join(__dirname, '../../clients/typescript/src/schema.d.ts'), 'utf8');
    for (const route of Object.keys(served.paths)) expect(schema).toContain(`"${route}": {`);
    for (const type of Object.keys(served.webhooks)) expect(schema).toMatch(new RegExp(`^    "?${type.replace('.', '\\.')}"?: \\{`, 'm'));
  });

  it("is the README's quick start, word for word", () => {
    const example = readFileSync(path.join(__dirname, '../../clients/typescript/examples/quick-start.ts'), 'utf8');
    const region = /\/\/ #region quick-start\n([\s\S]*?)\n\s*\/\/ #endregion/.exec(example)?.[1];
    expect(region).toBeDefined();
    const snippet = region!
      .split('\n')
      .map((line) => line.replace(/^ {2}/, ''))
      .join('\n');
    expect(readFileSync(path.join(__dirname, '../../README.md'), 'utf8')).toContain(snippet);
  });
});
