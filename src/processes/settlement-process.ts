import type { BankRecordedEvent } from '../eventstore/bank-events.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { Db } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { AggregateRepository } from '../commands/shared/aggregate-repository.js';
import { systemContext } from '../commands/shared/command-context.js';
import { WatchingFollower } from './watching-follower.js';
import { settleDebit, transferEventId } from '../commands/transfers/settle.js';
import { accountOfStream } from '../domain/accounts/sub-streams.js';

interface Pending {
  debit: BankRecordedEvent<'AccountDebited'>;
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
const HANDLES = ['AccountDebited', 'AccountCredited', 'DebitReversed', 'FxPositionPosted'] as const;

/**
 * The transfer process manager. Follows `$all`; every debit whose credit (and
 * fee) or reversal has not appeared within the grace period — the request
 * that wrote it crashed — is settled here with the same deterministic event
 * ids. Its checkpoint never passes an unsettled debit.
 */
export class SettlementProcess extends WatchingFollower<Pending, (typeof HANDLES)[number]> {
  settledHere = 0;

  constructor(
    store: EventStore,
    db: Db,
    private readonly repo: AggregateRepository,
    logger: Logger,
    private readonly options: SettlementOptions = { graceMs: 2_000, batchSize: 500, idleMs: 100 },
  ) {
    super(NAME, HANDLES, store, db, logger, options);
  }

  protected observe(event: BankRecordedEvent<(typeof HANDLES)[number]>): void {
    const pending = this.watched;
    if (event.type === 'AccountDebited') {
      const data = event.data;
      const t = data.transfer_id;
      const awaiting = new Set([transferEventId(t, 'credit')]);
      if (BigInt(data.fee) > 0n) awaiting.add(transferEventId(t, 'fee'));
      if (data.fx) for (const step of ['fx-in', 'fx-out'] as const) awaiting.add(transferEventId(t, step));
      pending.set(t, { debit: event, awaiting });
      return;
    }
    const transferId = event.data.transfer_id;
    const p = pending.get(transferId);
    if (!p) return;
    if (event.event_id === transferEventId(transferId, 'reversal')) p.awaiting.clear();
    else p.awaiting.delete(event.event_id);
    if (p.awaiting.size === 0) pending.delete(transferId);
  }

  protected async act(): Promise<void> {
    const pending = this.watched;
    const now = Date.now();
    for (const [transferId, p] of pending) {
      if (now - p.debit.recorded_at.getTime() < this.options.graceMs) continue;
      const from = accountOfStream(p.debit.stream_id);
      await settleDebit(this.repo, systemContext('settlement', p.debit.event_id), from, p.debit.data);
      pending.delete(transferId);
      this.settledHere++;
      this.logger.info({ transfer_id: transferId }, 'settled a transfer left half-done');
    }
  }

  protected since(p: Pending): RecordedEvent {
    return p.debit;
  }
}
