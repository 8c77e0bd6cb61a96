import { SqlEventStore } from '../sql/sql-event-store.js';
import { PgExecutor } from './pg-executor.js';

/** The PostgreSQL adapter: the events table in schema `es` of DATABASE_URL; `batchesInFlight`: see AppendBatcher. */
export async function openPostgresEventStore(connectionString: string, poolSize = 40, batchesInFlight = 2): Promise<SqlEventStore> {
  const executor = new PgExecutor(connectionString, poolSize);
  await SqlEventStore.migrate({ kind: 'postgres', url: connectionString }, executor).catch(async (error: unknown) => {
    await executor.end();
    throw error;
  });
  return new SqlEventStore('postgres', executor, undefined, batchesInFlight);
}
