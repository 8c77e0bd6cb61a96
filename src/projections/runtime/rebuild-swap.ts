import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Db, Queryable } from '../../infra/db.js';
import { moveBuildTablesLive, type BuildTables } from './build-tables.js';
import { insertCheckpoint, lockCheckpoints, moveCheckpoint, readCheckpoints } from './checkpoints.js';
import { applyHandled, LIVE_SCHEMA } from './projection.js';
import type { RebuildCheck, RebuildProgress } from './rebuild.js';
import { differingTables, tablesExist } from './table-checksums.js';

const TAIL = 10_000;

/** Keeps the last rebuild of each projection in rm_meta.rebuilds (GET /audit/projections shows it). */
export async function recordRebuild(db: Queryable, name: string, state: 'running' | 'done' | 'failed', p: RebuildProgress, error?: string): Promise<void> {
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

const between = (events: readonly RecordedEvent[], after: bigint, upTo: bigint) => events.filter((e) => e.position > after && e.position <= upTo);

/**
 * Tries the swap: one transaction locks the live checkpoint (pausing the live
 * projector meanwhile), brings the build up to it, then replaces the live
 * tables and moves the checkpoint. With `verify`, and a live build of the same
 * version, the two are first brought to the same position and compared.
 * Events are read before the transaction (PGlite cannot read the store inside
 * one); if the live projector moved past what was read, returns undefined to
 * go round again.
 */
export async function swapIn(store: EventStore, db: Db, build: BuildTables, progress: RebuildProgress, verify: boolean): Promise<RebuildCheck | undefined> {
  const { projection, schema } = build;
  const liveBefore = (await readCheckpoints(db)).get(projection.name)?.position ?? 0n;
  const from = liveBefore < progress.position ? liveBefore : progress.position;
  const tail = await store.readAll({ fromPosition: from, max: TAIL });
  const tailEnd = tail.length > 0 ? tail[tail.length - 1]!.position : from;
  return db.transaction(async (tx): Promise<RebuildCheck | undefined> => {
    await insertCheckpoint(tx, projection.name, projection.version);
    const live = (await lockCheckpoints(tx, [projection.name])).get(projection.name)!;
    if (live.position > tailEnd) return undefined;
    const missing = between(tail, progress.position, live.position);
    await applyHandled(projection, tx, missing, schema);
    const reached = live.position > progress.position ? live.position : progress.position;
    let check: RebuildCheck = { compared: false, differing: [] };
    // The live tables can be brought to the build's position only if the tail holds every event in between.
    const comparable = live.position >= from && tailEnd >= reached && live.version === projection.version;
    if (verify && comparable && (await tablesExist(tx, projection, LIVE_SCHEMA))) {
      await applyHandled(projection, tx, between(tail, live.position, reached), LIVE_SCHEMA);
      check = { compared: true, differing: await differingTables(tx, projection, LIVE_SCHEMA, schema) };
    }
    await moveBuildTablesLive(tx, build);
    await moveCheckpoint(tx, projection.name, reached, projection.version);
    progress.events += missing.length;
    progress.position = reached;
    return check;
  });
}
