import { gzipSync } from 'node:zlib';
import { createWebhook, publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receivers, type Reply } from '../support/receiver';

/**
 * A receiver's answer is stored (activities/response-body.ts), whatever its bytes: a 2xx with NUL
 * bytes, invalid UTF-8, a compressed or a binary body is one successful attempt made by one
 * request, never a storage error that Temporal answers by sending the request again.
 */
let stack: Stack;
const receivers = new Receivers();
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await receivers.stopAll();
  await stack?.stop();
});

const nul = Buffer.from('ok\u0000\u0000nul', 'latin1');
const gzipped = gzipSync(JSON.stringify({ ok: true, padding: 'x'.repeat(64) }));
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);

let hooks = 0;
/** Publishes one event to a webhook whose receiver answers `reply`; returns the final delivery and the receiver. */
async function deliverTo(reply: Reply) {
  const receiver = await receivers.start(() => reply);
  const type = `hostile.answer.${++hooks}`;
  const hook = await createWebhook(stack, { url: receiver.url, events: [type] });
  const event = await publishEvent(stack, { type, data: {} });
  const delivery = await waitForFinalDelivery(stack, event.deliveries.find((d) => d.webhook_id === hook.id)!.id);
  return { delivery, receiver };
}

it.each<[string, Reply, string]>([
  ['NUL bytes in text', { status: 200, headers: { 'content-type': 'text/plain' }, body: nul }, 'ok\uFFFD\uFFFDnul'],
  ['NUL bytes without a type', { status: 200, body: nul }, `[binary, 7 bytes] base64:${nul.toString('base64')}`],
  [
    'invalid UTF-8',
    { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x20, 0xc3, 0x28]) },
    'ok \uFFFD\uFFFD \uFFFD(',
  ],
  ['a declared charset', { status: 201, headers: { 'content-type': 'text/plain; charset=iso-8859-1' }, body: Buffer.from('caf\u00e9', 'latin1') }, 'café'],
  [
    'a gzip body',
    { status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipped },
    `[gzip-encoded application/json, ${gzipped.length} bytes] base64:${gzipped.toString('base64')}`,
  ],
  ['a binary type', { status: 200, headers: { 'content-type': 'image/png' }, body: png }, `[binary image/png, 20 bytes] base64:${png.toString('base64')}`],
])('an answer with %s is one successful attempt, after one request', async (_what, reply, stored) => {
  const { delivery, receiver } = await deliverTo(reply);
  expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 1, last_status_code: reply.status, last_error: null });
  expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'succeeded', status_code: reply.status, error: null, response_body: stored })]);
  expect(receiver.requests).toHaveLength(1);
});

it('a refusal with NUL bytes is one failed attempt, and is not sent again', async () => {
  const { delivery, receiver } = await deliverTo({ status: 400, headers: { 'content-type': 'text/plain' }, body: Buffer.from('bad\u0000input', 'latin1') });
  expect(delivery).toMatchObject({ status: 'failed', attempt_count: 1, last_status_code: 400, last_error: 'receiver answered 400' });
  expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', response_body: 'bad\uFFFDinput' })]);
  expect(receiver.requests).toHaveLength(1);
});

it('a response body the database refuses is replaced by a marker: the attempt is stored, and not sent again', async () => {
  // A storage error nothing above foresaw: Postgres itself refuses one body (a data exception).
  await stack.api.pool.query(`
    CREATE FUNCTION refuse_marked_bodies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.response_body LIKE '%refuse-me%' THEN RAISE EXCEPTION 'this body is refused' USING ERRCODE = '22000'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_marked_bodies BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION refuse_marked_bodies();`);
  try {
    const { delivery, receiver } = await deliverTo({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'please refuse-me' });
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 1, last_error: null });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'succeeded', status_code: 200, response_body: '[response body not stored: this body is refused]' }),
    ]);
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await stack.api.pool.query('DROP TRIGGER refuse_marked_bodies ON attempts; DROP FUNCTION refuse_marked_bodies()');
  }
});
