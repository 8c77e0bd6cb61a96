import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Router } from 'express';
import type { OpenApiDocument } from '../openapi/bundle.js';
import { REDOC_BUNDLE } from './vendor-files.js';

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0">${body}</body></html>`;

/** The contract and its two readers, served from local files (no CDN). */
export function docsRoutes(doc: OpenApiDocument): Router {
  const router = express.Router();
  const json = JSON.stringify(doc);
  // Written on the first request for it: loading yaml and stringifying the contract took a noticeable part of a start.
  let yaml: Promise<string> | undefined;
  router.get('/api/schema', async (req, res) => {
    if (req.query.format === 'json' || req.accepts(['application/yaml', 'application/json']) === 'application/json') {
      res.type('application/json').send(json);
    } else {
      yaml ??= import('yaml').then((m) => m.stringify(doc));
      res.type('application/yaml').send(await yaml);
    }
  });
  router.get('/api/schema/openapi.json', (_req, res) => res.type('application/json').send(json));
  router.use('/api/schema/swagger-ui/assets', express.static(swaggerDir, { index: false }));
  router.get('/api/schema/swagger-ui', (_req, res) => {
    res.type('html').send(page('Nexus Bank API', `
<link rel="stylesheet" href="/api/schema/swagger-ui/assets/swagger-ui.css">
<div id="swagger-ui"></div>
<script src="/api/schema/swagger-ui/assets/swagger-ui-bundle.js"></script>
<script src="/api/schema/swagger-ui/init.js"></script>`));
  });
  router.get('/api/schema/swagger-ui/init.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.ui = SwaggerUIBundle({ url: '/api/schema/openapi.json', dom_id: '#swagger-ui' });`,
    );
  });
  router.get('/api/schema/redoc/redoc.standalone.js', (_req, res) => res.sendFile(REDOC_BUNDLE));
  router.get('/api/schema/redoc', (_req, res) => {
    res.type('html').send(page('Nexus Bank API', `
<redoc spec-url="/api/schema/openapi.json"></redoc>
<script src="/api/schema/redoc/redoc.standalone.js"></script>`));
  });
  return router;
}
