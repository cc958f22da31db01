import Router from '@koa/router';
import { DOCS_PAGE, docsAsset, isDocsAsset } from './assets';
import { openApiDocument } from './document';

/**
 * `GET /openapi.json` (the contract) and `GET /docs` (it, rendered), both
 * without authentication. The page's files come from node_modules.
 */
export function openApiRoutes() {
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openApiDocument();
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = DOCS_PAGE;
  });
  router.get('/docs/:asset', (ctx) => {
    const name = ctx.params.asset ?? '';
    if (!isDocsAsset(name)) return; // the error middleware answers 404
    const { body, type } = docsAsset(name);
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = body;
  });
  return router;
}
