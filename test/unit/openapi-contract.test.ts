import { checkResponse } from '../support/contract';

/** The check the API test suites run on every response (test/support/harness.ts) finds what it should. */

const webhook = {
  id: '01a21df6-431f-7c13-808e-acec2352ff26',
  name: 'Orders',
  url: 'https://example.com/hooks',
  events: ['order.created'],
  headers: {},
  auth: null,
  profile: 'standard',
  custom_profile: null,
  signature: 'standard',
  config: { include_resource: true, fields: null },
  max_attempts: null,
  timeout_ms: null,
  ordering: 'none',
  status: 'active',
  failure_count: 0,
  disabled_reason: null,
  disabled_at: null,
  last_triggered_at: null,
  created_at: '2026-11-27T17:03:28.047Z',
  updated_at: '2026-11-27T17:03:28.047Z',
};
const json = (method: string, path: string, status: number, body: unknown) => checkResponse({ method, path, status, body, type: 'application/json' });
const notFound = { error: { code: 'not_found', message: 'Webhook x not found' } };

describe('the contract check', () => {
  it('passes responses that match the document', () => {
    expect(json('GET', `/v1/webhooks/${webhook.id}`, 200, webhook)).toBeUndefined();
    expect(json('GET', '/v1/webhooks', 200, { results: [webhook], next_cursor: null })).toBeUndefined();
    expect(json('GET', `/v1/webhooks/${webhook.id}`, 404, notFound)).toBeUndefined();
    expect(checkResponse({ method: 'DELETE', path: `/v1/webhooks/${webhook.id}`, status: 204, body: null, type: '' })).toBeUndefined();
    expect(json('POST', '/v1/webhooks/', 422, { error: { code: 'validation_failed', message: 'm', details: [{ path: 'body.url', message: 'x' }] } })).toBeUndefined();
    expect(json('GET', '/nowhere', 404, notFound)).toBeUndefined();
    expect(checkResponse({ method: 'GET', path: '/docs', status: 200, body: '<!doctype html>', type: 'text/html' })).toBeUndefined();
    expect(checkResponse({ method: 'HEAD', path: '/healthz', status: 200, body: { status: 'ok' }, type: 'application/json' })).toBeUndefined();
  });

  it('flags a status the operation does not list', () => {
    expect(json('GET', '/v1/webhooks', 404, notFound)).toMatch(/listWebhooks .* does not list status 404/);
    expect(json('POST', `/v1/webhooks/${webhook.id}/test`, 409, notFound)).toMatch(/does not list status 409/);
    expect(json('GET', '/healthz', 418, {})).toMatch(/does not list status 418/);
  });

  it('flags a body that does not match its schema', () => {
    expect(json('GET', `/v1/webhooks/${webhook.id}`, 200, { ...webhook, secret: 'whsec_x' })).toMatch(/must NOT have additional properties/);
    const { status: _status, ...withoutStatus } = webhook;
    expect(json('GET', `/v1/webhooks/${webhook.id}`, 200, withoutStatus)).toMatch(/must have required property 'status'/);
    expect(json('GET', `/v1/webhooks/${webhook.id}`, 200, { ...webhook, created_at: 'yesterday' })).toMatch(/must match format "date-time"/);
    expect(json('GET', `/v1/webhooks/${webhook.id}`, 404, { message: 'gone' })).toMatch(/body does not match/);
    expect(json('GET', '/nowhere', 404, { message: 'gone' })).toMatch(/error body does not match Error/);
  });

  it('flags a body where none is documented, and a wrong media type', () => {
    expect(json('DELETE', `/v1/webhooks/${webhook.id}`, 204, webhook)).toMatch(/has no body in the document/);
    expect(checkResponse({ method: 'GET', path: '/healthz', status: 200, body: 'ok', type: 'text/plain' })).toMatch(/answered text\/plain/);
  });

  it('flags a status outside routing errors for a route that is not documented', () => {
    expect(json('GET', '/v2/things', 200, {})).toMatch(/no operation for GET \/v2\/things/);
  });
});
