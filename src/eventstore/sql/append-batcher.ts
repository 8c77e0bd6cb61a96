import { appendBatchSize, appendDuration } from '../../infra/metrics.js';
import { sqlState, type SqlExecutor } from './executor.js';

export interface AppendRow {
  /** Index of the stream inside an atomic multi-stream item (0 for a one-stream item). */
  o_sub: number;
  o_event_id: string;
  o_position: string | null;
  o_revision: string | null;
  o_prev_hash: string | null;
  o_hash: string | null;
  o_recorded_at: Date | string | null;
  o_duplicate: boolean;
}

export interface BatchRow extends AppendRow {
  o_item: number;
  o_error: string | null;
  o_detail: string | null;
  o_constraint: string | null;
}

/** The row shape of es.append_many (also what one call outside a batch returns). */
export const APPEND_MANY_COLUMNS = `o_item, o_sub, o_event_id::text as o_event_id, o_position::text as o_position,
  o_revision::text as o_revision, o_prev_hash, o_hash, o_recorded_at, o_duplicate, o_error, o_detail, o_constraint`;

/** An append item for es.append_many: one stream, or several written all or none. */
export const streamItemJson = (stream: string, expected: string, eventsJson: string) =>
  `{"stream":${JSON.stringify(stream)},"expected":${JSON.stringify(expected)},"events":${eventsJson}}`;

/** The first refusal among an item's rows, as an error the store maps. */
export function itemFailure(rows: BatchRow[]): BatchItemError | undefined {
  const failed = rows.find((r) => r.o_error !== null);
  return failed ? new BatchItemError(failed.o_error!, failed.o_detail ?? undefined, failed.o_constraint ?? undefined, Number(failed.o_sub)) : undefined;
}

/** An item's failure inside a batch, shaped like a driver error so callers map it the same way. */
export class BatchItemError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string | undefined,
    readonly constraint: string | undefined,
    /** Which stream of an atomic multi-stream item refused. */
    readonly sub = 0,
  ) {
    super(`append failed with SQLSTATE ${code}${detail ? `: ${detail}` : ''}`);
  }
}

interface Queued {
  json: string;
  resolve: (rows: BatchRow[]) => void;
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
 * are running are sent together through `es.append_many`, one transaction
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
          `select ${APPEND_MANY_COLUMNS} from es.append_many($1::jsonb, $2)`,
          [items, isolate],
          'es_append_many',
        );
        return result.rows;
      } catch (error) {
        // A failure inside the locked section leaves the session-level lock held.
        await session.query('select pg_advisory_unlock_all()').catch(() => undefined);
        throw error;
      }
    });
  }

  /** `json`: one item of es.append_many (streamItemJson, or `{"streams": [...]}`). Refusals reject with BatchItemError. */
  submit(json: string): Promise<BatchRow[]> {
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
      const failed = itemFailure(itemRows);
      if (failed) q.reject(failed);
      else q.resolve(itemRows);
    });
  }
}
