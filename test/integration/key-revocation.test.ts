import { generateApiKey } from '../../src/crypto/api-keys';
import { REVOCATION_LISTENER_APPLICATION_NAME } from '../../src/repositories/api-key-revocations';
import { ApiKeysRepository } from '../../src/repositories/api-keys-repository';
import { uuidv7 } from '../../src/util/uuid';
import { startStack, type Stack } from '../support/harness';
import { waitFor } from '../support/wait-for';

/**
 * Revoking an API key: at once on the API process that revoked it, within a
 * second on every other one (two API processes on one database here), never
 * a new credential minted with it, and the keys it minted just before go
 * with it.
 */

let a: Stack;
let b: Stack;
beforeAll(async () => {
  a = await startStack({ worker: false });
  b = await startStack({ worker: false, databaseUrl: a.config.database.url });
}, 60_000);
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const statusOn = async (stack: Stack, key: string) => (await stack.http.get('/v1/webhooks').set(bearer(key))).status;

async function mint(stack: Stack, auth: { Authorization: string }, name: string): Promise<{ id: string; key: string }> {
  const res = await stack.http.post('/v1/api-keys').set(auth).send({ name });
  expect(res.status).toBe(201);
  return { id: res.body.id, key: res.body.key };
}

async function revokedAt(id: string): Promise<Date | null> {
  return (await a.api.pool.query('SELECT revoked_at FROM api_keys WHERE id = $1', [id])).rows[0].revoked_at;
}

it('a revoked key is refused at once on the process that revoked it, and within a second on another', async () => {
  const k = await mint(a, a.auth, 'leaked');
  // A key minted on one process works at once on the other.
  expect(await statusOn(b, k.key)).toBe(200);
  expect(await statusOn(a, k.key)).toBe(200);

  expect((await a.http.delete(`/v1/api-keys/${k.id}`).set(a.auth)).status).toBe(204);
  const revoked = Date.now();
  expect(await statusOn(a, k.key)).toBe(401);
  await waitFor(async () => (await statusOn(b, k.key)) === 401, {
    timeoutMs: 1_000,
    intervalMs: 20,
    message: 'the other process to refuse the revoked key',
  });
  expect(Date.now() - revoked).toBeLessThan(1_000);
  expect(await statusOn(a, k.key)).toBe(401);
});

it('a revocation that no process hears still holds within a second: no key is cached longer', async () => {
  const k = await mint(a, a.auth, 'unheard');
  expect(await statusOn(b, k.key)).toBe(200);
  // Revoked behind the API's back: no NOTIFY, as if the notice were lost on the way.
  await a.api.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
  // The cache holds a key for 1 s; the deadline leaves a second more for requests on a busy machine (it held one 5 s before).
  await waitFor(async () => (await statusOn(b, k.key)) === 401, {
    timeoutMs: 2_000,
    intervalMs: 20,
    message: 'the cached key to expire',
  });
});

it('a key that a process still trusts from its cache cannot mint a key or a portal link once it is revoked', async () => {
  const k = await mint(a, a.auth, 'cached');
  expect(await statusOn(b, k.key)).toBe(200);
  // Revoked behind the API's back: no NOTIFY, so b still holds the key in its cache.
  await a.api.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
  const keysBefore = (await a.api.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;

  const minted = await b.http.post('/v1/api-keys').set(bearer(k.key)).send({ name: 'outlives it' });
  expect(minted.status).toBe(401);
  expect(minted.body.error).toEqual({ code: 'unauthorized', message: 'Invalid API key' });
  const link = await b.http.post('/v1/portal/sessions').set(bearer(k.key)).send({});
  expect(link.status).toBe(401);
  expect((await a.api.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(keysBefore);
  expect((await a.api.pool.query('SELECT count(*)::int AS n FROM portal_sessions')).rows[0].n).toBe(0);
});

it('revoking a key revokes the keys it minted just before, and theirs, but not older ones nor the key that revokes it', async () => {
  const k = await mint(a, a.auth, 'parent');
  const older = await mint(a, bearer(k.key), 'minted long ago');
  await a.api.pool.query(`UPDATE api_keys SET created_at = now() - interval '1 hour' WHERE id = $1`, [older.id]);
  const child = await mint(b, bearer(k.key), 'minted just before');
  const grandchild = await mint(a, bearer(child.key), 'minted by the child');
  for (const key of [child, grandchild]) expect(await statusOn(b, key.key)).toBe(200);

  expect((await a.http.delete(`/v1/api-keys/${k.id}`).set(a.auth)).status).toBe(204);
  for (const key of [k, child, grandchild]) {
    expect(await revokedAt(key.id)).not.toBeNull();
    expect(await statusOn(a, key.key)).toBe(401);
  }
  await waitFor(async () => (await statusOn(b, child.key)) === 401 && (await statusOn(b, grandchild.key)) === 401, {
    timeoutMs: 1_000,
    intervalMs: 20,
    message: 'the other process to refuse the keys revoked with their creator',
  });
  expect(await revokedAt(older.id)).toBeNull();
  expect(await statusOn(b, older.key)).toBe(200);
  const listed = await a.http.get('/v1/api-keys').set(a.auth);
  const revokedIds = listed.body.results.filter((r: any) => r.revoked_at !== null).map((r: any) => r.id);
  expect(revokedIds).toEqual(expect.arrayContaining([k.id, child.id, grandchild.id]));
  expect(revokedIds).not.toContain(older.id);

  // Rotating: mint a successor with the old key, then revoke the old key with the successor.
  const old = await mint(a, a.auth, 'rotated out');
  const successor = await mint(a, bearer(old.key), 'rotated in');
  expect((await b.http.delete(`/v1/api-keys/${old.id}`).set(bearer(successor.key))).status).toBe(204);
  expect(await statusOn(b, old.key)).toBe(401);
  expect(await statusOn(a, successor.key)).toBe(200);
  expect(await revokedAt(successor.id)).toBeNull();
});

it('a revocation racing a mint waits for it and revokes what it minted; a mint racing a revocation is refused', async () => {
  const waitingOnLock = () =>
    waitFor(
      async () =>
        (
          await a.api.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rowCount! > 0,
      { timeoutMs: 5_000, message: 'a request to wait on the key row' },
    );
  const tenantId = a.api.defaultTenant.id;
  const k = await mint(a, a.auth, 'raced');

  // A mint with k in flight, as POST /v1/api-keys runs it: k's row held, the new key written, not yet committed.
  const minting = await a.api.pool.connect();
  let childId: string;
  try {
    await minting.query('BEGIN');
    expect(await new ApiKeysRepository(minting).lockLive(k.id)).toBe(true);
    const generated = generateApiKey();
    const child = await new ApiKeysRepository(minting).insert({
      id: uuidv7(),
      tenantId,
      name: 'in flight',
      prefix: generated.prefix,
      hash: generated.hash,
      createdByKeyId: k.id,
    });
    childId = child.id;
    const revoking = a.http.delete(`/v1/api-keys/${k.id}`).set(a.auth).then((r) => r.status);
    await waitingOnLock();
    await minting.query('COMMIT');
    expect(await revoking).toBe(204);
  } finally {
    minting.release();
  }
  expect(await revokedAt(childId)).not.toBeNull();

  // A revocation of j in flight: a mint with j waits for it, then finds j revoked.
  const j = await mint(a, a.auth, 'revoked while minting');
  const revoking = await a.api.pool.connect();
  try {
    await revoking.query('BEGIN');
    await revoking.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [j.id]);
    const keysBefore = (await a.api.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
    const minted = b.http.post('/v1/api-keys').set(bearer(j.key)).send({ name: 'too late' }).then((r) => r.status);
    await waitingOnLock();
    await revoking.query('COMMIT');
    expect(await minted).toBe(401);
    expect((await a.api.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(keysBefore);
  } finally {
    revoking.release();
  }
});

it('while a process cannot hear revocations it trusts no cached key, and it hears them again once it reconnects', async () => {
  const k = await mint(a, a.auth, 'cached before the cut');
  expect(await statusOn(b, k.key)).toBe(200);
  const listeners = async () =>
    (
      await a.api.pool.query(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND query LIKE 'LISTEN %'`,
        [REVOCATION_LISTENER_APPLICATION_NAME],
      )
    ).rows.map((r) => r.pid as number);
  const cut = await listeners();
  expect(cut).toHaveLength(2);
  await a.api.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [cut]);
  // Revoked without a NOTIFY: only a process that dropped its cache when its listener went down refuses it.
  await a.api.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.id]);
  await waitFor(async () => (await statusOn(b, k.key)) === 401, {
    timeoutMs: 1_000,
    intervalMs: 20,
    message: 'the process without its listener to stop trusting its cache',
  });

  await waitFor(async () => (await listeners()).filter((pid) => !cut.includes(pid)).length === 2, {
    timeoutMs: 10_000,
    message: 'both listeners to reconnect',
  });
  const next = await mint(b, b.auth, 'after the reconnect');
  expect(await statusOn(b, next.key)).toBe(200);
  expect((await a.http.delete(`/v1/api-keys/${next.id}`).set(a.auth)).status).toBe(204);
  await waitFor(async () => (await statusOn(b, next.key)) === 401, {
    timeoutMs: 1_000,
    intervalMs: 20,
    message: 'the reconnected process to hear the revocation',
  });
});
