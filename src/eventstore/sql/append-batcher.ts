import { appendBatchSize, appendDuration } from '../../infra/metrics.js';
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
 */
export class AppendBatcher {
  private readonly queue: Queued[] = [];
  private inFlight = 0;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: BatcherOptions = { maxInFlight: 2, maxItems: 50 },
  ) {}

  private call(items: string, isolate: boolean): Promise<BatchRow[]> {
    return this.sql.withSession(async (session) => {
      try {
        const result = await session.query<BatchRow>(
          `select o_item, o_event_id::text as o_event_id, o_position::text as o_position, o_revision::text as o_revision,
                  o_prev_hash, o_hash, o_recorded_at, o_duplicate, o_error, o_detail, o_constraint
             from es.append_batch($1::jsonb, $2)`,
          [items, isolate],
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

  submit(stream: string, expected: string, eventsJson: string): Promise<AppendRow[]> {
    const json = `{"stream":${JSON.stringify(stream)},"expected":${JSON.stringify(expected)},"events":${eventsJson}}`;
    return new Promise((resolve, reject) => {
      this.queue.push({ json, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxItems);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Queued[]): Promise<void> {
    const items = `[${batch.map((q) => q.json).join(',')}]`;
    let rows: BatchRow[];
    appendBatchSize.observe(batch.length);
    const timer = appendDuration.startTimer();
    try {
      try {
        rows = await this.call(items, false);
      } catch (error) {
        // Something raised (a writer outside the lock won a unique key): nothing of the
        // batch was kept. Again, each item in its own subtransaction.
        if (!sqlState(error)) throw error;
        rows = await this.call(items, true);
      }
    } catch (error) {
      for (const q of batch) q.reject(error);
      return;
    } finally {
      timer();
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
