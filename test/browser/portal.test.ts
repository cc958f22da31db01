import axe from 'axe-core';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { publishEvent, waitForFinalDelivery } from '../support/api-helpers';
import { startStack, type Stack } from '../support/harness';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';
import { freePort } from '../../src/devtools/free-port';

/**
 * Issue 11, in a real browser: Debian's Chromium, driven by playwright-core.
 * Nothing is downloaded; CHROMIUM_PATH points elsewhere when needed. The
 * walk is what a person does: open the link, create a webhook and copy its
 * secret, send a test, pause and resume, then open a failed delivery and
 * retry it. Every step checks what the page shows, every page is
 * screenshotted (test/browser/.screenshots/) and checked with axe-core.
 *
 * The main browser context bypasses the portal's CSP, so that the XSS checks
 * prove the page itself never turns data into markup (the CSP would block an
 * inline handler anyway); a last test loads the pages under the CSP.
 */

/** Functions passed to `page.evaluate` run in the page; the project's TypeScript lib has no DOM, so its globals are declared loosely here. */
declare const window: any;
declare const document: any;
declare const navigator: any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '.screenshots');
/** Stored in a name, a custom header, event data and a receiver's answer: it must stay text. */
const XSS = '<img src=x onerror=window.__xss=1>';
const STEP_MS = 30_000;

let stack: Stack;
let server: Server;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let receiver: Receiver;
let failing: Receiver;
const pageErrors: string[] = [];
let shotNumber = 0;

/** What the walk learns on the way. */
const walk: { webhookId?: string; secret?: string; xssWebhookId?: string; failedDeliveryId?: string } = {};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  // Links are built on PUBLIC_URL, so the port is chosen before the stack starts.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startStack({
    env: { AUTO_DISABLE_FAILURE_THRESHOLD: '-1', TEMPORAL_UI_URL: 'http://temporal-ui.test:8233', PUBLIC_URL: base },
  });
  server = await new Promise<Server>((resolve) => {
    const s = stack.api.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  receiver = await Receiver.start();
  failing = await Receiver.start(() => ({ status: 500, headers: { 'content-type': 'text/html' }, body: XSS }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  context.setDefaultTimeout(STEP_MS);
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(String(err)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  await Promise.all([receiver?.stop(), failing?.stop()]);
  await stack?.stop();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

async function portalLink(): Promise<string> {
  const res = await stack.http.post('/v1/portal/sessions').set(stack.auth).set('Host', new URL(base).host);
  expect(res.status).toBe(201);
  expect(res.body.url.startsWith(`${base}/portal/login?token=`)).toBe(true);
  return res.body.url;
}

async function screenshot(p: Page, name: string): Promise<void> {
  shotNumber += 1;
  // A toast fades by itself after a few seconds; the pictures leave it out rather than wait.
  await p.evaluate(() => document.getElementById('toast')?.replaceChildren());
  await p.screenshot({ path: path.join(SHOTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violation. */
async function expectAccessible(p: Page, name: string): Promise<void> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(axe.source);
  const violations = await p.evaluate(async () => {
    const result = await (window.axe as typeof axe).run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: axe.Result) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: axe.Result) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n: axe.NodeResult) => n.target.join(' ')).join(', ')}`);
  });
  expect([name, violations]).toEqual([name, []]);
}

async function expectNoScriptRan(p: Page): Promise<void> {
  expect(await p.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
}

/** Every page is looked at twice: a screenshot for people, axe for the rules. */
async function record(p: Page, name: string): Promise<void> {
  await screenshot(p, name);
  await expectAccessible(p, name);
}

const deliveryRows = (p: Page) => p.locator('#deliveries-rows tr[data-delivery-id]');

/**
 * Waits until what the page shows meets `check`, polling with a deadline;
 * the failure says what the page showed last.
 */
async function until(what: string, read: () => Promise<unknown>, check: (value: any) => boolean, timeoutMs = STEP_MS): Promise<void> {
  let last: unknown;
  await waitFor(
    async () => {
      last = await read().catch((err: Error) => `(${err.message.split('\n')[0]})`);
      return check(last);
    },
    { timeoutMs, intervalMs: 100, message: what, progress: () => `last saw ${JSON.stringify(last)}` },
  );
}

const textOf = (l: Locator) => l.first().textContent({ timeout: 1_000 });
const expectText = (l: Locator, expected: string, timeoutMs?: number) =>
  until(`${l} to read ${JSON.stringify(expected)}`, () => textOf(l), (t) => t === expected, timeoutMs);
const expectTextContaining = (l: Locator, part: string) => until(`${l} to contain ${JSON.stringify(part)}`, () => textOf(l), (t) => typeof t === 'string' && t.includes(part));
const expectAttribute = (l: Locator, name: string, value: string, timeoutMs?: number) =>
  until(`${l} to have ${name}="${value}"`, () => l.first().getAttribute(name, { timeout: 1_000 }), (v) => v === value, timeoutMs);
const expectCount = (l: Locator, n: number, timeoutMs?: number) => until(`${n} of ${l}`, () => l.count(), (c) => c === n, timeoutMs);
/** A secret custom header value, which the portal must never show. */
const PORTAL_SECRET_HEADER = 'Bearer portal-secret-3c9a61';

const expectFocused = (l: Locator) => until(`${l} to have focus`, () => l.evaluate((el) => el === document.activeElement, undefined, { timeout: 1_000 }), (f) => f === true);


describe('the webhook portal in a browser', () => {
  it(
    'opens from a single-use link; the link does not open twice',
    async () => {
      // A webhook whose name, header, events and receiver's answers all carry markup.
      const res = await stack.http
        .post('/v1/webhooks')
        .set(stack.auth)
        .send({ name: XSS, url: failing.url, events: ['invoice.paid'], headers: { 'X-Note': XSS, Authorization: { value: PORTAL_SECRET_HEADER, secret: true } }, max_attempts: 2 });
      expect(res.status).toBe(201);
      walk.xssWebhookId = res.body.id;

      const link = await portalLink();
      await page.goto(link);
      await page.waitForURL(`${base}/portal`);
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await expect(page.locator('#tenant-name').textContent()).resolves.toBe('Default tenant');
      const row = page.locator(`tr[data-webhook-id="${walk.xssWebhookId}"]`);
      await expect(row.locator('.webhook-name').textContent()).resolves.toBe(XSS);
      await expect(row.textContent()).resolves.toContain('active');
      await expectNoScriptRan(page);
      await record(page, 'webhooks-list');

      // The same link in another browser: the login page, not an error.
      const stranger = await browser.newContext();
      try {
        const other = await stranger.newPage();
        const answer = await other.goto(link);
        expect(answer?.status()).toBe(401);
        await other.getByRole('heading', { level: 1, name: 'Ask for a new link' }).waitFor();
        await record(other, 'link-used');
        // Without a session the portal itself sends the browser to that page.
        await other.goto(`${base}/portal`);
        await other.waitForURL(`${base}/portal/login`);
        await other.getByRole('heading', { level: 1, name: 'Ask for a new link' }).waitFor();
      } finally {
        await stranger.close();
      }
    },
    STEP_MS * 3,
  );

  it(
    'creates a webhook with the form, showing the API’s messages by the fields, then its secret once with a copy button',
    async () => {
      // By keyboard: Tab to "New webhook", Enter.
      await page.locator('body').focus();
      let focused = '';
      for (let i = 0; i < 20 && focused !== 'new-webhook'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.id ?? '');
      }
      expect(focused).toBe('new-webhook');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'New webhook' }).waitFor();
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('field-name');

      await page.getByLabel('Name').fill('Orders');
      await page.getByLabel('Endpoint URL').fill('not a url');
      await page.getByLabel('Event types').fill('order.created, bad type!');
      await page.getByRole('button', { name: 'Create webhook' }).click();
      await expectText(page.locator('#url-error'), 'must be an absolute http(s) URL');
      await expectTextContaining(page.locator('#events-error'), 'must be "*", a prefix wildcard');
      await expect(page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).resolves.toBe('true');
      await expectText(page.locator('#name-error'), '');
      await record(page, 'new-webhook-errors');

      await page.getByLabel('Endpoint URL').fill(receiver.url);
      await page.getByLabel('Event types').fill('order.created');
      await page.getByRole('button', { name: 'Create webhook' }).click();
      await page.waitForURL(/#\/webhooks\/[0-9a-f-]{36}$/);
      walk.webhookId = page.url().split('/').pop()!;
      await expectText(page.locator('#webhook-name'), 'Orders');
      const secret = (await page.locator('#secret-value').textContent())!;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      walk.secret = secret;
      await page.getByRole('button', { name: 'Copy secret' }).click();
      await expectText(page.locator('#copy-status'), 'Copied to the clipboard.');
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret);
      await record(page, 'webhook-created-secret');

      // Shown once: the webhook's page opened again has no secret.
      await page.goto(`${base}/portal#/webhooks`);
      await page.goto(`${base}/portal#/webhooks/${walk.webhookId}`);
      await expectText(page.locator('#webhook-name'), 'Orders');
      await expectCount(page.locator('#secret-value'), 0);
    },
    STEP_MS * 3,
  );

  it(
    'sends a test event and watches its delivery turn succeeded, without a reload; the copied secret verifies it',
    async () => {
      await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
      await page.getByRole('button', { name: 'Send test event' }).click();
      await expectText(page.locator('#toast'), 'Test event sent.');
      const row = deliveryRows(page).first();
      await expectText(row.locator('.delivery-link'), 'webhook.test');
      await expectAttribute(row, 'data-status', 'succeeded');
      await expectText(row.locator('.delivery-attempts'), '1');
      await expectText(row.locator('.delivery-last'), 'HTTP 200');
      expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);

      const [request] = await receiver.waitForRequests(1);
      const verified = new StandardWebhook(walk.secret!).verify(request!.body, request!.headers as Record<string, string>) as { type: string };
      expect(verified.type).toBe('webhook.test');
      await record(page, 'webhook-test-succeeded');
    },
    STEP_MS * 2,
  );

  it(
    'pauses, shows events sent meanwhile as held, and delivers them on resume',
    async () => {
      await page.getByRole('button', { name: 'Pause' }).click();
      await expectText(page.locator('#webhook-status'), 'paused');
      await expectFocused(page.getByRole('button', { name: 'Resume' }));
      const events: Array<Awaited<ReturnType<typeof publishEvent>>> = [];
      for (const n of [1, 2]) events.push(await publishEvent(stack, { type: 'order.created', data: { n } }));
      await expectCount(page.locator('#deliveries-rows tr[data-status="held"]'), 2);
      await expectText(page.locator('#deliveries-rows tr[data-status="held"] .delivery-status').first(), 'held');
      expect(receiver.requests).toHaveLength(1);
      await record(page, 'webhook-paused-held');

      await page.getByRole('button', { name: 'Resume' }).click();
      await expectText(page.locator('#webhook-status'), 'active');
      await expectCount(page.locator('#deliveries-rows tr[data-status="succeeded"]'), 3);
      await receiver.waitForRequests(3);
      expect(receiver.requests.map((r) => r.headers['webhook-id']).slice(1).sort()).toEqual(events.map((e) => e.id).sort());

      // One of them, delivered: the request as the receiver got it.
      await page.locator(`#deliveries-rows tr[data-delivery-id="${events[1]!.deliveries[0]!.id}"] .delivery-link`).click();
      await page.getByRole('heading', { level: 1, name: 'Delivery of order.created' }).waitFor();
      await expectText(page.locator('#delivery-status'), 'succeeded');
      await expectText(page.locator('#attempts > li .attempt-code'), 'HTTP 200');
      const sent = receiver.requests.find((r) => r.headers['webhook-id'] === events[1]!.id)!;
      await expectText(page.locator('#request-body'), sent.body);
      await record(page, 'delivery-succeeded');
      await page.goBack();
      await expectText(page.locator('#webhook-name'), 'Orders');
    },
    STEP_MS * 3,
  );

  it(
    'opens a failed delivery, shows exactly what was sent and every attempt as text, and retries it',
    async () => {
      const event = await publishEvent(stack, { type: 'invoice.paid', data: { invoice: 'inv_1', note: XSS } });
      walk.failedDeliveryId = event.deliveries[0]!.id;
      const failed = await waitForFinalDelivery(stack, walk.failedDeliveryId, STEP_MS);
      expect(failed.status).toBe('failed');

      await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
      await page.locator(`tr[data-webhook-id="${walk.xssWebhookId}"] .webhook-name`).click();
      await expectText(page.locator('#webhook-name'), XSS);
      const row = page.locator(`#deliveries-rows tr[data-delivery-id="${walk.failedDeliveryId}"]`);
      await expectAttribute(row, 'data-status', 'failed');
      await expectText(row.locator('.delivery-attempts'), '2');
      await expectNoScriptRan(page);
      await record(page, 'webhook-with-markup');

      await row.locator('.delivery-link').click();
      await page.getByRole('heading', { level: 1, name: 'Delivery of invoice.paid' }).waitFor();
      await expectText(page.locator('#delivery-status'), 'failed');
      const attempts = page.locator('#attempts > li');
      await expectCount(attempts, 2);
      for (const n of [0, 1]) {
        await expectText(attempts.nth(n).locator('.attempt-code'), 'HTTP 500');
        await expectText(attempts.nth(n).locator('.response-body'), XSS);
      }
      // The exact body, byte for byte as the receiver got it, with the markup as text.
      await expectText(page.locator('#request-body'), failing.requests[0]!.body);
      expect(failing.requests[0]!.body).toContain(XSS);
      const headerRow = page.locator('#request-headers-rows tr', { hasText: 'X-Note' });
      await expectText(headerRow.locator('td').nth(1), XSS);
      await expectText(page.locator('#request-headers-rows tr', { hasText: 'x-client-id' }).locator('td').nth(1), 'default');
      // The latest attempt's stored request; choosing attempt 1 shows its own timestamp, as its receiver got it.
      await expectTextContaining(page.locator('#request-source'), 'Attempt 2');
      await expectText(page.locator('#request-headers-rows tr', { hasText: 'webhook-timestamp' }).locator('td').nth(1), failing.requests[1]!.headers['webhook-timestamp'] as string);
      await page.getByLabel('Show the request of').selectOption('1');
      await expectTextContaining(page.locator('#request-source'), 'Attempt 1');
      await expectText(page.locator('#request-headers-rows tr', { hasText: 'webhook-timestamp' }).locator('td').nth(1), failing.requests[0]!.headers['webhook-timestamp'] as string);
      await expectText(page.locator('#request-headers-rows tr', { hasText: 'webhook-signature' }).locator('td').nth(1), failing.requests[0]!.headers['webhook-signature'] as string);
      await expectText(page.locator('#response-headers-rows tr', { hasText: 'content-type' }).locator('td').nth(1), 'text/html');
      // The secret header: masked on the page, in the clear at the receiver.
      await expectTextContaining(page.locator('#request-headers-rows tr', { hasText: 'Authorization' }).locator('td').nth(1), '[secret]');
      expect(await page.content()).not.toContain(PORTAL_SECRET_HEADER);
      expect(failing.requests[0]!.headers.authorization).toBe(PORTAL_SECRET_HEADER);
      await expectAttribute(page.locator('#temporal-link'), 
        'href',
        `http://temporal-ui.test:8233/namespaces/default/workflows/${encodeURIComponent(failed.workflow_id)}`,
      );
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      await expectNoScriptRan(page);
      await record(page, 'delivery-failed');

      failing.respondWith(() => ({ status: 200, body: 'thanks' }));
      await page.getByRole('button', { name: 'Retry', exact: true }).click();
      await expectText(page.locator('#delivery-status'), 'succeeded');
      await expectCount(attempts, 3);
      await expectText(attempts.nth(2).locator('.attempt-code'), 'HTTP 200');
      await expectText(page.locator('#attempt-count'), '3');
      await record(page, 'delivery-retried');

      // Recovering a range finds nothing more to send.
      await page.locator('#delivery-webhook-link').click();
      await page.getByRole('button', { name: 'Re-send failed deliveries' }).click();
      await expectText(page.locator('#recover-result'), 'No failed deliveries in that range.');
    },
    STEP_MS * 4,
  );

  it(
    'shows the event catalogue and charts of attempts and latency',
    async () => {
      await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
      const orders = page.locator(`tr[data-webhook-id="${walk.webhookId}"]`);
      await expectTextContaining(orders, '100 %');
      await expectTextContaining(orders, '3 of 3 finished');
      await record(page, 'webhooks-list-later');

      await page.getByRole('link', { name: 'Event types' }).click();
      await page.getByRole('heading', { level: 1, name: 'Event types' }).waitFor();
      await expectTextContaining(page.locator('tr[data-event-type="webhook.test"]'), 'built-in');
      await record(page, 'event-types');

      await page.getByRole('link', { name: 'Activity' }).click();
      await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
      const bars = page.locator('svg rect.bar-ok');
      await bars.first().waitFor();
      expect(await page.locator('svg rect.bar-bad').count()).toBeGreaterThan(0);
      await expectTextContaining(page.locator('figcaption').first(), 'attempts in the last hour');
      await page.locator('path.line-p50, circle.line-p50').first().waitFor({ state: 'attached' });
      await record(page, 'activity');
      await page.getByRole('button', { name: 'Last day' }).click();
      await expectAttribute(page.getByRole('button', { name: 'Last day' }), 'aria-pressed', 'true');
      await expectTextContaining(page.locator('figcaption').first(), 'attempts in the last day');
    },
    STEP_MS * 2,
  );

  it(
    'fits a phone screen (375 px) without sideways scrolling',
    async () => {
      const phone = await context.newPage();
      phone.on('pageerror', (err) => pageErrors.push(String(err)));
      try {
        await phone.setViewportSize({ width: 375, height: 812 });
        for (const [hash, name, ready] of [
          ['#/webhooks', 'phone-webhooks', '#webhooks-rows tr'],
          [`#/webhooks/${walk.webhookId}`, 'phone-webhook', '#deliveries-rows tr'],
          [`#/deliveries/${walk.failedDeliveryId}`, 'phone-delivery', '#attempts > li'],
        ] as const) {
          await phone.goto(`${base}/portal${hash}`);
          await phone.locator(ready).first().waitFor();
          const width = await phone.evaluate(() => document.documentElement.scrollWidth);
          expect([name, width]).toEqual([name, 375]);
          await record(phone, name);
        }
      } finally {
        await phone.close();
      }
    },
    STEP_MS * 3,
  );

  it(
    'loads every page under its own Content-Security-Policy without a violation',
    async () => {
      const strict = await browser.newContext();
      try {
        await strict.addCookies(await context.cookies(base));
        const p = await strict.newPage();
        const violations: string[] = [];
        p.on('console', (msg) => {
          if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
        });
        p.on('pageerror', (err) => violations.push(String(err)));
        for (const [hash, ready] of [
          ['#/webhooks', '#webhooks-rows tr'],
          [`#/webhooks/${walk.xssWebhookId}`, '#deliveries-rows tr'],
          [`#/deliveries/${walk.failedDeliveryId}`, '#attempts > li'],
          ['#/activity', 'svg'],
          ['#/event-types', '#event-types-rows tr'],
        ] as const) {
          await p.goto(`${base}/portal${hash}`);
          await p.locator(ready).first().waitFor();
        }
        await expectNoScriptRan(p);
        expect(violations).toEqual([]);
      } finally {
        await strict.close();
      }
    },
    STEP_MS * 3,
  );

  it(
    'shows a custom webhook’s format read-only in its form, keeps it on save, and its delivery page lists the custom headers',
    async () => {
      const custom = await Receiver.start();
      const settings = {
        id_header: 'X-GitHub-Delivery',
        timestamp_header: 'X-Hook-Timestamp',
        signature_header: 'X-Hub-Signature-256',
        algorithm: 'hmac-sha256',
        encoding: 'hex',
        template: 'sha256={signature}',
        signed_content: '{body}',
        retry_4xx: false,
      };
      try {
        const created = await stack.http
          .post('/v1/webhooks')
          .set(stack.auth)
          .send({ name: 'Custom', url: custom.url, events: ['custom.portal'], profile: 'custom', custom_profile: settings });
        expect(created.status).toBe(201);
        await page.goto(`${base}/portal#/webhooks/${created.body.id}/edit`);
        await page.getByRole('heading', { level: 1, name: 'Edit webhook' }).waitFor();
        await expect(page.getByLabel('Profile').inputValue()).resolves.toBe('custom');
        await expectTextContaining(page.locator('#custom-profile'), 'X-Hub-Signature-256');
        await expectTextContaining(page.locator('#custom-profile'), 'sha256={signature}');
        await page.getByLabel('Name').fill('Custom renamed');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await expectText(page.locator('#toast'), 'Changes saved.');
        const saved = await stack.http.get(`/v1/webhooks/${created.body.id}`).set(stack.auth);
        expect(saved.body).toMatchObject({ name: 'Custom renamed', profile: 'custom', custom_profile: settings });

        const event = await publishEvent(stack, { type: 'custom.portal', data: { id: 'c_1' } });
        const deliveryId = event.deliveries[0]!.id;
        expect((await waitForFinalDelivery(stack, deliveryId, STEP_MS)).status).toBe('succeeded');
        await page.goto(`${base}/portal#/deliveries/${deliveryId}`);
        await page.getByRole('heading', { level: 1, name: 'Delivery of custom.portal' }).waitFor();
        await expectCount(page.locator('#request-headers-rows tr', { hasText: 'x-hub-signature-256' }), 1);
        await expectCount(page.locator('#request-headers-rows tr', { hasText: 'x-github-delivery' }), 1);
        await expectCount(page.locator('#request-headers-rows tr', { hasText: 'webhook-signature' }), 0);
        const [request] = await custom.waitForRequests(1);
        expect(request!.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', created.body.secret).update(request!.body).digest('hex')}`);
      } finally {
        await custom.stop();
      }
    },
    STEP_MS * 3,
  );

  it(
    'moves a webhook to the assetsup profile with the form, and its delivery page lists X-AssetsUp-Signature',
    async () => {
      const profiled = await Receiver.start();
      try {
        const created = await stack.http
          .post('/v1/webhooks')
          .set(stack.auth)
          .send({ name: 'Profiled', url: profiled.url, events: ['profile.portal'], signature: 'hmac-sha512' });
        expect(created.status).toBe(201);
        await page.goto(`${base}/portal#/webhooks/${created.body.id}/edit`);
        await page.getByRole('heading', { level: 1, name: 'Edit webhook' }).waitFor();
        await page.getByLabel('Profile').selectOption('assetsup');
        await expect(page.getByLabel('Signature scheme').isDisabled()).resolves.toBe(true);
        await page.getByRole('button', { name: 'Save changes' }).click();
        await expectText(page.locator('#toast'), 'Changes saved.');
        const saved = await stack.http.get(`/v1/webhooks/${created.body.id}`).set(stack.auth);
        expect(saved.body).toMatchObject({ profile: 'assetsup', signature: null });

        const event = await publishEvent(stack, { type: 'profile.portal', data: { id: 'p_1' } });
        const deliveryId = event.deliveries[0]!.id;
        expect((await waitForFinalDelivery(stack, deliveryId, STEP_MS)).status).toBe('succeeded');
        await page.goto(`${base}/portal#/deliveries/${deliveryId}`);
        await page.getByRole('heading', { level: 1, name: 'Delivery of profile.portal' }).waitFor();
        await expectCount(page.locator('#request-headers-rows tr', { hasText: 'x-assetsup-signature' }), 1);
        await expectCount(page.locator('#request-headers-rows tr', { hasText: 'webhook-signature' }), 0);
        const [request] = await profiled.waitForRequests(1);
        expect(request!.headers['x-assetsup-signature']).toBe(
          `sha256=${createHmac('sha256', created.body.secret).update(request!.body).digest('hex')}`,
        );
      } finally {
        await profiled.stop();
      }
    },
    STEP_MS * 3,
  );

  it(
    'signs out: the session ends and the page says how to get back in',
    async () => {
      await page.goto(`${base}/portal#/webhooks`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}/portal/login`);
      await page.getByRole('heading', { level: 1, name: 'Ask for a new link' }).waitFor();
      await waitFor(async () => (await page.request.get(`${base}/v1/webhooks`)).status() === 401, { message: 'the ended session to be refused' });
    },
    STEP_MS * 2,
  );
});
