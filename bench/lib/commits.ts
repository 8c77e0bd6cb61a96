import pg from 'pg';

interface CommitSnapshot {
  /** pg_stat_database.xact_commit of the database (every committed transaction, read models included). */
  xactCommit: number;
  /** Newest es.events position. */
  position: string;
}

export interface CommitDelta {
  /** Committed transactions of the database in the window, approximately (pg stats lag; read models included). */
  transactions: number;
  /** Event store transactions that wrote events in the window (distinct tx_id of the events appended). */
  eventStoreCommits: number;
  /** Events appended in the window. */
  events: number;
}

/**
 * Counts durable commits on the service's database over a bench window: all
 * transactions (pg_stat_database) and the event store's own (distinct
 * transaction ids of the events appended). Divide by the operations counted
 * in the same window for commits per operation.
 */
export class CommitCounter {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<CommitCounter> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new CommitCounter(client);
  }

  private async snapshot(): Promise<CommitSnapshot> {
    await this.client.query('select pg_stat_force_next_flush()').catch(() => undefined);
    const { rows } = await this.client.query<{ xact_commit: string; position: string }>(
      `select (select xact_commit::text from pg_stat_database where datname = current_database()) as xact_commit,
              (select coalesce(max(position), 0)::text from es.events) as position`,
    );
    return { xactCommit: Number(rows[0]!.xact_commit), position: rows[0]!.position };
  }

  window(): { onWindowStart(): Promise<void>; onWindowEnd(): Promise<void>; delta(): Promise<CommitDelta | undefined> } {
    let from: CommitSnapshot | undefined;
    let to: CommitSnapshot | undefined;
    return {
      onWindowStart: async () => {
        from = await this.snapshot();
      },
      onWindowEnd: async () => {
        to = await this.snapshot();
      },
      delta: async () => {
        if (!from || !to) return undefined;
        // Stats of other backends reach the shared counters when they next flush (about a second).
        await new Promise((r) => setTimeout(r, 1_500));
        const later = await this.snapshot();
        const { rows } = await this.client.query<{ commits: string; events: string }>(
          `select count(distinct tx_id)::text as commits, count(*)::text as events from es.events where position > $1 and position <= $2`,
          [from.position, to.position],
        );
        // xact_commit lags (backends flush their counts about once a second): the later reading,
        // which also holds the read models' catching up on the window's last events.
        const transactions = later.xactCommit - from.xactCommit;
        return { transactions, eventStoreCommits: Number(rows[0]!.commits), events: Number(rows[0]!.events) };
      },
    };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
