import type { Db } from '../../infra/db.js';
import { decodeState, encodeState } from './state-codec.js';

export interface Snapshot<S> {
  revision: bigint;
  state: S;
}

/**
 * Aggregate snapshots, so that loading a long stream reads only its tail.
 * Not a source of truth: a missing or old snapshot only costs a longer read.
 * `version` invalidates snapshots when a decider's state shape changes.
 */
export class SnapshotStore {
  constructor(private readonly db: Db) {}

  async load<S>(stream: string, version: number): Promise<Snapshot<S> | undefined> {
    const rows = await this.db.query<{ revision: string; state: string }>(
      'select revision::text as revision, state from cmd.snapshots where stream_id = $1 and version = $2',
      [stream, version],
    );
    const row = rows[0];
    return row ? { revision: BigInt(row.revision), state: decodeState<S>(row.state) } : undefined;
  }

  async save<S>(stream: string, version: number, snapshot: Snapshot<S>): Promise<void> {
    await this.db.query(
      `insert into cmd.snapshots (stream_id, version, revision, state) values ($1, $2, $3, $4)
       on conflict (stream_id) do update set version = excluded.version, revision = excluded.revision,
         state = excluded.state, saved_at = now()
       where cmd.snapshots.revision < excluded.revision or cmd.snapshots.version <> excluded.version`,
      [stream, version, snapshot.revision.toString(), encodeState(snapshot.state)],
    );
  }

  /** Drops a stream's snapshot (it may hold what must not outlive an erasure). */
  async delete(stream: string): Promise<void> {
    await this.db.query('delete from cmd.snapshots where stream_id = $1', [stream]);
  }
}
