import { connect } from 'node:net';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApiServer, type RunningApi } from '../../src/server/api-server';
import { createTestDatabase, testConfigEnv } from '../support/harness';

/** Requests Node's parser refuses still get the API's JSON error shape, not an empty answer. */
let api: RunningApi;
let port: number;
beforeAll(async () => {
  const config = loadConfig(testConfigEnv({ DATABASE_URL: await createTestDatabase(), HOST: '127.0.0.1', PORT: '0', DISPATCHER_ENABLED: 'false' }));
  api = await startApiServer(config, createLogger('test', 'error'));
  port = Number(new URL(api.url).port);
});
afterAll(() => api?.stop());

/** Writes raw bytes and reads the whole answer until the server closes the connection. */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
    socket.write(request);
  });
}

it.each([
  ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
  ['a malformed request line', 'NOT A REQUEST\r\n\r\n', 400, 'bad_request'],
  ['an unknown method token', 'XYZZY / HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'bad_request'],
  ['a bad header line', 'GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', 400, 'bad_request'],
  ['two Content-Length headers', 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}', 400, 'bad_request'],
])('%s: %s with a JSON error', async (_what, request, status, code) => {
  const res = await raw(request);
  expect(res.status).toBe(status);
  expect(res.headers).toMatch(/content-type: application\/json/i);
  expect(JSON.parse(res.body)).toEqual({ error: { code, message: expect.any(String) } });
});

it('still answers well-formed requests', async () => {
  const res = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  expect(res.status).toBe(200);
});
