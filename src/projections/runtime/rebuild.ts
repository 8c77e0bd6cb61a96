import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Db, Queryable } from '../../infra/db.js';
import { insertCheckpoint, lockCheckpoints, moveCheckpoint } from './checkpoints.js';
import { applyHandled, buildSchema, LIVE_SCHEMA, type Projection } from './projection.js';

export interface RebuildProgress {
  position: bigint;
  target: bigint;
  events: number;
}

export interface RebuildOptions {
  batchSize: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Checked between batches; a stopped rebuild leaves the live tables untouched. */
  shouldStop?: () => boolean;
}

export class RebuildStopped extends Error {
  override readonly name = 'RebuildStopped';
}

async function recordRebuild(db: Queryable, name: string, state: string, p: RebuildProgress, error?: string): Promise<void> {
  await db.query(
    `insert into rm_meta.rebuilds (name, state, position, target_position, events_applied, error, started_at, finished_at)
     values ($1, $2, $3::bigint, $4::bigint, $5, $6, now(), case when $2 = 'running' then null else now() end)
     on conflict (name) do update set state = excluded.state, position = excluded.position,
       target_position = excluded.target_position, events_applied = excluded.events_applied, error = excluded.error,
       started_at = case when rm_meta.rebuilds.state = 'running' then rm_meta.rebuilds.started_at else excluded.started_at end,
       finished_at = excluded.finished_at`,
    [name, state, p.position.toString(), p.target.toString(), p.events, error ?? null],
  );
}

async function freshBuildSchema(db: Db, projection: Projection): Promise<string> {
  const schema = buildSchema(projection.name);
  await db.transaction(async (tx) => {
    await tx.query(`drop schema if exists ${schema} cascade`);
    await tx.query(`create schema ${schema}`);
    await projection.setup(tx, schema);
  });
  return schema;
}

/**
 * Rebuilds `projection` from position 0 into fresh tables in its build schema,
 * in short batches (the live tables keep serving meanwhile), then swaps them
 * in: one transaction locks the live checkpoint (pausing the live projector
 * for this projection only), applies the last events up to it, replaces the
 * live tables and moves the checkpoint.
 */
export async function rebuildProjection(
  store: EventStore,
  db: Db,
  projection: Projection,
  options: RebuildOptions,
): Promise<RebuildProgress> {
  const schema = await freshBuildSchema(db, projection);
  const progress: RebuildProgress = { position: 0n, target: await store.headPosition(), events: 0 };
  await recordRebuild(db, projection.name, 'running', progress);
  try {
    const read = (from: bigint) => store.readAll({ fromPosition: from, max: options.batchSize });
    let next: Promise<RecordedEvent[]> | undefined;
    for (;;) {
      if (options.shouldStop?.()) throw new RebuildStopped(`rebuild of ${projection.name} stopped`);
      const batch = await (next ?? read(progress.position));
      next = undefined;
      if (batch.length > 0) {
        // Read the next batch while this one is applied.
        if (batch.length === options.batchSize) {
          next = read(batch[batch.length - 1]!.position);
          next.catch(() => undefined);
        }
        // Not flushed one by one: the swap's commit is, and a crash before it drops the build.
        await db.transaction((tx) => applyHandled(projection, tx, batch, schema), { durable: false });
        progress.position = batch[batch.length - 1]!.position;
        progress.events += batch.length;
        if (progress.position > progress.target) progress.target = progress.position;
        options.onProgress?.({ ...progress });
      }
      if (batch.length < options.batchSize && (await swapIn(store, db, projection, schema, progress))) break;
    }
    await recordRebuild(db, projection.name, 'done', progress);
    return progress;
  } catch (error) {
    await recordRebuild(db, projection.name, 'failed', progress, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    await db.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    throw error;
  }
}

/**
 * Tries the swap. Events between the build's position and the live checkpoint
 * are read before the transaction (PGlite cannot read the store inside one);
 * if the live projector moved past what was read, returns false to go round again.
 */
async function swapIn(store: EventStore, db: Db, projection: Projection, schema: string, progress: RebuildProgress): Promise<boolean> {
  const tail: RecordedEvent[] = await store.readAll({ fromPosition: progress.position, max: 10_000 });
  const tailEnd = tail.length > 0 ? tail[tail.length - 1]!.position : progress.position;
  return db.transaction(async (tx) => {
    await insertCheckpoint(tx, projection.name, projection.version);
    const live = (await lockCheckpoints(tx, [projection.name])).get(projection.name)!;
    if (live.position > tailEnd) return false;
    const missing = tail.filter((e) => e.position <= live.position);
    await applyHandled(projection, tx, missing, schema);
    const reached = live.position > progress.position ? live.position : progress.position;
    for (const table of projection.tables) {
      await tx.query(`drop table if exists ${LIVE_SCHEMA}.${table} cascade`);
      await tx.query(`alter table ${schema}.${table} set schema ${LIVE_SCHEMA}`);
    }
    await tx.query(`drop schema ${schema} cascade`);
    await moveCheckpoint(tx, projection.name, reached, projection.version);
    progress.events += missing.length;
    progress.position = reached;
    return true;
  });
}
