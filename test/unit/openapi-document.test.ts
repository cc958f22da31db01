import { validate } from '@readme/openapi-parser';
import { z } from 'zod';
import { buildOpenApiDocument, openApiDocument } from '../../src/api/openapi/document';
import { OPERATIONS } from '../../src/api/openapi/operations';
import * as schemas from '../../src/api/schemas';

/** The document is valid OpenAPI 3.1, and built from the schemas the routes validate with. */

const doc = openApiDocument();
type Json = Record<string, any>;
const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as Json })));

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for a real validator', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is refused by the same validator when broken (the check can fail)', async () => {
    const broken = structuredClone(doc) as Json;
    broken.paths['/v1/webhooks'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nope' };
    delete broken.info.title;
    const result = await validate(broken as never);
    expect(result.valid).toBe(false);
  });

  it('gives every operation a unique id, a tag, a success answer (or a redirect), and the error shape for 500', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations()) {
      const statuses = Object.keys(op.responses);
      expect([path, method, statuses.some((s) => /^[23]/.test(s))]).toEqual([path, method, true]);
      expect(op.responses['500']).toEqual({ $ref: '#/components/responses/InternalError' });
      expect(op.tags).toHaveLength(1);
    }
  });

  it('lists 400 and 404 on every route with a path id, and 422 on every route that validates input', () => {
    for (const { path, method, op } of operations()) {
      const statuses = Object.keys(op.responses);
      if (path.includes('{id}')) expect([path, method, statuses]).toEqual([path, method, expect.arrayContaining(['400', '404'])]);
      if (op.requestBody || op.parameters?.some((p: Json) => p.in === 'query')) {
        expect([path, method, statuses]).toEqual([path, method, expect.arrayContaining(['422'])]);
      }
      if (path.startsWith('/v1/')) expect([path, method, statuses]).toEqual([path, method, expect.arrayContaining(['401'])]);
    }
  });

  it('uses bearer authentication with two schemes, tenant API key and admin key, beside the portal session cookie', () => {
    expect(doc.components.securitySchemes).toEqual({
      ApiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      AdminKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      PortalSession: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'hookline_portal' }),
    });
    expect(doc.security).toEqual([{ ApiKey: [] }]);
  });

  it('takes request bodies and query parameters from the zod schemas the routes validate with', () => {
    const input = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Json;
    const components = doc.components.schemas as Json;
    expect(Object.keys(components.CreateWebhookRequest.properties)).toEqual(Object.keys(input(schemas.createWebhookBody).properties));
    expect(components.CreateWebhookRequest.required).toEqual(['name', 'url', 'events']);
    expect(components.UpdateWebhookRequest.minProperties).toBe(1);
    const params = doc.paths['/v1/deliveries']!.get!.parameters as Json[];
    expect(params.map((p) => p.name)).toEqual(Object.keys(schemas.listDeliveriesQuery.shape));
    expect(params.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', default: 10, maximum: 200 } });
    for (const op of OPERATIONS) {
      if (op.body) expect(Object.values(schemas)).toContain(op.body.schema);
      if (op.query) expect(Object.values(schemas)).toContain(op.query);
    }
  });

  it('carries no JSON Schema noise that OpenAPI 3.1 tools trip on', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"$id"');
    expect(text).not.toContain('9007199254740991');
  });

  it('is built the same way every time', () => {
    expect(buildOpenApiDocument()).toEqual(doc);
  });
});
