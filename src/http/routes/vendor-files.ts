import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fromPackageRoot } from '../../infra/package-root.js';

/** redoc's standalone bundle, copied by `npm run build` (redoc itself is a development dependency). */
export const REDOC_BUNDLE = fromPackageRoot('dist', 'vendor', 'redoc.standalone.js');

const VENDOR_FILES = [
  { from: 'redoc/bundles/redoc.standalone.js', to: REDOC_BUNDLE },
  { from: 'redoc/bundles/redoc.standalone.js.LICENSE.txt', to: `${REDOC_BUNDLE}.LICENSE.txt` },
];

/**
 * Part of `npm run build`: copies the browser files the service serves from a
 * development dependency into dist/vendor/, so the production install does
 * not need that package. redoc's standalone bundle is one 1 MB file, while
 * the redoc package pulls about 70 MB of React, MobX and core-js into
 * node_modules.
 */
export function copyVendorFiles(): void {
  const require = createRequire(import.meta.url);
  for (const { from, to } of VENDOR_FILES) {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(require.resolve(from), to);
  }
}
