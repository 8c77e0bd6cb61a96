import { DomainError } from '../domain/shared/domain-error.js';
import type { BankRecordedEvent } from '../eventstore/bank-events.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import type { Db } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import type { AggregateRepository } from '../commands/shared/aggregate-repository.js';
import { systemContext, type CommandContext } from '../commands/shared/command-context.js';
import { deterministicId } from '../commands/shared/ids.js';
import { WatchingFollower } from './watching-follower.js';
import { finishHeldTransfer, type HeldOutcome } from '../commands/transfers/held-transfer.js';
import { endHold } from '../commands/transfers/holds.js';
import { transferAggregate, transferStream } from '../commands/transfers/transfer-aggregate.js';

interface OpenHold {
  transfer_id: string;
  account: string;
  /** The FundsHeld event (or the HoldReleased of a hold voided after its confirmation): the checkpoint never passes it while watched. */
  placed: BankRecordedEvent<'FundsHeld' | 'HoldReleased'>;
  /** When to look at it next (ms since the epoch): its expiry plus the grace period. */
  dueAt: number;
}

export interface HoldExpiryOptions {
  /** How long after a hold's expiry the process steps in (a confirmation sent in time may still be finishing). */
  graceMs: number;
  batchSize: number;
  idleMs: number;
  /** Pause before a hold whose finishing was refused is tried again. */
  retryMs: number;
}

const NAME = 'hold-expiry';
const HANDLES = ['FundsHeld', 'HoldReleased', 'AccountDebited'] as const;

/** Reasons a hold is voided only once its transfer is confirmed (the posting found a frozen party). */
const VOIDED_AFTER_CONFIRMATION: ReadonlySet<string> = new Set(['sender_frozen', 'receiver_frozen']);

/**
 * The hold expiry process. Follows `$all` with its own checkpoint (which never
 * passes an open hold) and keeps the open holds in memory. When a hold's
 * expiry (plus a grace period) has passed, it finishes its transfer as the
 * `transfer-<id>` stream says: still waiting for its code → TransferExpired,
 * then the hold is voided; confirmed (the request died between the
 * confirmation and the posting) → the hold is posted and settled; locked or
 * failed → voided. A hold whose request died before recording the transfer is
 * voided as expired. A hold voided at its posting (frozen party) is watched
 * the same way until its transfer is recorded as failed. Every step has a
 * deterministic event id and the sender's stream decides how a hold ends, so
 * racing a confirmation, a retry or a second process ends each hold once.
 */
export class HoldExpiryProcess extends WatchingFollower<OpenHold, (typeof HANDLES)[number]> {
  /** Holds this process finished, by outcome (for tests and logs). */
  readonly finished = { posted: 0, voided: 0 };

  constructor(
    store: EventStore,
    db: Db,
    private readonly repo: AggregateRepository,
    logger: Logger,
    private readonly options: HoldExpiryOptions = { graceMs: 2_000, batchSize: 500, idleMs: 250, retryMs: 30_000 },
  ) {
    super(NAME, HANDLES, store, db, logger, options);
  }

  /** Transfers the process is watching now (open holds, voided ones not yet recorded as failed). */
  get watching(): number {
    return this.watched.size;
  }

  protected observe(event: BankRecordedEvent<(typeof HANDLES)[number]>): void {
    const open = this.watched;
    if (event.type === 'FundsHeld') {
      const data = event.data;
      open.set(data.transfer_id, {
        transfer_id: data.transfer_id,
        account: event.stream_id.replace(/^account-/, ''),
        placed: event,
        dueAt: Date.parse(data.expires_at) + this.options.graceMs,
      });
    } else if (event.type === 'HoldReleased' && VOIDED_AFTER_CONFIRMATION.has(event.data.reason)) {
      // Voided after its confirmation: the transfer must also be recorded as failed, which the
      // confirmation does next, unless it died first. Watched until then, like an open hold.
      const transferId = event.data.transfer_id;
      open.set(transferId, { transfer_id: transferId, account: event.stream_id.replace(/^account-/, ''), placed: event, dueAt: event.recorded_at.getTime() + this.options.graceMs });
    } else if (event.type === 'HoldReleased' || (event.type === 'AccountDebited' && event.data.from_reservation === true)) {
      open.delete(event.data.transfer_id);
    }
  }

  protected async act(): Promise<void> {
    const open = this.watched;
    for (const hold of [...open.values()]) {
      if (Date.now() < hold.dueAt) continue;
      const ctx = systemContext('hold-expiry', hold.placed.event_id);
      try {
        const outcome = await this.finish(hold, ctx);
        if (outcome === 'later') continue;
        open.delete(hold.transfer_id);
        if (outcome.kind === 'waiting') continue;
        this.finished[outcome.kind]++;
        this.logger.info({ transfer_id: hold.transfer_id, outcome: outcome.kind }, 'finished a transfer hold');
      } catch (error) {
        // A refusal is not fixed by retrying at once; anything else (the database) fails the step.
        if (!(error instanceof DomainError)) throw error;
        hold.dueAt = Date.now() + this.options.retryMs;
        this.logger.warn({ err: error, transfer_id: hold.transfer_id }, 'could not finish a transfer hold; will try again');
      }
    }
  }

  protected since(hold: OpenHold): RecordedEvent {
    return hold.placed;
  }

  private async finish(hold: OpenHold, ctx: CommandContext): Promise<HeldOutcome | 'later'> {
    const stream = transferStream(hold.transfer_id);
    let { state } = await this.repo.load(transferAggregate, stream);
    if (!state.request) {
      // The request died between placing the hold and recording the transfer: nothing can confirm it.
      await endHold(this.repo, this.store, ctx, hold.account, { type: 'ReleaseHold', transfer_id: hold.transfer_id, reason: 'expired' });
      return { kind: 'voided', reason: 'expired' };
    }
    if (state.status === 'pending_otp') {
      const decided = await this.repo.execute(transferAggregate, stream, { type: 'ExpireTransfer' }, ctx, () =>
        deterministicId('transfer-expired', hold.transfer_id),
      );
      state = decided.state;
      if (state.status === 'pending_otp') {
        // The request's own expiry is later than the hold's (a retried request): look again then.
        hold.dueAt = Date.parse(state.request!.expires_at) + this.options.graceMs;
        return 'later';
      }
    }
    return finishHeldTransfer(this.repo, this.store, ctx, state);
  }
}
