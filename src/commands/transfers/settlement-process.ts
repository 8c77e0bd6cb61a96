import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Db } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { systemContext } from '../shared/command-context.js';
import { FollowerLoop } from '../../infra/follower-loop.js';
import { settleDebit, transferEventId, type DebitData } from './settle.js';

interface Pending {
  debit: RecordedEvent;
  /** Event ids still to appear before the transfer counts as settled. */
  awaiting: Set<string>;
}

export interface SettlementOptions {
  /** How long a debit may wait for its credit before the process finishes it. */
  graceMs: number;
  batchSize: number;
  idleMs: number;
}

const NAME = 'settlement';

/**
 * The transfer process manager. Follows `$all`; every debit whose credit (and
 * fee) or reversal has not appeared within the grace period — the request
 * that wrote it crashed — is settled here with the same deterministic event
 * ids. Its checkpoint never passes an unsettled debit.
 */
export class SettlementProcess {
  private readonly pending = new Map<string, Pending>();
  private readonly loop: FollowerLoop;
  /** Read position and last saved checkpoint; undefined until loaded (and after a failure). */
  private cursor: { readFrom: bigint; saved: bigint } | undefined;
  settledHere = 0;

  constructor(
    private readonly store: EventStore,
    private readonly db: Db,
    private readonly repo: AggregateRepository,
    private readonly logger: Logger,
    private readonly options: SettlementOptions = { graceMs: 2_000, batchSize: 500, idleMs: 100 },
  ) {
    this.loop = new FollowerLoop('settlement process', logger, options.idleMs, () => this.step(), () => {
      // Start again from the saved checkpoint, re-learning what is pending.
      this.cursor = undefined;
      this.pending.clear();
    });
  }

  static async migrate(db: Db): Promise<void> {
    await db.query(`
      create schema if not exists cmd;
      create table if not exists cmd.process_checkpoints (
        name text primary key,
        position bigint not null,
        updated_at timestamptz not null default now()
      );`);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async step(): Promise<boolean> {
    if (!this.cursor) {
      const at = await this.loadCheckpoint();
      this.cursor = { readFrom: at, saved: at };
    }
    const batch = await this.store.readAll({ fromPosition: this.cursor.readFrom, max: this.options.batchSize });
    for (const event of batch) this.observe(event);
    if (batch.length > 0) this.cursor.readFrom = batch[batch.length - 1]!.position;
    await this.settleOverdue();
    const checkpoint = this.checkpoint(this.cursor.readFrom);
    if (checkpoint !== this.cursor.saved) {
      await this.saveCheckpoint(checkpoint);
      this.cursor.saved = checkpoint;
    }
    return batch.length === this.options.batchSize;
  }

  private observe(event: RecordedEvent): void {
    if (event.type === 'AccountDebited') {
      const data = event.data as unknown as DebitData;
      const t = data.transfer_id;
      const awaiting = new Set([transferEventId(t, 'credit')]);
      if (BigInt(data.fee) > 0n) awaiting.add(transferEventId(t, 'fee'));
      if (data.fx) for (const step of ['fx-in', 'fx-out'] as const) awaiting.add(transferEventId(t, step));
      this.pending.set(t, { debit: event, awaiting });
      return;
    }
    if (event.type !== 'AccountCredited' && event.type !== 'DebitReversed' && event.type !== 'FxPositionPosted') return;
    const transferId = String(event.data.transfer_id);
    const p = this.pending.get(transferId);
    if (!p) return;
    if (event.event_id === transferEventId(transferId, 'reversal')) p.awaiting.clear();
    else p.awaiting.delete(event.event_id);
    if (p.awaiting.size === 0) this.pending.delete(transferId);
  }

  private async settleOverdue(): Promise<void> {
    const now = Date.now();
    for (const [transferId, p] of this.pending) {
      if (now - p.debit.recorded_at.getTime() < this.options.graceMs) continue;
      const data = p.debit.data as unknown as DebitData;
      const from = p.debit.stream_id.replace(/^account-/, '');
      await settleDebit(this.repo, systemContext('settlement', p.debit.event_id), from, data);
      this.pending.delete(transferId);
      this.settledHere++;
      this.logger.info({ transfer_id: transferId }, 'settled a transfer left half-done');
    }
  }

  /** Just before the oldest unsettled debit, or everything read. */
  private checkpoint(readTo: bigint): bigint {
    let low = readTo;
    for (const p of this.pending.values()) if (p.debit.position - 1n < low) low = p.debit.position - 1n;
    return low;
  }

  private async loadCheckpoint(): Promise<bigint> {
    const rows = await this.db.query<{ position: string }>(`select position::text as position from cmd.process_checkpoints where name = $1`, [NAME]);
    return BigInt(rows[0]?.position ?? '0');
  }

  private async saveCheckpoint(position: bigint): Promise<void> {
    await this.db.query(
      `insert into cmd.process_checkpoints (name, position) values ($1, $2::bigint)
       on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [NAME, position.toString()],
    );
  }
}
