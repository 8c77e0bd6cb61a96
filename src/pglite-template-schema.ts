import { randomBytes } from 'node:crypto';
import { loadConfig } from './config/config.js';
import { openPGlite, openPGliteEventStore } from './eventstore/pglite/pglite-event-store.js';
import { pgliteDb } from './infra/db.js';
import { createLogger } from './infra/logger.js';
import { withPersonalData } from './infra/open-infrastructure.js';
import { startReadModels } from './projections/read-models.js';

/**
 * Creates the empty schema that this build's code makes in the PGlite cluster
 * template (see eventstore/pglite/cluster-template.ts) through the same
 * migrations as every start (src/migrations: the event store's when it is
 * opened, the service's with the personal data), then the projections at
 * position 0, and no event. The
 * bank's system accounts and billers are still created by the first start,
 * with that start's ids and times.
 */
export async function prepareTemplateSchema(dataDir: string): Promise<void> {
  // Throw-away secrets: a template must never carry (or make) the secrets file every install would then share.
  const secret = () => randomBytes(32).toString('hex');
  const env = { LOG_LEVEL: 'silent', JWT_SECRET: secret(), DATA_MASTER_KEY: secret(), EMAIL_HASH_KEY: secret(), EMAIL_MODE: 'drop' };
  const config = { ...loadConfig(env), dataDir, projectorInProcess: true };
  const opened = await openPGlite(dataDir);
  const store = await openPGliteEventStore(opened.db, async () => opened.release());
  const infra = await withPersonalData(store, pgliteDb(opened.db), config, () => store.close());
  try {
    await (await startReadModels(config, createLogger(config), infra)).stop();
  } finally {
    await infra.close();
  }
}
