import type { Db, Queryable } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';

/**
 * Forgets Idempotency-Keys older than `hours` (IDEMPOTENCY_KEY_TTL_HOURS, 24 by
 * default): a retry after that runs as a new request. Claims still leased are
 * kept whatever their age. Returns how many were removed.
 */
export async function pruneIdempotencyKeys(db: Queryable, hours: number): Promise<number> {
  const rows = await db.query<{ n: string }>(
    `with gone as (
       delete from cmd.idempotency_keys
        where created_at < now() - make_interval(hours => $1::int) and lease_until < now()
        returning 1)
     select count(*)::text as n from gone`,
    [hours],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Prunes at start and then every hour; stop() ends it. */
export function startIdempotencyPruning(db: Db, hours: number, logger: Logger): { stop(): void } {
  const run = () =>
    pruneIdempotencyKeys(db, hours).then(
      (n) => n > 0 && logger.info({ removed: n, older_than_hours: hours }, 'idempotency keys pruned'),
      (error: unknown) => logger.warn({ err: error }, 'idempotency key pruning failed; tried again in an hour'),
    );
  void run();
  const timer = setInterval(() => void run(), 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
