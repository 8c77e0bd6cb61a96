import { sqlState, type SqlExecutor } from './executor.js';

export interface AppendRow {
  o_event_id: string;
  o_position: string | null;
  o_revision: string | null;
  o_prev_hash: string | null;
  o_hash: string | null;
  o_recorded_at: Date | string | null;
  o_duplicate: boolean;
}

interface BatchRow extends AppendRow {
  o_item: number;
  o_error: string | null;
  o_detail: string | null;
  o_constraint: string | null;
}

/** An item's failure inside a batch, shaped like a driver error so callers map it the same way. */
export class BatchItemError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string | undefined,
    readonly constraint: string | undefined,
  ) {
    super(`append failed with SQLSTATE ${code}${detail ? `: ${detail}` : ''}`);
  }
}

interface Queued {
  json: string;
  durable: boolean;
  /** Arrival order across both queues. */
  seq: number;
  resolve: (rows: AppendRow[]) => void;
  reject: (error: unknown) => void;
}

export interface BatcherOptions {
  /** Batches running at once (each holds one connection). */
  maxInFlight: number;
  /** Items per batch; below 64, PostgreSQL's subtransaction cache. */
  maxItems: number;
}

/**
 * Group commit for the PostgreSQL adapter: appends that arrive while others
 * are running are sent together through `es.append_batch`, one transaction
 * and one lock hand-off for many. A lone append goes out at once, alone.
 * Durable and non-durable appends never share a batch (one commit mode each);
 * the older waiting append decides which kind goes next.
 */
export class AppendBatcher {
  private readonly queues = { durable: [] as Queued[], relaxed: [] as Queued[] };
  private seq = 0;
  private inFlight = 0;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: BatcherOptions = { maxInFlight: 2, maxItems: 50 },
  ) {}

  private call(items: string, isolate: boolean, durable: boolean): Promise<BatchRow[]> {
    return this.sql.withSession(async (session) => {
      try {
        const result = await session.query<BatchRow>(
          `select o_item, o_event_id::text as o_event_id, o_position::text as o_position, o_revision::text as o_revision,
                  o_prev_hash, o_hash, o_recorded_at, o_duplicate, o_error, o_detail, o_constraint
             from es.append_batch($1::jsonb, $2, $3)`,
          [items, isolate, durable],
          'es_append_batch',
        );
        return result.rows;
      } catch (error) {
        // A failure inside the locked section leaves the session-level lock held.
        await session.query('select pg_advisory_unlock_all()').catch(() => undefined);
        throw error;
      }
    });
  }

  submit(stream: string, expected: string, eventsJson: string, durable = true): Promise<AppendRow[]> {
    const json = `{"stream":${JSON.stringify(stream)},"expected":${JSON.stringify(expected)},"events":${eventsJson}}`;
    return new Promise((resolve, reject) => {
      (durable ? this.queues.durable : this.queues.relaxed).push({ json, durable, seq: this.seq++, resolve, reject });
      this.pump();
    });
  }

  /** The queue whose first append has waited longest, or undefined when both are empty. */
  private next(): Queued[] | undefined {
    const { durable, relaxed } = this.queues;
    if (durable.length === 0) return relaxed.length > 0 ? relaxed : undefined;
    if (relaxed.length === 0) return durable;
    return durable[0]!.seq < relaxed[0]!.seq ? durable : relaxed;
  }

  private pump(): void {
    for (let queue = this.next(); this.inFlight < this.options.maxInFlight && queue; queue = this.next()) {
      const batch = queue.splice(0, this.options.maxItems);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Queued[]): Promise<void> {
    const items = `[${batch.map((q) => q.json).join(',')}]`;
    const durable = batch[0]!.durable;
    let rows: BatchRow[];
    try {
      try {
        rows = await this.call(items, false, durable);
      } catch (error) {
        // Something raised (a writer outside the lock won a unique key): nothing of the
        // batch was kept. Again, each item in its own subtransaction.
        if (!sqlState(error)) throw error;
        rows = await this.call(items, true, durable);
      }
    } catch (error) {
      for (const q of batch) q.reject(error);
      return;
    }
    const byItem = new Map<number, BatchRow[]>();
    for (const row of rows) {
      const item = Number(row.o_item);
      const list = byItem.get(item);
      if (list) list.push(row);
      else byItem.set(item, [row]);
    }
    batch.forEach((q, i) => {
      const itemRows = byItem.get(i) ?? [];
      const failed = itemRows.find((r) => r.o_error !== null);
      if (failed) q.reject(new BatchItemError(failed.o_error!, failed.o_detail ?? undefined, failed.o_constraint ?? undefined));
      else q.resolve(itemRows);
    });
  }
}
