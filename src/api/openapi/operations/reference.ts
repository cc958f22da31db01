import { z } from 'zod';
import { DOCS_ASSET_NAMES } from '../assets';
import type { OperationSpec } from './spec';

/** This document and the reference page that renders it. */
export const REFERENCE_OPERATIONS: OperationSpec[] = [
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'Reference',
    security: 'none',
    responses: {
      200: { description: 'The OpenAPI 3.1 document of this API.', media: { 'application/json': { schema: { type: 'object' } } } },
    },
    errors: [],
  },
  {
    operationId: 'getApiReference',
    method: 'get',
    path: '/docs',
    summary: 'API reference page',
    description: 'This document rendered by Swagger UI, served from the engine itself: the page loads nothing from elsewhere.',
    tag: 'Reference',
    security: 'none',
    responses: { 200: { description: 'An HTML page.', media: { 'text/html': { schema: { type: 'string' } } } } },
    errors: [],
  },
  {
    operationId: 'getApiReferenceAsset',
    method: 'get',
    path: '/docs/:asset',
    summary: 'A file of the API reference page',
    tag: 'Reference',
    security: 'none',
    params: { asset: { description: 'A file of Swagger UI.', schema: z.enum(DOCS_ASSET_NAMES) } },
    responses: {
      200: {
        description: 'The file.',
        media: {
          'text/css': { schema: { type: 'string' } },
          'application/javascript': { schema: { type: 'string' } },
          'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
        },
      },
    },
    errors: [404],
  },
];
