import { PGlite } from '@electric-sql/pglite';
import { SqlEventStore } from '../sql/sql-event-store.js';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteExecutor } from './pglite-executor.js';

export interface OpenedPGlite {
  db: PGlite;
  release: () => void;
}

/** Opens (or creates) the embedded database in `dataDir`; `memory://` keeps it in memory. */
export async function openPGlite(dataDir: string): Promise<OpenedPGlite> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => undefined : lockDataDir(dataDir);
  try {
    const db = await PGlite.create(inMemory ? undefined : dataDir);
    return { db, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** The embedded adapter. It shares the PGlite instance with the read models. */
export async function openPGliteEventStore(db: PGlite, onClose?: () => Promise<void>): Promise<SqlEventStore> {
  const executor = new PGliteExecutor(db, onClose);
  await SqlEventStore.migrate(executor);
  return new SqlEventStore('pglite', executor, 10);
}
