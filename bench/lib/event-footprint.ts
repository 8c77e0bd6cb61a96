/**
 * What one stored event costs on disk, measured from a real `es.events` table
 * (bench/scale-out.ts prints it after its runs), and the capacity model the
 * README's "Scaling out" quotes: events and bytes per day and year at a given
 * transfer rate.
 */
import pg from 'pg';

export interface EventFootprint {
  events: number;
  /** Table heap (main fork), its TOAST, and its indexes, in bytes. */
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  /** Everything divided by the events: what the table grows by per event. */
  bytesPerEvent: number;
  /** Average stored row (pg_column_size of the row) and of its `data` and `metadata`. */
  avgRowBytes: number;
  avgDataBytes: number;
  avgMetadataBytes: number;
  /** Events per type, most frequent first. */
  types: { type: string; events: number; avgRowBytes: number }[];
}

/** Sizes of `es.events` after a VACUUM (so the visibility map and free space are as they would settle). */
export async function eventFootprint(url: string): Promise<EventFootprint> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('vacuum (analyze) es.events');
    const { rows } = await c.query<{ events: string; heap: string; toast: string; idx: string; row: string; data: string; meta: string }>(`
      select count(*)::text as events,
             pg_relation_size('es.events')::text as heap,
             coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::text as toast,
             pg_indexes_size('es.events')::text as idx,
             coalesce(avg(pg_column_size(e.*)), 0)::text as row,
             coalesce(avg(pg_column_size(e.data)), 0)::text as data,
             coalesce(avg(pg_column_size(e.metadata)), 0)::text as meta
        from es.events e, pg_class c
       where c.oid = 'es.events'::regclass
       group by c.reltoastrelid`);
    const r = rows[0]!;
    const types = await c.query<{ type: string; events: string; row: string }>(
      `select type, count(*)::text as events, avg(pg_column_size(e.*))::text as row from es.events e group by type order by count(*) desc`,
    );
    const events = Number(r.events);
    const heapBytes = Number(r.heap);
    const toastBytes = Number(r.toast);
    const indexBytes = Number(r.idx);
    return {
      events,
      heapBytes,
      toastBytes,
      indexBytes,
      bytesPerEvent: events > 0 ? (heapBytes + toastBytes + indexBytes) / events : NaN,
      avgRowBytes: Number(r.row),
      avgDataBytes: Number(r.data),
      avgMetadataBytes: Number(r.meta),
      types: types.rows.map((t) => ({ type: t.type, events: Number(t.events), avgRowBytes: Number(t.row) })),
    };
  } finally {
    await c.end();
  }
}

export interface CapacityRow {
  transfersPerSecond: number;
  eventsPerDay: number;
  bytesPerDay: number;
  bytesPerYear: number;
}

/** Events and storage per day and year at each rate, from events per transfer and bytes per event. */
export function capacityModel(rates: readonly number[], eventsPerTransfer: number, bytesPerEvent: number): CapacityRow[] {
  return rates.map((rate) => {
    const eventsPerDay = rate * 86_400 * eventsPerTransfer;
    return { transfersPerSecond: rate, eventsPerDay, bytesPerDay: eventsPerDay * bytesPerEvent, bytesPerYear: eventsPerDay * bytesPerEvent * 365 };
  });
}

/** 1234567890 -> "1.15 GiB" */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 2)} ${units[i]}`;
}
