import { DomainError } from '../../domain/shared/domain-error.js';
import { CHAIN_CHECKPOINTS_STREAM, CHECKPOINT_FORMAT, type ChainCheckpointEvent } from '../../domain/audit/chain-checkpoint.js';
import type { EventStore } from '../../eventstore/port.js';
import type { CheckpointKey, SigningKey } from '../../infra/checkpoint-keys.js';
import type { Logger } from '../../infra/logger.js';
import { systemContext } from '../shared/command-context.js';
import { deterministicId } from '../shared/ids.js';
import { toNewEvent } from '../shared/new-event.js';
import { checkCheckpoint } from '../../audit/checkpoint-check.js';
import { signCheckpoint } from '../../audit/checkpoint-signature.js';
import { ChainWalk } from '../../audit/chain-walk.js';
import { storedCheckpoint, type StoredCheckpoint } from '../../audit/stored-checkpoints.js';

/** Why no checkpoint was signed: the log is not one to vouch for (409 `chain_breaks` or `checkpoint_mismatch`). */
export class CheckpointRefused extends DomainError {
  override readonly name = 'CheckpointRefused';
  constructor(code: 'chain_breaks' | 'checkpoint_mismatch', message: string) {
    super(code, message, 409);
  }
}

export interface SignerOptions {
  clock?: () => Date;
  batchSize?: number;
  onProgress?: (at: bigint, target: bigint, events: number) => void;
}

/**
 * Signs checkpoints of the hash chains and appends them to `chain-checkpoints`.
 *
 * The first signing walks the whole log, checking every chain and holding
 * the log against the latest stored checkpoint a trusted key signed; later
 * ones read only what was appended since (the walk keeps every stream's head
 * in memory). A chain break or a mismatch refuses this and every later
 * signing of this signer: a checkpoint vouches only for a log that checked out.
 * Signings run one at a time.
 */
export class CheckpointSigner {
  private walk: ChainWalk | undefined;
  private refusal: CheckpointRefused | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly clock: () => Date;

  constructor(
    private readonly store: EventStore,
    readonly key: SigningKey,
    private readonly trusted: readonly CheckpointKey[],
    private readonly logger: Logger,
    private readonly options: SignerOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Signs a checkpoint at the head as it is now and appends it. */
  sign(): Promise<StoredCheckpoint> {
    const run = this.queue.then(() => this.signNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async signNow(): Promise<StoredCheckpoint> {
    if (this.refusal) throw this.refusal;
    const head = await this.store.headPosition();
    const walk = this.walk ?? (await this.firstWalk(head));
    if (this.walk) await walk.advance(this.store, head, this.walkOptions(head));
    this.walk = walk;
    if (walk.verifier.breakCount > 0) {
      this.refusal = new CheckpointRefused('chain_breaks', `${walk.verifier.breakCount} hash-chain breaks in the log (see verify): not signing`);
      throw this.refusal;
    }
    const root = walk.headsRoot();
    const now = this.clock();
    const signed = signCheckpoint(
      { format: CHECKPOINT_FORMAT, position: walk.position.toString(), ...root, key_id: this.key.keyId, signed_at: now.toISOString() },
      this.key,
    );
    const event: ChainCheckpointEvent = { type: 'ChainCheckpointSigned', data: signed };
    const context = systemContext('chain-checkpoint');
    context.now = now;
    // One id per key and position: two signers at the same head store one checkpoint.
    const id = deterministicId('chain-checkpoint', this.key.keyId, walk.position.toString());
    const result = await this.store.append(CHAIN_CHECKPOINTS_STREAM, [toNewEvent(event, id, context)], 'any');
    const recorded = result.events[0]!;
    const stored = await storedCheckpoint(this.store, recorded.revision);
    if (!stored) throw new Error(`checkpoint ${recorded.revision} was appended but does not read back`);
    this.logger.info({ checkpoint: stored.id.toString(), position: signed.position, streams: signed.stream_count, merkle_root: signed.merkle_root, key_id: signed.key_id }, 'chain checkpoint signed');
    return stored;
  }

  /** The whole log, held against the latest checkpoint this signer can trust. */
  private async firstWalk(head: bigint): Promise<ChainWalk> {
    const walk = new ChainWalk();
    const latest = await storedCheckpoint(this.store, 'latest');
    const trusted = latest && this.trusted.some((k) => k.keyId === latest.checkpoint.key_id);
    if (latest && !trusted) {
      this.logger.warn({ checkpoint: latest.id.toString(), key_id: latest.checkpoint.key_id }, 'latest chain checkpoint is signed by a key not trusted here (CHECKPOINT_TRUSTED_KEYS): not compared');
    }
    const at = trusted ? BigInt(latest.checkpoint.position) : undefined;
    const roots = await walk.advance(this.store, head, { ...this.walkOptions(head), rootsAt: at === undefined ? [] : [at] });
    if (trusted && at !== undefined) {
      const check = checkCheckpoint({ id: latest.id.toString(), checkpoint: latest.checkpoint, trusted: this.trusted, allowEmbedded: false }, roots.get(at)!, head);
      if (!check.ok) {
        this.refusal = new CheckpointRefused('checkpoint_mismatch', `the log no longer matches checkpoint ${latest.id}: ${check.problems.map((p) => p.detail).join('; ')}`);
        throw this.refusal;
      }
    }
    return walk;
  }

  private walkOptions(head: bigint) {
    const report = this.options.onProgress;
    return { batchSize: this.options.batchSize, onProgress: report ? (at: bigint, events: number) => report(at, head, events) : undefined };
  }

  /** Waits for a signing under way. */
  async stop(): Promise<void> {
    await this.queue;
  }
}
