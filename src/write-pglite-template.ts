/**
 * The last step of `npm run build`: the PGlite cluster a first start copies
 * (see eventstore/pglite/cluster-template.ts). It holds the empty schema that
 * this build's code makes (event store, command-side tables, projections at
 * position 0) and no event: the bank's system accounts and billers are still
 * created by the first start, with that start's ids and times.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from './config/config.js';
import { openPGlite, openPGliteEventStore } from './eventstore/pglite/pglite-event-store.js';
import { writeClusterTemplate } from './eventstore/pglite/cluster-template.js';
import { pgliteDb } from './infra/db.js';
import { createLogger } from './infra/logger.js';
import { fromPackageRoot } from './infra/package-root.js';
import { startReadModels } from './projections/read-models.js';
import { migrateServiceTables } from './service.js';

/** The compiled code the template is made by: a new build makes a new template. */
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

const { dir, written } = await writeClusterTemplate(buildId(), async (dataDir) => {
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), dataDir, projectorInProcess: true };
  const logger = createLogger(config);
  const opened = await openPGlite(dataDir);
  const store = await openPGliteEventStore(opened.db, async () => opened.release());
  const infra = { store, db: pgliteDb(opened.db), close: () => store.close() };
  try {
    await migrateServiceTables(infra.db);
    await (await startReadModels(config, logger, infra)).stop();
  } finally {
    await infra.close();
  }
});
if (written) console.log(`wrote the PGlite cluster template ${dir}`);
