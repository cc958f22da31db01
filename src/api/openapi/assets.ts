import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The files of the `/docs` page, served from the `swagger-ui-dist` package in
 * node_modules: the page loads nothing from any other host.
 */
export const DOCS_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
} as const;
export type DocsAssetName = keyof typeof DOCS_ASSETS;
export const DOCS_ASSET_NAMES = Object.keys(DOCS_ASSETS) as [DocsAssetName, ...DocsAssetName[]];

export const isDocsAsset = (name: string): name is DocsAssetName => Object.hasOwn(DOCS_ASSETS, name);

let root: string | undefined;
const loaded = new Map<DocsAssetName, Buffer>();

/** The file's bytes, read once. */
export function docsAsset(name: DocsAssetName): { body: Buffer; type: string } {
  root ??= dirname(require.resolve('swagger-ui-dist/package.json'));
  let body = loaded.get(name);
  if (!body) {
    body = readFileSync(join(root, name));
    loaded.set(name, body);
  }
  return { body, type: DOCS_ASSETS[name] };
}

/**
 * The page itself. The validator badge is off (`validatorUrl: null`): it
 * would send the document to validator.swagger.io.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Hookline API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({
        url: '/openapi.json',
        dom_id: '#swagger-ui',
        deepLinking: true,
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis],
        layout: 'BaseLayout',
      });
    </script>
  </body>
</html>
`;
