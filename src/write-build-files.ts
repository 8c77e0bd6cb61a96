/**
 * `npm run build` after tsc: the files the compiled service reads besides its
 * code. It runs before every `npm start`, so it does nothing it need not: the
 * template is only remade when the compiled code changed.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeClusterTemplate } from './eventstore/pglite/cluster-template.js';
import { copyVendorFiles } from './http/routes/vendor-files.js';
import { fromPackageRoot } from './infra/package-root.js';

/** The compiled code a template is made by: a new build makes a new template. */
function buildId(): string {
  const root = fromPackageRoot('dist', 'src');
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) hash.update(`${relative(root, path)}\0`).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

copyVendorFiles();
const { dir, written } = await writeClusterTemplate(buildId(), async (dataDir) => (await import('./pglite-template-schema.js')).prepareTemplateSchema(dataDir));
if (written) console.log(`wrote the PGlite cluster template ${dir}`);
