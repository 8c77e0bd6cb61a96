import { assess } from '../../domain/risk/assess.js';
import type { Finding } from '../../domain/risk/facts.js';
import { emptyMemory, pruneMemory, type RiskMemory } from '../../domain/risk/memory.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { RiskConfig } from '../../config/risk-config.js';
import type { Db } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { accountAggregate, accountStream } from '../../commands/accounts/account-aggregate.js';
import type { AggregateRepository } from '../../commands/shared/aggregate-repository.js';
import { systemContext } from '../../commands/shared/command-context.js';
import { FollowerLoop } from '../../infra/follower-loop.js';
import { idsFrom } from '../../commands/shared/ids.js';
import { incidentIdFor, raiseIncident } from '../../commands/risk/incident-aggregate.js';
import { factOf, RISK_FACT_EVENTS, type RiskFactEvent } from './risk-facts.js';
import { ofTypes } from '../../eventstore/bank-events.js';
import { RiskMemoryStore } from './risk-memory-store.js';

export interface RiskProcessOptions {
  batchSize: number;
  idleMs: number;
  /**
   * Least time between two saves of memory and checkpoint (default 1 s). Work
   * done since the last save is done again after a crash, with the same result:
   * incidents have ids derived from their event and rule.
   */
  saveEveryMs?: number;
}

const NAME = 'risk';
const factEvents = ofTypes(RISK_FACT_EVENTS);

/**
 * The risk process. Follows `$all`, turns sign-in attempts, security hits and
 * customer transfers into facts, runs the rules of src/domain/risk and raises
 * an incident per finding (id derived from the triggering event and the rule,
 * so a replay raises nothing twice). With auto-freeze on, a critical finding
 * about an account freezes it as `system:risk`. The rules' memory is saved
 * with the checkpoint in one statement, so a restart resumes exactly; saves
 * are spaced (`saveEveryMs`) and write only the entries that changed
 * (risk-memory-store.ts).
 */
export class RiskProcess {
  private memory: RiskMemory = emptyMemory();
  private readonly loop: FollowerLoop;
  /** Undefined until loaded from the checkpoint, and again after a failure. */
  private readFrom: bigint | undefined;
  /** The last event handled but not yet saved, and when the last save happened. */
  private unsaved: RecordedEvent | undefined;
  private savedAt = 0;
  private readonly saved: RiskMemoryStore;
  raisedHere = 0;

  constructor(
    private readonly store: EventStore,
    private readonly db: Db,
    private readonly repo: AggregateRepository,
    private readonly config: RiskConfig,
    private readonly logger: Logger,
    private readonly options: RiskProcessOptions = { batchSize: 500, idleMs: 100 },
  ) {
    this.saved = new RiskMemoryStore(db, NAME);
    // After a failure, resume from what was saved: memory and position move together.
    this.loop = new FollowerLoop('risk process', logger, options.idleMs, () => this.step(), () => {
      this.readFrom = undefined;
      this.unsaved = undefined;
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Wakes the loop early (after an append in this process). */
  nudge(): void {
    this.loop.nudge();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    if (this.unsaved) await this.save(this.unsaved).catch((error: unknown) => this.logger.warn({ err: error }, 'risk process: last save failed'));
  }

  private async step(): Promise<boolean> {
    this.readFrom ??= await this.load();
    const batch = await this.store.readAll({ fromPosition: this.readFrom, max: this.options.batchSize, follower: true });
    for (const event of factEvents(batch)) await this.handle(event);
    if (batch.length > 0) {
      this.unsaved = batch[batch.length - 1]!;
      this.readFrom = this.unsaved.position;
    }
    if (this.unsaved && Date.now() - this.savedAt >= (this.options.saveEveryMs ?? 1_000)) await this.save(this.unsaved);
    return batch.length === this.options.batchSize;
  }

  private async handle(event: RiskFactEvent): Promise<void> {
    const fact = await factOf(event, this.repo);
    if (!fact) return;
    const findings = assess(fact, this.memory, this.config.thresholds);
    for (const finding of findings) await this.raise(event, finding, new Date(fact.at));
  }

  private async raise(event: RecordedEvent, finding: Finding, at: Date): Promise<void> {
    const incidentId = incidentIdFor(event.event_id, finding.rule);
    const freeze = this.config.autoFreeze && finding.severity === 'critical' && finding.account_number !== null;
    const evidence = freeze ? { ...finding.evidence, auto_freeze: true } : finding.evidence;
    const ctx = systemContext('risk', event.event_id);
    const raised = await raiseIncident(this.repo, ctx, incidentId, { ...finding, evidence }, at);
    if (raised.events.length > 0 && !raised.result?.duplicate) this.raisedHere++;
    if (!freeze) return;
    try {
      await this.repo.execute(
        accountAggregate,
        accountStream(finding.account_number!),
        { type: 'FreezeAccount', reason: `risk:${finding.rule} incident ${incidentId}` },
        ctx,
        idsFrom(`risk-freeze/${incidentId}`),
      );
      this.logger.warn({ incident_id: incidentId, account_number: finding.account_number }, 'account frozen by the risk engine');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error; // already frozen, or gone: nothing to do
    }
  }

  private async load(): Promise<bigint> {
    const { position, memory } = await this.saved.load();
    this.memory = memory;
    this.savedAt = Date.now();
    return position;
  }

  /** Position and the memory's changes in one statement: both or neither. */
  private async save(last: RecordedEvent): Promise<void> {
    pruneMemory(this.memory, Date.parse(last.metadata.occurred_at) || last.recorded_at.getTime(), this.config.thresholds);
    await this.saved.save(last.position, this.memory);
    this.savedAt = Date.now();
    if (this.unsaved === last) this.unsaved = undefined;
  }
}
