import { PGlite } from '@electric-sql/pglite';
import { SqlEventStore } from '../sql/sql-event-store.js';
import { fillFromClusterTemplate, holdsCluster } from './cluster-template.js';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteExecutor } from './pglite-executor.js';

export interface OpenedPGlite {
  db: PGlite;
  release: () => void;
  /** How the cluster came to be: it was there, copied from the build's template, or made by initdb (or in memory). */
  cluster: 'existing' | 'template' | 'initdb';
}

/**
 * Opens (or creates) the embedded database in `dataDir`; `memory://` keeps it
 * in memory. A new folder is filled from the cluster template that the build
 * wrote, when there is one for this PGlite, instead of running initdb.
 */
export async function openPGlite(dataDir: string): Promise<OpenedPGlite> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => undefined : lockDataDir(dataDir);
  try {
    let cluster: OpenedPGlite['cluster'] = 'initdb';
    if (!inMemory && holdsCluster(dataDir)) cluster = 'existing';
    else if (!inMemory && fillFromClusterTemplate(dataDir)) cluster = 'template';
    const db = await PGlite.create(inMemory ? undefined : dataDir);
    return { db, release, cluster };
  } catch (error) {
    release();
    throw error;
  }
}

/** The embedded adapter. It shares the PGlite instance with the read models. */
export async function openPGliteEventStore(db: PGlite, onClose?: () => Promise<void>): Promise<SqlEventStore> {
  const executor = new PGliteExecutor(db, onClose);
  await SqlEventStore.migrate({ kind: 'pglite', pglite: db }, executor);
  return new SqlEventStore('pglite', executor, 10);
}
